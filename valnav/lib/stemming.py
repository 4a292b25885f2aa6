"""Swedish words to Snowball stems, the form search text is indexed and queried in.

PostgreSQL's `swedish` text-search configuration uses the same Snowball stemmer, so stems made
here match what PostgreSQL would make, and SQLite's FTS5 can search them too.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[0-9a-zåäöéüæø]+", re.IGNORECASE)
_STEMMER = snowballstemmer.stemmer("swedish")

# Words too common in this domain to tell offers apart.
STOPWORDS = frozenset(
    "och i att det som en på är av för med till den har de inte om ett vi men så var från "
    "eller du kan ni the of and in to for".split()
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word.casefold()))


def words(text: str) -> list[str]:
    return [word.casefold() for word in _WORD.findall(text)]


def stems(text: str) -> list[str]:
    """Stems of the words of `text`, stopwords dropped, in order, repeats kept."""
    return [stem(word) for word in words(text) if word not in STOPWORDS]


def stem_text(*texts: str) -> str:
    """A space-separated string of unique stems, for an index column."""
    seen: dict[str, None] = {}
    for text in texts:
        for value in stems(text):
            seen.setdefault(value, None)
    return " ".join(seen)
