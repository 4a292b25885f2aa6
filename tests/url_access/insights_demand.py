"""Insights URLs: filled in by their owner."""

from __future__ import annotations

EXPECTED: dict[str, dict[str, int]] = {}
