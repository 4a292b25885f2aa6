import base64
import hashlib
import hmac
import secrets

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from valnav.core.checks import field_encryption_keys_set
from valnav.lib.fieldcrypto import (
    FieldDecryptionError,
    decrypt,
    encrypt,
    is_valid_fernet_key,
    lookup_hash,
    rotate,
)

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
LOOKUP_KEY = secrets.token_urlsafe(48)
NUMBER = "198112189876"

# Production as the settings module sees it: neither DEBUG nor the test suite.
production = override_settings(DEBUG=False, TESTING=False)


def test_a_value_survives_encryption_and_the_token_hides_it():
    token = encrypt("Åsa Öberg 198112189876")
    assert decrypt(token) == "Åsa Öberg 198112189876"
    assert "198112189876" not in token
    assert token.isascii()


def test_each_encryption_gives_a_new_token():
    assert encrypt(NUMBER) != encrypt(NUMBER)


def test_development_keys_are_derived_from_the_secret_key_and_stay_fixed():
    token = encrypt(NUMBER)
    with override_settings(SECRET_KEY="another-development-secret-key-0123456789-abcdefgh"):
        with pytest.raises(FieldDecryptionError):
            decrypt(token)
        other_hash = lookup_hash(NUMBER)
    assert decrypt(token) == NUMBER
    assert lookup_hash(NUMBER) != other_hash


@override_settings(DEBUG=True, TESTING=False, VALNAV_FIELD_ENCRYPTION_KEYS=[])
def test_debug_alone_also_allows_development_keys():
    assert decrypt(encrypt(NUMBER)) == NUMBER
    assert len(lookup_hash(NUMBER)) == 64


def test_development_keys_come_from_hkdf_with_one_label_per_purpose():
    # Pinned: changing a label would make every development database unreadable.
    def derive(info):
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info)
        return hkdf.derive(settings.SECRET_KEY.encode())

    encryption_key = derive(b"valnav.fieldcrypto.encryption.v1")
    lookup_key = derive(b"valnav.fieldcrypto.lookup-hash.v1")
    assert encryption_key != lookup_key
    development = Fernet(base64.urlsafe_b64encode(encryption_key))
    assert development.decrypt(encrypt(NUMBER).encode()).decode() == NUMBER
    assert lookup_hash(NUMBER) == hmac.new(lookup_key, NUMBER.encode(), hashlib.sha256).hexdigest()


def test_configured_keys_are_used_and_the_first_one_encrypts():
    with override_settings(VALNAV_FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        token = encrypt(NUMBER)
    assert Fernet(OLD_KEY).decrypt(token.encode()).decode() == NUMBER
    with override_settings(VALNAV_FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        assert decrypt(token) == NUMBER
        assert Fernet(NEW_KEY).decrypt(encrypt(NUMBER).encode()).decode() == NUMBER


def test_rotation_re_encrypts_under_the_new_key_so_the_old_one_can_go():
    with override_settings(VALNAV_FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        token = encrypt(NUMBER)
    with override_settings(VALNAV_FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        rotated = rotate(token)
    with override_settings(VALNAV_FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert decrypt(rotated) == NUMBER
        with pytest.raises(FieldDecryptionError, match="VALNAV_FIELD_ENCRYPTION_KEYS"):
            decrypt(token)
        with pytest.raises(FieldDecryptionError):
            rotate(token)


@pytest.mark.parametrize("token", ["", "not-a-token", "gAAAAA", "åäö", "x" * 200])
def test_damaged_tokens_give_a_decryption_error(token):
    with pytest.raises(FieldDecryptionError):
        decrypt(token)


def test_a_tampered_token_is_refused():
    token = encrypt(NUMBER)
    tampered = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]
    with pytest.raises(FieldDecryptionError):
        decrypt(tampered)


@production
@override_settings(VALNAV_FIELD_ENCRYPTION_KEYS=[], VALNAV_LOOKUP_HASH_KEY=LOOKUP_KEY)
def test_production_without_encryption_keys_refuses_to_encrypt():
    with pytest.raises(ImproperlyConfigured, match="VALNAV_FIELD_ENCRYPTION_KEYS"):
        encrypt(NUMBER)
    with pytest.raises(ImproperlyConfigured, match="VALNAV_FIELD_ENCRYPTION_KEYS"):
        decrypt("token")


@production
@override_settings(VALNAV_FIELD_ENCRYPTION_KEYS=[OLD_KEY], VALNAV_LOOKUP_HASH_KEY="")
def test_production_without_a_lookup_key_refuses_to_hash():
    with pytest.raises(ImproperlyConfigured, match="VALNAV_LOOKUP_HASH_KEY"):
        lookup_hash(NUMBER)
    assert decrypt(encrypt(NUMBER)) == NUMBER


@pytest.mark.parametrize("keys", [["not-a-fernet-key"], [OLD_KEY, "c2hvcnQ="], "a,b"])
def test_an_invalid_configured_key_is_named_by_position_not_value(keys):
    with (
        override_settings(VALNAV_FIELD_ENCRYPTION_KEYS=keys),
        pytest.raises(ImproperlyConfigured, match="VALNAV_FIELD_ENCRYPTION_KEYS") as excinfo,
    ):
        encrypt(NUMBER)
    assert "not-a-fernet-key" not in str(excinfo.value)
    assert "c2hvcnQ" not in str(excinfo.value)


def test_is_valid_fernet_key():
    assert is_valid_fernet_key(OLD_KEY)
    assert not is_valid_fernet_key("")
    assert not is_valid_fernet_key(secrets.token_urlsafe(48))


@override_settings(VALNAV_LOOKUP_HASH_KEY=LOOKUP_KEY)
def test_lookup_hash_is_an_hmac_under_the_configured_key_not_a_plain_hash():
    digest = lookup_hash(NUMBER)
    assert digest == hmac.new(LOOKUP_KEY.encode(), NUMBER.encode(), hashlib.sha256).hexdigest()
    assert digest != hashlib.sha256(NUMBER.encode()).hexdigest()
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    with override_settings(VALNAV_LOOKUP_HASH_KEY=secrets.token_urlsafe(48)):
        assert lookup_hash(NUMBER) != digest


def test_lookup_hash_is_stable_and_normalises_whitespace_and_unicode_form():
    assert lookup_hash(NUMBER) == lookup_hash(NUMBER)
    assert lookup_hash(f"  {NUMBER}\n") == lookup_hash(NUMBER)
    # Full-width digits (NFKC folds them to ASCII).
    assert lookup_hash("１９８１１２１８９８７６") == lookup_hash(NUMBER)
    assert lookup_hash("198112189877") != lookup_hash(NUMBER)


# The deploy check (valnav.core.checks, valnav.E003).


@production
@override_settings(VALNAV_FIELD_ENCRYPTION_KEYS=[], VALNAV_LOOKUP_HASH_KEY="")
def test_deploy_check_reports_missing_keys_when_debug_is_off():
    errors = field_encryption_keys_set(None)
    assert [error.id for error in errors] == ["valnav.E003", "valnav.E003"]
    messages = " ".join(error.msg for error in errors)
    assert "VALNAV_FIELD_ENCRYPTION_KEYS" in messages
    assert "VALNAV_LOOKUP_HASH_KEY" in messages


@production
@override_settings(
    VALNAV_FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY], VALNAV_LOOKUP_HASH_KEY=LOOKUP_KEY
)
def test_deploy_check_accepts_valid_keys():
    assert field_encryption_keys_set(None) == []


@production
@override_settings(
    VALNAV_FIELD_ENCRYPTION_KEYS=[OLD_KEY, "not-a-fernet-key"], VALNAV_LOOKUP_HASH_KEY="x" * 31
)
def test_deploy_check_reports_an_invalid_key_and_a_short_lookup_key():
    errors = field_encryption_keys_set(None)
    assert [error.id for error in errors] == ["valnav.E003", "valnav.E003"]
    assert "Key 2" in errors[0].msg
    assert "not-a-fernet-key" not in errors[0].msg
    assert "VALNAV_LOOKUP_HASH_KEY" in errors[1].msg


@override_settings(DEBUG=True, VALNAV_FIELD_ENCRYPTION_KEYS=[], VALNAV_LOOKUP_HASH_KEY="")
def test_deploy_check_is_quiet_in_development():
    assert field_encryption_keys_set(None) == []
