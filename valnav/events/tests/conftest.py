from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.VALNAV_PUBLIC_URL = "https://valnav.example.se"
