"""The Swedish catalogue is complete, current and in use.

Swedish is the site's default language and English its source language: every string marked
for translation must have a Swedish translation, and the catalogue must list exactly the
strings the source marks. After changing a marked string, run `make messages`, translate what
is new and run `make compilemessages`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation

BASE_DIR = Path(__file__).resolve().parent.parent
PO_PATH = Path("locale") / "sv" / "LC_MESSAGES" / "django.po"
SOURCE_TREES = ["config", "valnav", "locale"]
# Python-format placeholders (%(name)s, %%) and URL converters (<uidb64>, <int:pk>).
PLACEHOLDER = re.compile(r"%\([^)]+\)[a-z]|%%|<[^<>]+>")


def load_catalogue(base: Path) -> polib.POFile:
    return polib.pofile(str(base / PO_PATH))


def msgids(catalogue: polib.POFile) -> set[tuple[str, str]]:
    """The (context, msgid) of every live entry."""
    return {(entry.msgctxt or "", entry.msgid) for entry in catalogue if not entry.obsolete}


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def describe(keys: set[tuple[str, str]]) -> str:
    return "\n".join(
        f"  {context + ' | ' if context else ''}{msgid!r}" for context, msgid in sorted(keys)
    )


def test_swedish_catalogue_header_declares_swedish_plurals() -> None:
    metadata = load_catalogue(BASE_DIR).metadata

    assert metadata.get("Language") == "sv"
    assert metadata.get("Plural-Forms") == "nplurals=2; plural=(n != 1);"
    assert "charset=UTF-8" in metadata.get("Content-Type", "")


def test_every_swedish_string_is_translated() -> None:
    catalogue = load_catalogue(BASE_DIR)
    untranslated = [
        entry.msgid
        for entry in catalogue
        if not entry.obsolete
        and (
            not translations(entry)
            or not all(text.strip() for text in translations(entry))
            or (entry.msgid_plural and len(entry.msgstr_plural) != 2)
        )
    ]
    fuzzy = [entry.msgid for entry in catalogue if "fuzzy" in entry.flags]

    assert not untranslated, "Untranslated Swedish strings:\n" + "\n".join(
        f"  {msgid!r}" for msgid in untranslated
    )
    assert not fuzzy, "Fuzzy Swedish strings (check and remove the flag):\n" + "\n".join(
        f"  {msgid!r}" for msgid in fuzzy
    )
    assert not catalogue.metadata_is_fuzzy, "The catalogue header is fuzzy."


def test_translations_keep_their_placeholders() -> None:
    broken = []
    for entry in load_catalogue(BASE_DIR):
        if entry.obsolete:
            continue
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        for text in translations(entry):
            if sorted(PLACEHOLDER.findall(text)) != expected:
                broken.append(f"  {entry.msgid!r} -> {text!r}")

    assert not broken, "Translations that change placeholders or URL converters:\n" + "\n".join(
        broken
    )


def test_translated_url_paths_are_lowercase_ascii_slugs() -> None:
    catalogue = load_catalogue(BASE_DIR)
    url_entries = [
        entry
        for entry in catalogue
        if any(path.endswith("urls.py") for path, _line in entry.occurrences)
        and entry.msgid.endswith("/")
    ]
    slug = re.compile(r"^(?:[a-z0-9-]+/|<[^<>]+>/)+$")
    bad = [
        f"  {entry.msgid!r} -> {entry.msgstr!r}"
        for entry in url_entries
        if not slug.match(entry.msgstr)
    ]

    assert url_entries, "No URL paths found in the catalogue."
    assert not bad, "URL paths must be lowercase ASCII slugs ending in '/':\n" + "\n".join(bad)


@pytest.mark.needs_system("gettext")  # makemessages runs xgettext
def test_translation_catalogue_matches_the_source(tmp_path: Path) -> None:
    shutil.copy2(BASE_DIR / "manage.py", tmp_path / "manage.py")
    for tree in SOURCE_TREES:
        shutil.copytree(
            BASE_DIR / tree, tmp_path / tree, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
        )
    env = {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "VALNAV_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(tmp_path),
    }

    result = subprocess.run(  # our own interpreter and manage.py
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "sv",
            "--no-obsolete",
            "--add-location=file",
            "--ignore=var",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    regenerated = msgids(load_catalogue(tmp_path))
    committed = msgids(load_catalogue(BASE_DIR))
    missing = regenerated - committed
    stale = committed - regenerated
    assert not missing, (
        "Strings in the source but not in locale/sv/LC_MESSAGES/django.po "
        "(run `make messages` and translate):\n" + describe(missing)
    )
    assert not stale, (
        "Strings in locale/sv/LC_MESSAGES/django.po that the source no longer uses "
        "(run `make messages`):\n" + describe(stale)
    )


def test_swedish_is_served_unprefixed_and_english_under_en() -> None:
    hint = "the compiled catalogue is missing or old: run `make compilemessages`"
    with translation.override("sv"):
        assert translation.gettext("Log in") == "Logga in", hint
        assert reverse("places:index") == "/platser/", hint
    with translation.override("en"):
        assert translation.gettext("Log in") == "Log in"
        assert reverse("places:index") == "/en/places/"
