"""Valnav settings: one module, driven by the environment (see docs/deploy.md).

Development needs no variables at all: SQLite in var/, DEBUG on, console e-mail.
Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
import plotly
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VALNAV_VAR_DIR", BASE_DIR / "var"))
TESTING = "pytest" in sys.modules or os.environ.get("VALNAV_TESTING") == "1"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Off unless asked for; `make run` asks for it. The test suite always runs as production does.
DEBUG = False if TESTING else env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development and tests only: never used when DEBUG is off outside the test suite.
    SECRET_KEY = "valnav-insecure-development-key-not-for-production-use-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "valnav.core.admin_apps.ValnavAdminConfig",
    "django.contrib.humanize",
    "ninja",  # Django Ninja; /api/v1/docs is our own page (valnav/api/v1/docs.py)
    "valnav.core.admin_apps.AxesConfig",
    "valnav.core.admin_apps.TasksConfig",
    "simple_history",
    # Second factor (TOTP, with recovery codes as static tokens) for everyone who reads personal
    # data; before valnav.accounts, whose admin replaces django-otp's device admins.
    "django_otp",
    "valnav.core.admin_apps.OtpTotpConfig",
    "valnav.core.admin_apps.OtpStaticConfig",
    "valnav.core",
    "valnav.accounts",
    "valnav.places",
    "valnav.taxonomy",
    "valnav.atlas",
    "valnav.casework",
    "valnav.insights",
    "valnav.outreach",
    "valnav.events",
    "valnav.networks",
    "valnav.governance",
    "valnav.api",
    "valnav.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "valnav.core.middleware.PermissionsPolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Outside the ones below that may answer a signed-in user themselves (the session's end,
    # the second factor, the lockout): no answer that may be personal is kept in a cache.
    "valnav.core.middleware.NoStoreMiddleware",
    # Marks request.user verified once the session has passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    "valnav.core.middleware.SessionLifetimeMiddleware",
    # Keeps those who need a second factor on its pages until they have passed it.
    "valnav.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change that django-simple-history stores.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout signal into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "valnav" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "valnav.core.context_processors.valnav",
            ],
            "builtins": ["django.templatetags.i18n", "django.templatetags.static"],
        },
    }
]

# Database: SQLite in var/ unless DATABASE_URL says otherwise.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'valnav.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The statements Valnav prepares (valnav/core/prepared.py) keep one generic plan instead
    # of being planned again on every run. Django's own queries are not prepared (client-side
    # binding), so nothing else is affected.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c plan_cache_mode=force_generic_plan"
    )
    if env_bool("VALNAV_DB_POOL", default=False):
        # The psycopg pool replaces persistent connections; Django refuses both at once.
        DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": 2, "max_size": 10}
        DATABASES["default"]["CONN_MAX_AGE"] = 0
    else:
        # A new connection per request makes PostgreSQL several times slower here.
        DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "600"))
        # No health check by default: with gunicorn's sync workers it is a `SELECT 1` round
        # trip before every request's first query. A connection that died (a database
        # restart) fails one request, after which Django closes it (errors_occurred) and the
        # next request opens a new one. CONN_HEALTH_CHECKS=1 brings the check back.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("CONN_HEALTH_CHECKS", default=False)
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# A read replica for the insights' aggregates (valnav.core.routers); in tests it mirrors the
# primary, as Django's test runner does for replicas.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"]),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": DATABASES["default"].get("CONN_HEALTH_CHECKS", False),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["valnav.core.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out login is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "valnav.accounts.backends.EmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing the personas' passwords with PBKDF2 would dominate the suite's run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
# Demo personas (seed_demo) may only log in on a development machine.
VALNAV_DEMO_LOGINS = env_bool("VALNAV_DEMO_LOGINS", default=DEBUG)
# Everyone who reads personal data (counsellors, assessors, administrators: the permissions in
# valnav.core.permissions.SECOND_FACTOR_PERMS) confirms each login with a TOTP code
# (docs/deploy.md, Two-step verification). On whenever DEBUG is off, and `check --deploy`
# refuses it off there (valnav.E006). Off in development, where the demo personas have published
# passwords and no devices (README: `VALNAV_REQUIRE_SECOND_FACTOR=1 make run` tries it, the
# set-up link is printed by the console e-mail backend), and in the test suite (where DEBUG is
# always off), so that other tests may log in with force_login; the tests of the second factor
# switch it on (valnav/accounts/tests/test_second_factor.py, tests/browser/).
VALNAV_REQUIRE_SECOND_FACTOR = env_bool(
    "VALNAV_REQUIRE_SECOND_FACTOR", default=not DEBUG and not TESTING
)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "Valnav"
# How long a link to set up a second-factor device works (valnav.accounts.models
# .SecondFactorEnrolment); it works once.
VALNAV_ENROLMENT_LINK_HOURS = int(os.environ.get("VALNAV_ENROLMENT_LINK_HOURS", "24"))
# Recovery codes made when a device is set up, each usable once instead of a code from the app.
VALNAV_RECOVERY_CODE_COUNT = 10
# The admin never shows a device's secret: an administrator resets a device, never copies it.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Login through Swedish e-identification over OpenID Connect (valnav.accounts.oidc, docs/deploy.md):
# off unless VALNAV_OIDC_ISSUER is set. Only the provider's pseudonymous subject is kept.
VALNAV_OIDC_ISSUER = os.environ.get("VALNAV_OIDC_ISSUER", "")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "") or None
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = reverse_lazy("accounts:login")
if VALNAV_OIDC_ISSUER:
    AUTHENTICATION_BACKENDS.append("valnav.accounts.oidc.PseudonymousOIDCBackend")

# Lockout after repeated failed logins (django-axes), per account and address together.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# Counted by the person, not the spelling: the address as accounts store it (lower case).
AXES_USERNAME_CALLABLE = "valnav.accounts.backends.axes_username"
AXES_VERBOSE = False
# Reverse proxies in front of the app: only then is X-Forwarded-For trusted, and only its
# address added by the nearest proxy. Lockouts and API throttling both count by address.
PROXY_COUNT = int(os.environ.get("VALNAV_PROXY_COUNT", "0"))
NINJA_NUM_PROXIES = PROXY_COUNT
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Sessions end after 30 minutes without activity.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
# ...and 10 hours after login however active they were (a working day; valnav.core.middleware).
VALNAV_SESSION_ABSOLUTE_SECONDS = int(
    os.environ.get("VALNAV_SESSION_ABSOLUTE_SECONDS", str(10 * 3600))
)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Languages: Swedish first, English under /en/.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Stockholm"

# Static files: everything local, nothing from a CDN.
# plotly.min.js ships inside the plotly package (MapLibre included): served from there, not copied.
PLOTLY_BUNDLE_DIR = Path(plotly.__path__[0]) / "package_data"
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "valnav" / "static",
    # Plotly's own bundled plotly.min.js (MapLibre included), served as /static/plotly/…
    ("plotly", PLOTLY_BUNDLE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Evidence files: outside the web root, served only by views that check access.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("VALNAV_PRIVATE_ROOT", str(VAR_DIR / "private")),
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_ROOT = Path(os.environ.get("VALNAV_MEDIA_ROOT", VAR_DIR / "media"))  # outside the web root

# E-mail (Django's MAILERS): console in development, captured in tests, SMTP in production.
MAILERS: dict[str, dict[str, Any]]
if DEBUG and "EMAIL_HOST" not in os.environ:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER") or None,
                "password": os.environ.get("EMAIL_HOST_PASSWORD") or None,
                "use_tls": env_bool("EMAIL_USE_TLS", default=False),
                "timeout": 20,
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Valnav <noreply@valnav.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The cache: the open API's per-minute limits, cached figures and public pages (the form rate
# limits, VALNAV_RATE_LIMITS, are counted in the database whatever the cache). One process keeps
# it in memory; several app servers should share one, or each would count its own API limits:
# "database" keeps it in PostgreSQL (table valnav_cache, made by `manage.py createcachetable`),
# "redis" in the Redis server at VALNAV_CACHE_LOCATION (docs/deploy.md).
VALNAV_CACHE_BACKEND = os.environ.get("VALNAV_CACHE_BACKEND", "locmem")
_CACHE_BACKENDS = {
    "locmem": ("django.core.cache.backends.locmem.LocMemCache", "valnav"),
    "database": ("django.core.cache.backends.db.DatabaseCache", "valnav_cache"),
    "redis": (
        "django.core.cache.backends.redis.RedisCache",
        os.environ.get("VALNAV_CACHE_LOCATION", "redis://127.0.0.1:6379/1"),
    ),
}
if VALNAV_CACHE_BACKEND not in _CACHE_BACKENDS:
    raise ImproperlyConfigured(
        f"VALNAV_CACHE_BACKEND must be one of {', '.join(_CACHE_BACKENDS)}, "
        f"not {VALNAV_CACHE_BACKEND!r}."
    )
CACHES = {
    "default": {
        "BACKEND": _CACHE_BACKENDS[VALNAV_CACHE_BACKEND][0],
        "LOCATION": _CACHE_BACKENDS[VALNAV_CACHE_BACKEND][1],
        "TIMEOUT": 900,
        "OPTIONS": {"MAX_ENTRIES": 20000} if VALNAV_CACHE_BACKEND != "redis" else {},
    }
}

# Background work: Django's tasks framework, stored in the database and run by `manage.py
# db_worker`; tests run each task at once.
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# Security headers. HTTPS settings follow DEBUG: production runs behind TLS (docs/deploy.md).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG and not TESTING)
# Load balancers probe the app servers over plain HTTP on the inside network.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG or TESTING else str(365 * 24 * 3600))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Valnav runs on a subdomain of a region's domain; HSTS preloading is decided for the whole
    # domain by its owner (docs/deploy.md), so the reminder is silenced here.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy: no inline scripts (data reaches scripts as JSON), no outside hosts.
# MapLibre (inside plotly.min.js) starts its web worker from a blob: URL.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # Plotly writes style attributes and a <style> rule at run time.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "worker-src": [CSP.SELF, "blob:"],
    "child-src": [CSP.SELF, "blob:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "valnav.core.logging.JsonFormatter"},
    },
    # JSON lines in production (LOG_FORMAT=json, the default with DEBUG off), for the collector.
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": os.environ.get("LOG_FORMAT", "plain" if DEBUG or TESTING else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Failed-login details name the account; keep them out of the logs (GDPR).
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint narrates every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Personal data: personnummer are stored encrypted (Fernet; the first key encrypts, all keys
# decrypt, so keys can be rotated) with a separate keyed hash for look-up. Production sets both
# (docs/deploy.md); development and tests derive fixed keys from SECRET_KEY.
VALNAV_FIELD_ENCRYPTION_KEYS = env_list("VALNAV_FIELD_ENCRYPTION_KEYS")
VALNAV_LOOKUP_HASH_KEY = os.environ.get("VALNAV_LOOKUP_HASH_KEY", "")

NINJA_PAGINATION_PER_PAGE = 100
# Public search and offer pages kept whole for anonymous visitors while the data is unchanged
# (valnav.core.pagecache); the time bounds a page's age should a bulk write be missed.
VALNAV_PAGE_CACHE_SECONDS = int(os.environ.get("VALNAV_PAGE_CACHE_SECONDS", "300"))
# POSTs per minute per client address to the public forms (valnav.core.ratelimit), beside
# django-axes's lockout of an account after failed logins. Counted in the database, so every
# worker of every app server counts together.
VALNAV_RATE_LIMITS = {
    "login": int(os.environ.get("VALNAV_RATE_LIMIT_LOGIN", "20")),
    "password-reset": int(os.environ.get("VALNAV_RATE_LIMIT_PASSWORD_RESET", "5")),
    # Sending oneself a link to set up the second factor: an e-mail per POST.
    "second-factor-link": int(os.environ.get("VALNAV_RATE_LIMIT_SECOND_FACTOR_LINK", "3")),
    # Recovery codes typed in, beside django-otp's own doubling wait after each wrong one.
    "recovery-code": int(os.environ.get("VALNAV_RATE_LIMIT_RECOVERY_CODE", "10")),
    "event-registration": int(os.environ.get("VALNAV_RATE_LIMIT_EVENT_REGISTRATION", "10")),
    "event-response": int(os.environ.get("VALNAV_RATE_LIMIT_EVENT_RESPONSE", "20")),
}
# Requests per minute to the open API: anonymous clients per address, API keys per key.
VALNAV_API_ANONYMOUS_PER_MINUTE = int(os.environ.get("VALNAV_API_ANONYMOUS_PER_MINUTE", "120"))
VALNAV_API_TOKEN_PER_MINUTE = int(os.environ.get("VALNAV_API_TOKEN_PER_MINUTE", "600"))

# Casework. Evidence files: at most this size, and only these types (checked by content).
VALNAV_EVIDENCE_MAX_BYTES = int(os.environ.get("VALNAV_EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
# Absolute address of this site, for links that leave it: the QR code on an intyg, the ids
# inside a signed credential. Production sets it (docs/deploy.md).
VALNAV_PUBLIC_URL = os.environ.get("VALNAV_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Login through SAML (valnav.accounts.saml, docs/deploy.md): Sweden Connect or a municipality's
# SSO, off unless VALNAV_SAML_IDP_METADATA (a file path or an https URL) is set. Needs Debian's
# xmlsec1 and the service's own key pair for signing requests and decrypting assertions.
VALNAV_SAML_IDP_METADATA = os.environ.get("VALNAV_SAML_IDP_METADATA", "")
if VALNAV_SAML_IDP_METADATA:
    from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
    from saml2.saml import NAMEID_FORMAT_PERSISTENT

    INSTALLED_APPS.append("djangosaml2")
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
        "djangosaml2.middleware.SamlSessionMiddleware",
    )
    AUTHENTICATION_BACKENDS.append("valnav.accounts.saml.PseudonymousSaml2Backend")
    SAML_CREATE_UNKNOWN_USER = False
    SAML_SESSION_COOKIE_NAME = "valnav_saml"
    SAML_CSP_HANDLER = ""  # Django's own Content-Security-Policy middleware covers its pages
    _saml_key = os.environ.get("VALNAV_SAML_KEY_FILE", "")
    _saml_cert = os.environ.get("VALNAV_SAML_CERT_FILE", "")
    SAML_CONFIG = {
        "xmlsec_binary": os.environ.get("VALNAV_XMLSEC_BINARY", "/usr/bin/xmlsec1"),
        "entityid": f"{VALNAV_PUBLIC_URL}/saml2/metadata/",
        "service": {
            "sp": {
                "name": "Valnav",
                "name_id_format": NAMEID_FORMAT_PERSISTENT,
                "endpoints": {
                    "assertion_consumer_service": [
                        (f"{VALNAV_PUBLIC_URL}/saml2/acs/", BINDING_HTTP_POST)
                    ],
                    "single_logout_service": [
                        (f"{VALNAV_PUBLIC_URL}/saml2/ls/", BINDING_HTTP_REDIRECT)
                    ],
                },
                "authn_requests_signed": True,
                "want_assertions_signed": True,
                "allow_unsolicited": False,
            }
        },
        "metadata": (
            {"remote": [{"url": VALNAV_SAML_IDP_METADATA}]}
            if VALNAV_SAML_IDP_METADATA.startswith("https://")
            else {"local": [VALNAV_SAML_IDP_METADATA]}
        ),
        "key_file": _saml_key,
        "cert_file": _saml_cert,
        "encryption_keypairs": [{"key_file": _saml_key, "cert_file": _saml_cert}],
    }
# The Ed25519 private key that signs credentials, PEM (PKCS#8). Development and tests keep
# one in var/keys/, made on first use.
VALNAV_CREDENTIAL_SIGNING_KEY = os.environ.get("VALNAV_CREDENTIAL_SIGNING_KEY", "")
VALNAV_CREDENTIAL_KEY_FILE = VAR_DIR / "keys" / "credential-ed25519.pem"
# Retention per record type in years after a case ended (None: kept permanently, as
# issued intyg are under the archive law). `manage.py apply_retention` applies them.
VALNAV_RETENTION_YEARS: dict[str, int | None] = {
    "credential": None,
    "evidence": int(os.environ.get("VALNAV_RETAIN_EVIDENCE_YEARS", "2")),
    "working_notes": int(os.environ.get("VALNAV_RETAIN_NOTES_YEARS", "2")),
    "individual": int(os.environ.get("VALNAV_RETAIN_INDIVIDUAL_YEARS", "5")),
}

# Error reports replace every POST value and local variable: they may be personal data.
DEFAULT_EXCEPTION_REPORTER_FILTER = "valnav.core.errors.PersonalDataReporterFilter"
