"""One wording of the small-count rule on every page that states it (issue #17): the rule of
valnav.lib.disclosure and docs/privacy.md, counts from 1 to 4 shown as "<5"."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

# The pages that state the rule.
PAGES = [
    "insights:index",
    "insights:equity",
    "insights:dashboard",
    "insights:gaps",
    "insights:focus",
    "casework:statistics",
    "events:statistics",
]

OTHER_WORDINGS = re.compile(r"1 till 5|1 to 5|(mindre|färre) än 5|fewer than 5")


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "wording"), [("sv", "från 1 till 4"), ("en", "from 1 to 4")])
def test_every_page_states_the_small_count_rule_in_the_same_words(personas, language, wording):
    client = Client()
    client.force_login(personas["admin"])
    for name in PAGES:
        with translation.override(language):
            url = reverse(name)
        page = client.get(url).text
        assert wording in page, f"{name} {url}"
        assert not OTHER_WORDINGS.search(page), f"{name} {url}: {OTHER_WORDINGS.search(page)}"
