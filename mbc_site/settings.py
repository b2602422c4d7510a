"""Settings for MBC Board, read from the environment.

Fails closed: outside development mode (MBC_DEVELOPMENT=1) debug is off, and the system
checks in mbc_site/checks.py stop the web server (runserver, wsgi, migrate) unless
SECRET_KEY and ALLOWED_HOSTS are given. Offline commands such as `recommend` need
neither. A malformed value stops start-up with a message naming the variable.
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from interop.conf import parse_base_url, parse_issuers
from mbc_site.env import env_bool, env_int, env_list, env_proxy_ssl_header, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEVELOPMENT = env_bool("MBC_DEVELOPMENT", False)
DEBUG = env_bool("DEBUG", DEVELOPMENT)

SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not SECRET_KEY and DEVELOPMENT:
    SECRET_KEY = "development-only-not-secret-" + "x" * 32
if SECRET_KEY and len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"] if DEVELOPMENT else []
)

DATABASES = {
    "default": parse_database_url(
        os.environ.get("DATABASE_URL") or "sqlite:///mbc.sqlite3", base_dir=BASE_DIR
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # One connection per worker, kept for this long and checked before reuse. The
    # development server starts a thread per request, so it keeps none.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 0 if DEVELOPMENT else 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Shared by every process: Redis when REDIS_URL is set, else a table in the database
# (created by the mbc_site migration). Never process memory, so that throttles and anything
# else kept here hold across application servers.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mbc",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "mbc_cache",
            "KEY_PREFIX": "mbc",
            # Room for the cohort's cached figures and CSV chunks (outcomes/revision.py):
            # the default 300 entries would be culled at every large download.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# Page bodies are kept in that cache under what they are drawn from (mbc_site/fragments.py);
# MBC_PAGE_CACHE=0 draws every one afresh.
PAGE_CACHE = env_bool("MBC_PAGE_CACHE", True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # static files through WhiteNoise in development too
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "mbc_site",
    "recurrence",
    "evidence",
    "outcomes",
    "board",
    "corsheaders",
    "interop",
]

MIDDLEWARE = [
    "mbc_site.headers.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mbc_site.middleware.RefuseNulInAdminQueryMiddleware",
    "mbc_site.middleware.LoginRequiredForPagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mbc_site.urls"
WSGI_APPLICATION = "mbc_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mbc_site.context_processors.ruleset",
                "mbc_site.context_processors.roles",
                "mbc_site.context_processors.session",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
# Outside development, file names carry a hash of their content (collectstatic writes the
# manifest and the compressed copies WhiteNoise serves) and are cached for ever.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEVELOPMENT
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# In development WhiteNoise serves the source folders, rereading them on each request, and
# says nothing about a STATIC_ROOT that collectstatic has not filled.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEVELOPMENT
if DEVELOPMENT:
    warnings.filterwarnings(
        "ignore", message="No directory at: " + re.escape(str(STATIC_ROOT)), category=UserWarning
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "case-list"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after this many seconds without a request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEVELOPMENT)
# HTTPS: the redirect and HSTS are on outside development unless a variable turns them
# off; /healthz answers plain HTTP for load balancers. The proxy's header that says a
# request came over HTTPS is trusted only when named (the proxy must set or strip it).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEVELOPMENT)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEVELOPMENT else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("SECURE_PROXY_SSL_HEADER")

REST_FRAMEWORK = {
    # Token first, so that an anonymous call answers 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mbc_site.tokens.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only, read strictly (mbc_site/parsers.py); the schema advertises JSON bodies only.
    "DEFAULT_PARSER_CLASSES": ["mbc_site.parsers.StrictJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "mbc_site.api_errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "MBC Board API",
    "DESCRIPTION": "Decision support for tumour boards treating recurrent or metastatic breast "
    "cancer. Every recommendation carries the facts it rests on and its source document.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No online validator badge: the docs page loads nothing from outside the site.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "mbc_site.api_schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ReceptorResultEnum": "recurrence.guideline.schema.RECEPTOR_RESULTS",
        "SiteEnum": "recurrence.guideline.schema.SITES",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_query_strings": {"()": "mbc_site.access_log.DropQueryStrings"}},
    "formatters": {
        "access": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "access": {"class": "logging.StreamHandler", "formatter": "access"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Access and request logs keep paths, never query strings (patient identifiers).
        "django.server": {
            "handlers": ["access"],
            "filters": ["no_query_strings"],
            "level": "INFO",
            "propagate": False,
        },
        "django.request": {"filters": ["no_query_strings"]},
    },
}

LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60, minimum=60)

# API tokens expire this many hours after they are issued (mbc_site/tokens.py).
API_TOKEN_HOURS = env_int("API_TOKEN_HOURS", 12, minimum=1)
# Failed sign-ins from one address before it is refused too; well above the per-account
# limit, so that one address (a hospital's proxy) cannot lock every account out.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int(
    "LOGIN_ADDRESS_FAILURE_LIMIT", 4 * LOGIN_FAILURE_LIMIT, minimum=4 * LOGIN_FAILURE_LIMIT
)
# The request header a trusted reverse proxy puts the client's address in (for example
# X-Forwarded-For); unset, the socket's address is used and no header is believed.
TRUSTED_PROXY_HEADER = os.environ.get("TRUSTED_PROXY_HEADER", "").strip()
# SQL is never logged, not even with LOG_LEVEL=DEBUG: its parameters hold hospital and case
# numbers.
LOGGING.setdefault("loggers", {})["django.db.backends"] = {"level": "INFO"}
# A refused request (a bad Host header, an oversized body) is logged in one line, without
# its traceback (mbc_site/log_filters.py).
LOGGING.setdefault("filters", {})["refusals_in_one_line"] = {
    "()": "mbc_site.log_filters.RefusalsInOneLine"
}
for _handler in LOGGING["handlers"].values():
    _handler.setdefault("filters", []).append("refusals_in_one_line")
# CDS Hooks (interop): the issuers allowed to call the service (JSON: iss -> JWKS URL or
# file path), the public base of the cds-services URLs (the JWT's aud is built from it,
# never from the Host header), and the browser origins allowed by CORS.
CDS_HOOKS_ISSUERS = parse_issuers(os.environ.get("CDS_HOOKS_ISSUERS"))
CDS_HOOKS_BASE_URL = parse_base_url(os.environ.get("CDS_HOOKS_BASE_URL"))
CDS_HOOKS_CORS_ORIGINS = env_list("CDS_HOOKS_CORS_ORIGINS", [])
# Issuers whose requests may send fhirServer and an access token to fetch missing prefetch.
CDS_HOOKS_FHIR_FETCH_ISSUERS = env_list("CDS_HOOKS_FHIR_FETCH_ISSUERS", [])
CORS_URLS_REGEX = r"^/cds-services(/.*)?$"
CORS_ALLOWED_ORIGINS = CDS_HOOKS_CORS_ORIGINS
CORS_ALLOW_METHODS = ("GET", "POST", "OPTIONS")
CORS_ALLOW_HEADERS = ("authorization", "content-type")
