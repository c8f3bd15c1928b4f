"""Settings for Piiri, read from the environment in one typed block.

Local development (``make run``/``make test``) sets ``PIIRI_DEV=1``, which
allows a throwaway SECRET_KEY. Production sets SECRET_KEY, ALLOWED_HOSTS and
DATABASE_URL explicitly; DEBUG is off unless asked for.
"""

import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def origin_of(url: str) -> str:
    """CSP source of a tile URL template: Leaflet's {s} subdomains become *."""
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}"


env = environ.Env(
    DEBUG=(bool, False),
    PIIRI_DEV=(bool, False),
    SECRET_KEY=(str, ""),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    DATABASE_URL=(str, "postgis://piiri@127.0.0.1:54329/piiri"),
    DATABASE_REPLICA_URL=(str, ""),
    # OpenStreetMap's standard tiles unless set; empty switches the basemap
    # off (the map still draws areas, names and water).
    BASEMAP_URL=(str, "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
    # Point layers' tiles below this zoom are counts per grid cell, not
    # points (maps.tiles).
    TILE_AGGREGATE_BELOW_ZOOM=(int, 13),
    BASEMAP_ATTRIBUTION=(
        str,
        '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
        "contributors",
    ),
    CSRF_TRUSTED_ORIGINS=(list, []),
    SECURE_SSL=(bool, False),
    SECURE_HSTS_SECONDS=(int, 0),
    NUM_PROXIES=(int, 0),
    CSP_EXTRA_IMG_SRC=(list, []),
    STATIC_MANIFEST=(bool, False),
    DB_CONNECT_TIMEOUT=(int, 3),
    DB_STATEMENT_TIMEOUT_MS=(int, 20_000),
    DB_PARALLEL_WORKERS=(int, 0),
    DB_PREPARE_THRESHOLD=(str, "5"),
    DATA_UPLOAD_MAX_MEMORY_SIZE=(int, 2_621_440),
    RATE_LOGIN=(str, "10/min"),
    RATE_BALLOT=(str, "20/min"),
    RATE_POLYGON_QUERY=(str, "120/min"),
    RATE_FEEDBACK=(str, "20/hour"),
    FEEDBACK_CONTACT_RETENTION_DAYS=(int, 365),
    RATE_POLYGON_EXPORT=(str, "10/min"),
    LOG_LEVEL=(str, "INFO"),
    LOG_REQUESTS=(bool, True),
    VOTER_DIGEST_KEY=(str, ""),
    VOTER_VERIFIER=(str, ""),
    # OpenID Connect sign-in for residents (README, "Signing in"). Empty
    # OIDC_RP_CLIENT_ID leaves it off. `make run` and the tests point these
    # at the local provider (scripts/oidc env).
    OIDC_RP_CLIENT_ID=(str, ""),
    OIDC_RP_CLIENT_SECRET=(str, ""),
    OIDC_RP_SCOPES=(str, "openid profile email"),
    OIDC_OP_ISSUER=(str, ""),
    OIDC_OP_AUTHORIZATION_ENDPOINT=(str, ""),
    OIDC_OP_TOKEN_ENDPOINT=(str, ""),
    OIDC_OP_USER_ENDPOINT=(str, ""),
    OIDC_OP_JWKS_ENDPOINT=(str, ""),
    OIDC_OP_LOGOUT_ENDPOINT=(str, ""),
    OIDC_CLAIM_LOA=(str, "loa"),
    OIDC_CLAIM_BIRTH_DATE=(str, "birthdate"),
    OIDC_CLAIM_MUNICIPALITY=(str, "municipality_code"),
    OIDC_CLAIM_HOME_MAJOR_DISTRICT=(str, "home_major_district"),
    OIDC_STRONG_LOA_VALUES=(list, ["substantial", "high"]),
    OIDC_VERIFY_KID=(bool, True),
    PAPER_VOTER_VERIFIER=(str, "budgeting.verification.declared_identity"),
    LOGIN_FAILURE_LIMIT=(int, 5),
    LOGIN_LOCKOUT_MINUTES=(int, 15),
    TOKEN_TTL_HOURS=(int, 24 * 30),
    # Outgoing mail (digests): consolemail:// prints messages; production
    # sets smtp://user:password@host:587 (django-environ's email_url).
    EMAIL_URL=(str, "consolemail://"),
    DEFAULT_FROM_EMAIL=(str, "Piiri <piiri@localhost>"),
    # Where the service is reached: the links in e-mail messages.
    SITE_URL=(str, "http://127.0.0.1:8000"),
)

DEBUG = env("DEBUG")
_email = env.email_url("EMAIL_URL")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
SITE_URL = env("SITE_URL")
DEV = env("PIIRI_DEV") or DEBUG
SECRET_KEY = env("SECRET_KEY")
# Keys that are public (this file, .env.example, Django's template): the
# voter digest key derives from SECRET_KEY, so one of them in production
# would make voter digests reversible by anyone.
DEVELOPMENT_SECRET_KEY = "piiri-local-development-only-not-secret"
KNOWN_SECRET_KEYS = {DEVELOPMENT_SECRET_KEY, "change-me"}
if not SECRET_KEY:
    if not DEV:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set PIIRI_DEV=1 locally)."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not DEV and (
    SECRET_KEY in KNOWN_SECRET_KEYS or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        "SECRET_KEY is a published development key; set a long random one."
    )
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
# Key of the voter identifier digest. Changing it makes every returning
# voter look new, so it is set once per installation, apart from SECRET_KEY.
VOTER_DIGEST_KEY = env("VOTER_DIGEST_KEY") or SECRET_KEY
# Dotted paths of the steps that verify a voter's identity and residence,
# online and on paper (budgeting/verification.py). Online, by default the
# OpenID Connect sign-in's claims of strong identification; development
# also trusts made-up claims sent to the API. Outside development the
# online one must not trust the claims (budgeting.checks).
VOTER_VERIFIER = env("VOTER_VERIFIER") or (
    "budgeting.verification.development_identity"
    if DEV
    else "budgeting.verification.signed_in_identity"
)
PAPER_VOTER_VERIFIER = env("PAPER_VOTER_VERIFIER")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")
# Days a feedback giver's contact details are kept before
# `manage.py purge_feedback_contacts` deletes them.
FEEDBACK_CONTACT_RETENTION_DAYS = env("FEEDBACK_CONTACT_RETENTION_DAYS")

# Residents sign in through OpenID Connect (districts.identity on top of
# mozilla-django-oidc); staff keep username and password.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_OP_ISSUER = env("OIDC_OP_ISSUER")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT")
OIDC_OP_LOGOUT_ENDPOINT = env("OIDC_OP_LOGOUT_ENDPOINT")
OIDC_OP_LOGOUT_URL_METHOD = "districts.identity.provider_logout_url"
OIDC_CALLBACK_CLASS = "districts.identity.ResidentCallbackView"
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of the provider's sign-out
OIDC_USE_NONCE = True
# Match the ID token's signing key by its key id (the local provider signs
# with its one key and names none: scripts/oidc env turns this off).
OIDC_VERIFY_KID = env("OIDC_VERIFY_KID")
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?oidc=failed"
OIDC_CLAIM_LOA = env("OIDC_CLAIM_LOA")
OIDC_CLAIM_BIRTH_DATE = env("OIDC_CLAIM_BIRTH_DATE")
OIDC_CLAIM_MUNICIPALITY = env("OIDC_CLAIM_MUNICIPALITY")
OIDC_CLAIM_HOME_MAJOR_DISTRICT = env("OIDC_CLAIM_HOME_MAJOR_DISTRICT")
OIDC_STRONG_LOA_VALUES = env("OIDC_STRONG_LOA_VALUES")
_OIDC_REQUIRED = {
    "OIDC_RP_CLIENT_SECRET": OIDC_RP_CLIENT_SECRET,
    "OIDC_OP_ISSUER": OIDC_OP_ISSUER,
    "OIDC_OP_AUTHORIZATION_ENDPOINT": OIDC_OP_AUTHORIZATION_ENDPOINT,
    "OIDC_OP_TOKEN_ENDPOINT": OIDC_OP_TOKEN_ENDPOINT,
    "OIDC_OP_USER_ENDPOINT": OIDC_OP_USER_ENDPOINT,
    "OIDC_OP_JWKS_ENDPOINT": OIDC_OP_JWKS_ENDPOINT,
}
if OIDC_RP_CLIENT_ID and not all(_OIDC_REQUIRED.values()):
    raise ImproperlyConfigured(
        "OIDC_RP_CLIENT_ID is set, so these must be too: "
        + ", ".join(name for name, value in _OIDC_REQUIRED.items() if not value)
    )
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address (AXES_* below).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "districts.identity.ResidentOIDCBackend",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "drf_spectacular",
    "leaflet",
    "mozilla_django_oidc",
    "axes",
    "geo",
    "districts",
    "cases",
    "budgeting",
    "forums",
    "feedback",
    "initiatives",
    "participation",
    "maps",
]

MIDDLEWARE = [
    "web.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "web.middleware.ContentSecurityPolicyMiddleware",
    "web.middleware.RequestShapeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "web.db_router.PrimaryPinningMiddleware",
    "web.middleware.LanguageIndependentMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Anonymous reads of tiles and items skip what follows (web.lean).
    "web.lean.LeanPathMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "web.viewer.RefusedCredentialsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, so that it sees a lockout flagged during authentication.
    "axes.middleware.AxesMiddleware",
]

# Where LeanPathMiddleware looks for @lean views: vector tiles, TileJSON
# and the OGC API collections (items).
LEAN_PATH_PREFIXES = ["/tiles/", "/ogc/collections/"]
# The URLconf that holds every path under those prefixes: resolving there
# skips walking the whole site's patterns (a sixth of a z16 tile's CPU).
LEAN_URLCONF = "maps.urls"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "districts.identity.sign_in",
            ],
        },
    },
]


def _database(url: str) -> dict:
    """A PostGIS connection that fails fast instead of hanging a worker.

    Persistent connections are checked before reuse, so a restarted server
    costs one failed health check, not a 500. A short connect timeout and a
    statement timeout bound how long a request can wait on a sick database;
    web.middleware turns the resulting errors into 503s.
    """
    db = env.db_url_config(url)
    db["ENGINE"] = "web.postgis"
    db.setdefault("CONN_MAX_AGE", 60)
    db["CONN_HEALTH_CHECKS"] = True
    options = db.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", env("DB_CONNECT_TIMEOUT"))
    # No parallel workers per query by default: starting them cost 30 to 90
    # ms on the items pages, several times the query (bench/results/
    # layers.md), and under concurrent requests they only take cores from
    # other requests. Raise DB_PARALLEL_WORKERS for reporting workloads.
    # No JIT: compiling an aggregated tile's statement over a million rows
    # took 3 of its 8 seconds, and no request runs long enough to win it
    # back (the bench database has it off too).
    options.setdefault(
        "options",
        f"-c statement_timeout={env('DB_STATEMENT_TIMEOUT_MS')}"
        f" -c max_parallel_workers_per_gather={env('DB_PARALLEL_WORKERS')}"
        " -c jit=off",
    )
    # Statements bound by the server (the public tiles: geo.tiles) are
    # prepared after this many runs on a connection. Empty turns it off,
    # as a PgBouncer in transaction mode before 1.21 needs; everything else
    # is bound by the client (Django's default) and never prepared.
    threshold = env("DB_PREPARE_THRESHOLD")
    options.setdefault("prepare_threshold", int(threshold) if threshold else None)
    return db


DATABASES = {"default": _database(env("DATABASE_URL"))}
# Read-only queries go to a streaming replica when one is configured; see
# web/db_router.py and docs/scaling.md.
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = _database(env("DATABASE_REPLICA_URL"))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["web.db_router.PrimaryReplicaRouter"]

# Shared by every gunicorn worker (and every app server on the same
# database), so rate limits count across processes. `manage.py
# createcachetable` creates the table; make run/serve and the test runner
# do it.
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "piiri_cache",
        # Culling counts the table on every write; keep it rare.
        "OPTIONS": {"MAX_ENTRIES": 50_000, "CULL_FREQUENCY": 4},
    },
    # numberMatched of OGC API item queries, keyed by the layer's data
    # version (maps.ogc.count_key), so a stale entry is never read: each
    # worker counts a query once per version, without a round trip to read.
    "counts": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "piiri-counts",
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    },
}

# GDAL before 3.9 cannot be told to refuse network access while resolving a
# spatial reference. Request geometries never reach GDAL: GeoJSON input is
# read by shapely (GEOS) and SRIDs come from code (geo.srid).
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# WhiteNoise serves static files from the app server. `make serve` runs
# collectstatic and sets STATIC_MANIFEST=1: hashed names, compressed copies
# and far-future caching. Without a collected manifest (tests, make run),
# plain storage keeps {% static %} working.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "web.storage.StaticStorage"
        if env("STATIC_MANIFEST")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uncollected, WhiteNoise finds files in the apps' static/ folders itself.
WHITENOISE_USE_FINDERS = not env("STATIC_MANIFEST")
if not env("STATIC_MANIFEST"):
    warnings.filterwarnings("ignore", message="No directory at")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "web.errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "web.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # web.parsers: depth, finite numbers and no control characters.
    "DEFAULT_PARSER_CLASSES": [
        "web.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Rate limits: web/ratelimit.py. Scoped throttles apply only where a
    # view names its scope; counts live in the shared database cache.
    "DEFAULT_THROTTLE_RATES": {
        "login": env("RATE_LOGIN"),
        "ballot": env("RATE_BALLOT"),
        "polygon_query": env("RATE_POLYGON_QUERY"),
        "feedback": env("RATE_FEEDBACK"),
        "polygon_export": env("RATE_POLYGON_EXPORT"),
    },
    # Client addresses come from web.clientip, which trusts X-Forwarded-For
    # only to the depth of NUM_PROXIES (below); DRF's own reading is unused.
    # Token first: its WWW-Authenticate header makes an anonymous write a
    # 401, as the permission matrix documents, rather than a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "districts.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}

# Proxies in front of the app (one load balancer: 1). Each hop appends to
# X-Forwarded-For; entries beyond this depth were written by the client.
NUM_PROXIES = env("NUM_PROXIES")

# Sign-in lockout (django-axes) for every way in: the admin, the web login
# and the token endpoint all authenticate through AxesBackend. Failures
# count per username (NFKC-normalised, case-folded) and client address
# (web.clientip), in the database with row locks, so a proxy's address or
# a typed variant of a name neither locks everyone out nor resets a count.
# AxesStandaloneBackend heads AUTHENTICATION_BACKENDS above.
AXES_FAILURE_LIMIT = env("LOGIN_FAILURE_LIMIT")
AXES_COOLOFF_TIME = timedelta(minutes=env("LOGIN_LOCKOUT_MINUTES"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "districts.accounts.lockout_username"
AXES_CLIENT_IP_CALLABLE = "web.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "districts.accounts.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# API tokens (DELETE /api/v1/auth/token revokes one) expire this long
# after they were issued.
TOKEN_TTL = timedelta(hours=env("TOKEN_TTL_HOURS"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

SPECTACULAR_SETTINGS = {
    "TITLE": "Piiri API",
    "DESCRIPTION": (
        "Helsinki's areas and what happens in them. Data: City of Helsinki, "
        "Helsinki Region Infoshare, CC BY 4.0."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "web.openapi.close_response_objects",
    ],
}

# Helsinki: Leaflet's centre is [lat, lon], as Leaflet wants it.
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (60.19, 24.95),
    "DEFAULT_ZOOM": 11,
    "MIN_ZOOM": 9,
    "MAX_ZOOM": 18,
    "TILES": [],
    "RESET_VIEW": False,
}
BASEMAP_URL = env("BASEMAP_URL")
TILE_AGGREGATE_BELOW_ZOOM = env("TILE_AGGREGATE_BELOW_ZOOM")
BASEMAP_ATTRIBUTION = env("BASEMAP_ATTRIBUTION")

# --- Production hardening -------------------------------------------------
# Every production difference is an environment variable; the defaults are
# safe for a plain-HTTP deployment behind nothing. Behind a TLS-terminating
# proxy set SECURE_SSL=1 (redirect to HTTPS, secure cookies, trust the
# proxy's X-Forwarded-Proto) and SECURE_HSTS_SECONDS (e.g. 31536000 once
# HTTPS is known to work everywhere).
SECURE_SSL = env("SECURE_SSL")
SECURE_SSL_REDIRECT = SECURE_SSL
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_SSL else None
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS") if SECURE_SSL else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (web.middleware): local scripts and styles
# only; no inline <script> or style="" attributes in templates (pass data
# with json_script, which CSP allows because it is not executed). Images
# also from the basemap's origin and CSP_EXTRA_IMG_SRC.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": [
        "'self'",
        "data:",
        "blob:",
        *([origin_of(BASEMAP_URL)] if BASEMAP_URL else []),
        *env("CSP_EXTRA_IMG_SRC"),
    ],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# Request bodies: forms and GeoJSON polygons (geo.params caps vertices) fit
# well inside 2.5 MB; larger bodies get a 400 before any parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = env("DATA_UPLOAD_MAX_MEMORY_SIZE")
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "web.middleware.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL")},
    "loggers": {
        # Request lines come from web.middleware.RequestLogMiddleware,
        # one JSON object per request; Django's own would repeat them.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "piiri.request": {"level": "INFO" if env("LOG_REQUESTS") else "WARNING"},
        # Lockouts and repeated failures are warnings; every attempt is not.
        "axes": {"level": "WARNING"},
    },
}
