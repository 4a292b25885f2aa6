"""Every table that scrolls sideways can be reached and scrolled with the keyboard and is
named for a screen reader (WCAG 2.1.1; axe's scrollable-region-focusable; issue #17)."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "valnav"
SCROLLING = re.compile(r"<div\b[^>]*\bclass=\"[^\"]*\btable-scroll\b[^\"]*\"[^>]*>")


def test_every_scrolling_table_is_a_focusable_named_region():
    wrong = []
    found = 0
    for template in TEMPLATES.rglob("*.html"):
        for tag in SCROLLING.findall(template.read_text(encoding="utf-8")):
            found += 1
            named = "aria-label=" in tag or "aria-labelledby=" in tag
            if not ('tabindex="0"' in tag and 'role="region"' in tag and named):
                wrong.append(f"{template.relative_to(TEMPLATES)}: {tag}")
    assert found > 30
    assert not wrong, "\n".join(wrong)
