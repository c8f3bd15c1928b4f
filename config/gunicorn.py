"""gunicorn settings for `make serve` and production (gunicorn -c this file).

Sync workers: Piiri's views are synchronous Django ORM code, so an ASGI
worker only adds a thread hop per request; bench/results/load.md has the
mixed load behind nginx.
Each worker holds one persistent database connection (CONN_MAX_AGE), so
workers x app servers must stay below the database's max_connections (100
by default) minus what replicas and admin need.
"""

import multiprocessing
import os
import sys

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# Import the app once in the master; workers share its memory pages.
preload_app = True
# A request longer than this is killed (DB statement_timeout is 20 s).
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500
# Request lines are logged as JSON by web.middleware; gunicorn's own
# log keeps worker lifecycle messages.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Bodies are capped by Django (DATA_UPLOAD_MAX_MEMORY_SIZE); headers here.
limit_request_line = 8190
limit_request_fields = 100


def on_starting(server: object) -> None:
    """Refuse to serve a configuration ``manage.py check`` refuses (as
    runserver does): a vote must not run on development settings."""
    import django
    from django.core import checks

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    serious = [message for message in checks.run_checks() if message.is_serious()]
    for message in serious:
        print(message, file=sys.stderr)  # noqa: T201
    if serious:
        raise SystemExit(1)
