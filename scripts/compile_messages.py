"""Compile the translation catalogues (locale/*/LC_MESSAGES/*.po → .mo) with polib, in pure
Python, so that `make` needs no GNU gettext (`manage.py compilemessages` calls its msgfmt).
Like msgfmt, it leaves out fuzzy and untranslated entries. Usage: python scripts/compile_messages.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent


def compile_catalogues(base: Path) -> list[Path]:
    compiled = []
    for po_path in sorted((base / "locale").glob("*/LC_MESSAGES/*.po")):
        catalogue = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        catalogue.save_as_mofile(str(mo_path))
        compiled.append(mo_path)
    return compiled


if __name__ == "__main__":
    if not compile_catalogues(BASE_DIR):
        sys.exit("No catalogues found under locale/.")
