"""Kept for the commands not yet moved: the command base is valnav.core.tabular.command."""

from valnav.core.tabular.command import FileImportCommand

__all__ = ["FileImportCommand"]
