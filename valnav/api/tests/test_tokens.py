"""API keys: made and revoked by their owners on "My API keys", stored only as a hash; and the
rate limits for anonymous clients and for keys."""

import hashlib
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from valnav.api.models import ApiToken
from valnav.api.services import api_token_authenticate, api_token_create, api_token_revoke
from valnav.api.v1 import ANONYMOUS_PER_MINUTE, TOKEN_PER_MINUTE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def bearer(secret):
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_the_page_is_for_those_who_may_edit_the_atlas(personas):
    url = reverse("api:token-list")
    assert Client().get(url).status_code == 302
    assert signed_in(personas["counsellor_orebro"]).get(url).status_code == 403
    assert signed_in(personas["outsider"]).get(url).status_code == 403
    for key in ["assessor_vasteras_komvux", "rua_vastmanland", "admin"]:
        assert signed_in(personas[key]).get(url).status_code == 200, key


def test_creating_a_key_shows_it_once_and_stores_only_its_hash(personas):
    client = signed_in(personas["assessor_vasteras_komvux"])
    response = client.post(reverse("api:token-create"), {"name": "Vårt elevsystem"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    secret = response.context["new_token"].secret
    assert secret in response.content.decode()
    assert token.user == personas["assessor_vasteras_komvux"]
    assert token.name == "Vårt elevsystem"
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix)
    assert len(token.prefix) < len(secret) // 3
    stored = [str(value) for value in ApiToken.objects.values_list().get()]
    assert secret not in stored
    # Later the page names the key by its prefix, never in full.
    page = client.get(reverse("api:token-list")).content.decode()
    assert token.prefix in page
    assert secret not in page
    assert bearer(secret).get("/api/v1/offers").status_code == 200


def test_a_key_needs_a_name(personas):
    client = signed_in(personas["assessor_vasteras_komvux"])
    response = client.post(reverse("api:token-create"), {"name": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_people_without_the_right_make_no_keys(personas):
    response = signed_in(personas["counsellor_orebro"]).post(
        reverse("api:token-create"), {"name": "x"}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        api_token_create(actor=personas["counsellor_orebro"], name="x")
    assert not ApiToken.objects.exists()


def test_the_page_lists_only_ones_own_keys(personas):
    api_token_create(actor=personas["rua_vastmanland"], name="Regionens rapporter")
    api_token_create(actor=personas["assessor_vasteras_komvux"], name="Elevsystemet")
    page = signed_in(personas["assessor_vasteras_komvux"]).get(reverse("api:token-list"))
    assert "Elevsystemet" in page.content.decode()
    assert "Regionens rapporter" not in page.content.decode()


def test_revoking_ends_the_key_and_keeps_the_record(personas):
    user = personas["assessor_vasteras_komvux"]
    new = api_token_create(actor=user, name="Elevsystemet")
    client = signed_in(user)
    response = client.post(reverse("api:token-revoke", kwargs={"pk": new.token.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("api:token-list")
    new.token.refresh_from_db()
    assert new.token.revoked_at is not None
    assert bearer(new.secret).get("/api/v1/offers").status_code == 401
    assert "Elevsystemet" in client.get(reverse("api:token-list")).content.decode()


def test_nobody_revokes_someone_elses_key_on_the_page(personas):
    other = api_token_create(actor=personas["rua_vastmanland"], name="Regionens")
    client = signed_in(personas["assessor_vasteras_komvux"])
    response = client.post(reverse("api:token-revoke", kwargs={"pk": other.token.pk}))
    assert response.status_code == 404
    other.token.refresh_from_db()
    assert other.token.revoked_at is None
    with pytest.raises(PermissionDenied):
        api_token_revoke(token=other.token, actor=personas["assessor_vasteras_komvux"])


def test_making_and_revoking_need_post(personas):
    client = signed_in(personas["assessor_vasteras_komvux"])
    new = api_token_create(actor=personas["assessor_vasteras_komvux"], name="x")
    assert client.get(reverse("api:token-create")).status_code == 405
    assert client.get(reverse("api:token-revoke", kwargs={"pk": new.token.pk})).status_code == 405


def test_use_is_recorded_at_most_once_a_minute(personas):
    new = api_token_create(actor=personas["assessor_vasteras_komvux"], name="x")
    assert new.token.last_used_at is None
    bearer(new.secret).get("/api/v1/offers")
    new.token.refresh_from_db()
    first = new.token.last_used_at
    assert first is not None
    bearer(new.secret).get("/api/v1/offers")
    new.token.refresh_from_db()
    assert new.token.last_used_at == first
    ApiToken.objects.filter(pk=new.token.pk).update(last_used_at=first - timedelta(minutes=2))
    bearer(new.secret).get("/api/v1/offers")
    new.token.refresh_from_db()
    assert new.token.last_used_at > first - timedelta(seconds=1)


def test_a_key_stops_working_when_its_user_is_deactivated(personas):
    user = personas["assessor_vasteras_komvux"]
    new = api_token_create(actor=user, name="x")
    user.is_active = False
    user.save()
    assert api_token_authenticate(secret=new.secret) is None
    assert bearer(new.secret).get("/api/v1/offers").status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer vn_", "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer vn_" + "x" * 200],
)
def test_malformed_or_unknown_keys_are_401(reference_data, header):
    response = Client(headers={"Authorization": header}).get("/api/v1/offers")
    assert response.status_code == 401


# The admin site -----------------------------------------------------------------------------


def test_administrators_see_and_revoke_keys_but_cannot_make_or_delete_them(personas):
    new = api_token_create(actor=personas["assessor_vasteras_komvux"], name="Läckt nyckel")
    client = signed_in(personas["admin"])
    changelist = reverse("admin:api_apitoken_changelist")
    page = client.get(changelist)
    assert page.status_code == 200
    assert "Läckt nyckel" in page.content.decode()
    assert new.secret not in page.content.decode()
    response = client.post(
        changelist, {"action": "revoke", "_selected_action": [new.token.pk]}, follow=True
    )
    assert response.status_code == 200
    new.token.refresh_from_db()
    assert new.token.revoked_at is not None
    view = client.get(reverse("admin:api_apitoken_change", args=[new.token.pk]))
    assert view.status_code == 200
    assert new.token.key_hash not in view.content.decode()


# Rate limits --------------------------------------------------------------------------------


def test_anonymous_clients_are_slowed_down_per_address(reference_data):
    limit = ANONYMOUS_PER_MINUTE
    client = Client()
    for _ in range(limit):
        assert client.get("/api/v1/counties").status_code == 200
    refused = client.get("/api/v1/hsds/taxonomies")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    other_address = Client(REMOTE_ADDR="192.0.2.7")
    assert other_address.get("/api/v1/counties").status_code == 200


def test_a_key_has_its_own_larger_allowance(personas):
    """Requests with a key are not counted as anonymous, and a key has its own limit."""
    anonymous, with_key = ANONYMOUS_PER_MINUTE, TOKEN_PER_MINUTE
    assert with_key > anonymous
    secret = api_token_create(actor=personas["assessor_vasteras_komvux"], name="x").secret
    client = bearer(secret)
    for _ in range(with_key):
        assert client.get("/api/v1/offers", {"limit": 1}).status_code == 200
    assert client.get("/api/v1/offers", {"limit": 1}).status_code == 429
    # The address itself was not used up by the key.
    assert Client().get("/api/v1/offers", {"limit": 1}).status_code == 200


def test_the_limit_resets_after_its_period(reference_data, monkeypatch):
    limit = ANONYMOUS_PER_MINUTE
    client = Client()
    for _ in range(limit):
        client.get("/api/v1/counties")
    assert client.get("/api/v1/counties").status_code == 429
    later = timezone.now().timestamp() + 61
    monkeypatch.setattr("ninja.throttling.SimpleRateThrottle.timer", lambda self: later)
    assert client.get("/api/v1/counties").status_code == 200


def test_the_limit_holds_in_any_minute_and_says_when_to_come_back(reference_data, monkeypatch):
    limit = ANONYMOUS_PER_MINUTE
    start = float(int(timezone.now().timestamp()))
    clock = {"now": start + 0.5}
    monkeypatch.setattr("ninja.throttling.SimpleRateThrottle.timer", lambda self: clock["now"])
    client = Client()
    # A third of the limit in each of three seconds twenty seconds apart, then nothing more
    # until the first third has left the minute, then only as much as left with it.
    for second in (0, 20, 40):
        clock["now"] = start + second + 0.5
        for _ in range(limit // 3):
            assert client.get("/api/v1/counties").status_code == 200
    clock["now"] = start + 60.5
    refused = client.get("/api/v1/counties")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"
    clock["now"] = start + 61.5
    answers = [client.get("/api/v1/counties").status_code for _ in range(limit // 3 + 1)]
    assert answers == [200] * (limit // 3) + [429]
    clock["now"] = start + 70.5
    assert int(client.get("/api/v1/counties")["Retry-After"]) == 11


def test_a_made_up_forwarded_for_header_does_not_escape_the_limit(reference_data):
    client = Client()
    statuses = [
        client.get("/api/v1/counties", HTTP_X_FORWARDED_FOR=f"203.0.113.{n % 250}").status_code
        for n in range(ANONYMOUS_PER_MINUTE + 3)
    ]
    assert statuses.count(429) == 3
