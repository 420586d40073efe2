"""Settings for 法治通. Every value that differs between machines comes from the environment
(see .env.example); a missing or malformed variable stops start-up with a message naming it."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name, default):
    """A boolean that is neither true nor false is a typo, not False."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 的值 {raw!r} 无效：应为 true/false（或 1/0）。")


def env_int(name, default):
    raw = env.str(name, default=str(default)).strip()
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name} 的值 {raw!r} 无效：应为整数。") from None


def env_database(name, default):
    raw = env.str(name, default=default)
    try:
        config = environ.Env.db_url_config(raw)
    except Exception as exc:  # django-environ raises several types for a malformed URL
        raise ImproperlyConfigured(f"环境变量 {name} 无效：{exc}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"环境变量 {name} 无效：无法识别的数据库地址 {raw!r}。")
    return config


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("必须设置环境变量 SECRET_KEY（或在本机开发时设置 DEBUG=true）。")
    SECRET_KEY = "insecure-local-development-key-only-used-when-DEBUG-is-on"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "xilian.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "xilian",
    "publicity",
    "disputes",
    "reports",
]

# Our own apps, in the order their demo data must load (see load_demo).
LOCAL_APPS = ["xilian", "publicity", "disputes", "reports"]

# The ledgers staff import and export (xilian/ledger): kind → its LedgerResource.
LEDGER_RESOURCES = {
    "events": "publicity.ledgers.EventResource",
    "studies": "publicity.ledgers.StudyResource",
    "disputes": "disputes.ledgers.DisputeResource",
    "tickets": "disputes.ledgers.TicketResource",
}

MIDDLEWARE = [
    "xilian.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "xilian.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "xilian.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "xilian.middleware.IdleLogoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xilian.scoping.TownshipScopeMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xilian.urls"
WSGI_APPLICATION = "xilian.wsgi.application"

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
                "xilian.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "xilian.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "xilian.validators.PasswordPolicyValidator", "OPTIONS": {"min_length": 8, "min_classes": 3}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# 等保2.0 二级: lock an account on one address after 5 failures for 30 minutes; log out after 30 idle minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "xilian.views.locked_out"
AXES_VERBOSE = False
IDLE_LOGOUT_AFTER = timedelta(minutes=env_int("IDLE_LOGOUT_MINUTES", 30))
# The session outlives the idle limit so that IdleLogoutMiddleware, which audits and explains the logout, acts first.
SESSION_COOKIE_AGE = int(IDLE_LOGOUT_AFTER.total_seconds()) * 2
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages come from npm at setup (make setup) and are served from here, never from a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
# Serve the npm packages straight from STATICFILES_DIRS as well, so a server works before collectstatic.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "media/"


def env_required(name, why):
    value = env.str(name, default="").strip()
    if not value:
        raise ImproperlyConfigured(f"必须设置环境变量 {name}（{why}）。"
                                   f"Environment variable {name} is required ({why}).")
    return value


def default_storage_from_env():
    """Where uploads, imported files and archived PDFs go: MEDIA_ROOT on this machine, or an S3-compatible bucket
    (MinIO, a government cloud's object storage). Either way the files are private: the portal reads them and
    streams the bytes after its own permission checks, so no URL to a file is ever handed to a browser."""
    backend = env.str("STORAGE_BACKEND", default="local").strip().lower()
    if backend == "local":
        # No location: FileSystemStorage follows MEDIA_ROOT (and a test's override of it).
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if backend != "s3":
        raise ImproperlyConfigured(f"环境变量 STORAGE_BACKEND 的值 {backend!r} 无效：应为 local 或 s3。"
                                   f"STORAGE_BACKEND={backend!r} is invalid: use local or s3.")
    why = "STORAGE_BACKEND=s3"
    options = {
        "bucket_name": env_required("S3_BUCKET", why),
        "endpoint_url": env_required("S3_ENDPOINT_URL", why),
        "access_key": env_required("S3_ACCESS_KEY_ID", why),
        "secret_key": env_required("S3_SECRET_ACCESS_KEY", why),
        "region_name": env.str("S3_REGION", default="us-east-1"),
        "addressing_style": "path",  # MinIO and most S3-compatible servers: https://host/bucket/key
        "default_acl": None,  # no ACL header: objects stay as private as the bucket
        # A URL made by mistake (file.url) is then unsigned and useless, never a working link around the checks.
        "querystring_auth": False,
        "file_overwrite": False,  # as on disk: a name taken gets a suffix, a filed PDF is never replaced
        # A file being read is fetched whole before it is streamed: past 2 MB into a temporary file, not memory.
        "max_memory_size": 2 * 1024 * 1024,
    }
    encryption = env.str("S3_SERVER_SIDE_ENCRYPTION", default="").strip()
    if encryption not in {"", "AES256", "aws:kms"}:
        raise ImproperlyConfigured(
            f"环境变量 S3_SERVER_SIDE_ENCRYPTION 的值 {encryption!r} 无效：应为 AES256、aws:kms 或留空。"
            f"S3_SERVER_SIDE_ENCRYPTION={encryption!r} is invalid: use AES256, aws:kms or leave it empty.")
    if encryption:
        options["object_parameters"] = {"ServerSideEncryption": encryption}
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": default_storage_from_env(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# HTTPS is on whenever DEBUG is off; the environment may turn a part off only by naming it (=false).
# Behind a proxy that terminates TLS (BEHIND_HTTPS_PROXY=true), the proxy redirects to https and says so in
# X-Forwarded-Proto, so the portal does not redirect itself.
BEHIND_HTTPS_PROXY = env_bool("BEHIND_HTTPS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_HTTPS_PROXY else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not BEHIND_HTTPS_PROXY)
if BEHIND_HTTPS_PROXY and not SECURE_SSL_REDIRECT:
    SILENCED_SYSTEM_CHECKS = ["security.W008"]  # "SECURE_SSL_REDIRECT is off": the proxy redirects
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# The same policy with DEBUG on, so that `make run` and the tests see what production sees. Pages carry no inline
# script or style (JS and CSS are static files, data goes in json_script blocks or data- attributes), so no nonce.
# data: images are the favicon's empty one and charts drawn as SVG data URIs. A response that sets its own
# Content-Security-Policy (an attachment's sandbox) keeps it: the middleware does not overwrite a header.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# One JSON object a line on stdout (xilian/logs.py), each with the request's id, path and user.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "xilian.logs.RequestContextFilter"}},
    "formatters": {"json": {"()": "xilian.logs.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_context"],
            "formatter": "json",
        },
    },
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Long work (a big import's check and commit, an archive's render) runs in a Celery worker when a broker is set
# (Redis: redis://127.0.0.1:6379/0), and in the request otherwise. Imports of files up to
# JOBS_BACKGROUND_MIN_BYTES (about 3,000 rows) run in the request either way: the clerk sees the preview at once.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
JOBS_BACKGROUND_MIN_BYTES = env_int("JOBS_BACKGROUND_MIN_BYTES", 256 * 1024)
CELERY_TASK_ACKS_LATE = True  # a job is acknowledged when it has finished: a worker killed mid-job loses nothing
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # the Job row is the result
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A job taken by a worker that died (killed, machine lost) is handed out again after this many seconds: longer
# than the longest job (a 200,000-row file: about 20 s to check, 20 s to commit). A running worker looks for such
# jobs every 10 s (unacked_restore_interval × kombu's throttle of 10; by default every 100 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("JOBS_REDELIVER_AFTER_SECONDS", 300),
                                   "unacked_restore_interval": 1}
# A job's progress (stage, rows done) is written while its transaction is still open, so it goes through the cache
# the app servers share with the worker (the broker's Redis), not the database.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "jobs": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CELERY_BROKER_URL,
         "KEY_PREFIX": "fazhitong-jobs"}
        if CELERY_BROKER_URL.startswith("redis")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "jobs"}
    ),
}

# The addresses (or networks, 10.0.0.0/8) of the reverse proxies in front (nginx), comma-separated: from them, and
# only from them, the client's address is taken from X-Forwarded-For (for the audit log and the login lock-out).
# Empty: REMOTE_ADDR.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "xilian.audit.client_ip"
