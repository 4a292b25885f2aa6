"""The form rate limits count in the database: one row per scope, address and minute, shared by
every worker; a new minute clears the expired rows. (Across real worker processes:
tests/test_two_app_servers.py.)"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from valnav.core.models import RateLimitCount
from valnav.core.ratelimit import rate_limit_exceeded


@pytest.mark.django_db
def test_requests_count_in_one_database_row_until_the_limit(settings, monkeypatch):
    # Half a minute into a window, so a slow run cannot cross into the next one.
    now = int(time.time()) // 60 * 60 + 30
    monkeypatch.setattr("valnav.core.ratelimit.time", SimpleNamespace(time=lambda: now))
    settings.VALNAV_RATE_LIMITS = {**settings.VALNAV_RATE_LIMITS, "login": 2}
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.40")
    assert rate_limit_exceeded(request, scope="login") is None
    assert rate_limit_exceeded(request, scope="login") is None
    retry_after = rate_limit_exceeded(request, scope="login")
    assert retry_after is not None
    assert retry_after == 30
    (row,) = RateLimitCount.objects.all()
    assert row.count == 3
    assert row.key.startswith("login:192.0.2.40:")
    # Another address and another scope count apart.
    other = RequestFactory().post("/", REMOTE_ADDR="192.0.2.41")
    assert rate_limit_exceeded(other, scope="login") is None
    assert rate_limit_exceeded(request, scope="password-reset") is None
    assert RateLimitCount.objects.count() == 3


@pytest.mark.django_db
def test_a_new_window_removes_the_expired_counts():
    past = datetime.now(tz=UTC) - timedelta(minutes=2)
    RateLimitCount.objects.create(key="login:192.0.2.50:1", count=7, expires_at=past)
    rate_limit_exceeded(RequestFactory().post("/", REMOTE_ADDR="192.0.2.51"), scope="login")
    assert list(RateLimitCount.objects.values_list("count", flat=True)) == [1]
