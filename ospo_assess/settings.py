"""One settings module for every environment; what differs comes from environment variables.

Development needs nothing set. Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and
DATABASE_URL; with DEBUG off and no SECRET_KEY the app refuses to start.
"""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from ospo_assess.env import env_bool, env_int, env_list, env_str, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off. Set SECRET_KEY to a long random string, "
        "or DEBUG=true for local development."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Django's widget templates, for forms drawn through the project's template engine
    # (assessments.forms.rendering.BootstrapRenderer).
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "assessments",
    "strategy",
    # The project package itself: what needs both apps (moving an organization, the benchmark)
    # lives here, so that `assessments` never imports `strategy`.
    "ospo_assess",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files, right after the security headers and before anything that does work.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # `Cache-Control: private, no-store` on everything but the public pages. Here, so that it sees
    # the final response of every middleware below (axes' lockout page too), and no static file.
    "ospo_assess.middleware.PrivatePagesMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The reader's language: chosen on the account (kept in the session from login) or in the
    # switcher (a cookie), else the browser's.
    "ospo_assess.middleware.ReaderLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The client's address, for the login lockout and the sign-up limit: the PROXY_COUNT-th entry
# from the right of X-Forwarded-For, or the connection's peer with no proxy in front
# (assessments/client_address.py).
PROXY_COUNT = env_int("PROXY_COUNT", default=0 if DEBUG else 1)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"PROXY_COUNT={PROXY_COUNT} must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "assessments.client_address.client_ip"
# Five wrong passwords for one account from one address lock that pair out for 15 minutes;
# other accounts, and the same account from elsewhere, are unaffected. An address with 20
# failures (LOGIN_ADDRESS_FAILURE_LIMIT) over any accounts in that time is locked out altogether:
# password spraying (assessments/login_lockout.py).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
if AXES_FAILURE_LIMIT < 1 or LOGIN_ADDRESS_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured(
        "LOGIN_FAILURE_LIMIT and LOGIN_ADDRESS_FAILURE_LIMIT must be 1 or more."
    )
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "assessments.login_lockout.AddressLockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Sign-ups (valid forms) allowed from one client address per hour.
SIGNUP_LIMIT_PER_HOUR = env_int("SIGNUP_LIMIT_PER_HOUR", default=10)

ROOT_URLCONF = "ospo_assess.urls"
WSGI_APPLICATION = "ospo_assess.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "assessments.context_processors.organizations",
                "assessments.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url(
        env_str("DATABASE_URL", default="sqlite:///db.sqlite3"), base_dir=BASE_DIR
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "assessments:home"
LOGOUT_REDIRECT_URL = "assessments:home"

LANGUAGE_CODE = "en"
# Each named in its own language, as a person looks for theirs in the switcher.
LANGUAGES = [("en", "English"), ("fr", "Français"), ("de", "Deutsch"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The switcher's choice outlives the browser session: a year, as Django's own language view does.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# WhiteNoise serves STATIC_ROOT: names carry a content hash and are cached for a year, with
# gzip and Brotli copies. That needs `collectstatic` first (the Docker image runs it when it is
# built); development and the tests (STATIC_MANIFEST=false) serve the source folders instead.
_static_manifest = env_bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _static_manifest
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not _static_manifest
WHITENOISE_AUTOREFRESH = not _static_manifest

# Background tasks (PDF rendering). "database" needs a worker: `manage.py pdf_worker`.
# Development and tests run tasks at once, in the request, unless told otherwise.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
_task_backend = env_str("TASKS_BACKEND", default="immediate" if DEBUG else "database")
if _task_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={_task_backend!r} is not one of: {', '.join(_TASK_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend]}}
PDF_RENDER_TIMEOUT = env_int("PDF_RENDER_TIMEOUT", default=120)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# In development, mail (password resets, invitations) is printed to the console; production
# sends through the SMTP server the environment names.
MAILERS = {
    "default": {
        "BACKEND": (
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend"
        ),
    }
}
if not DEBUG:
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", default="localhost"),
        "port": env_int("EMAIL_PORT", default=25),
        "username": env_str("EMAIL_HOST_USER", default=""),
        "password": env_str("EMAIL_HOST_PASSWORD", default=""),
        "use_tls": env_bool("EMAIL_USE_TLS", default=False),
    }
# The name this instance goes by in its pages and documents; the questionnaire versions it hosts
# bring their own words (no model is special), so an instance for another model can rename itself.
SITE_NAME = env_str("SITE_NAME", default="OSPO Assess")
# Where this installation's source code can be had, linked from the About page (a deployment
# that changed the code can point at its own). Empty: no link.
SOURCE_URL = env_str("SOURCE_URL", default="")
if SOURCE_URL and not SOURCE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"SOURCE_URL={SOURCE_URL!r} must be an http:// or https:// URL.")

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="OSPO Assess <noreply@localhost>")

# Security headers and cookies. Production runs behind a TLS-terminating proxy that sets
# X-Forwarded-Proto; development (DEBUG) serves plain HTTP on localhost.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", default=60 * 60 * 24 * 14)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # htmx reads the token from the page, never from the cookie
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])
_https = not DEBUG and env_bool("HTTPS", default=True)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = _https and env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365) if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
if env_bool("BEHIND_PROXY", default=not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The health check answers over plain HTTP from inside the network, for the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Logs as one JSON object per line on standard output, for whatever collects container logs.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ospo_assess.logging.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": env_str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint reports every layout step and page at INFO: noise, not events.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The PDF worker's limits besides PDF_RENDER_TIMEOUT: a document that lays out to more pages
# than this is refused before its PDF is written (0: no limit).
PDF_MAX_PAGES = env_int("PDF_MAX_PAGES", default=200)
