"""htmx's attributes are written data-hx-* in every template: htmx reads both spellings, and
only data-* attributes are valid HTML (issue #17: bare hx-* made 15 pages invalid)."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "valnav"
BARE = re.compile(r"(?<![\w-])hx-[a-z-]+=")


def test_no_template_has_a_bare_hx_attribute():
    wrong = [
        f"{template.relative_to(TEMPLATES)}: {match.group(0)}"
        for template in TEMPLATES.rglob("*.html")
        for match in BARE.finditer(template.read_text(encoding="utf-8"))
    ]
    assert not wrong, "\n".join(wrong)
