# Piiri developer entry points. `make run` and `make test` bootstrap a fresh
# Debian machine (packages, .venv, local PostGIS) and skip what is done.

PY := .venv/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

# Without a DATABASE_URL, use the project-local cluster from scripts/db.
ifeq ($(strip $(DATABASE_URL)),)
LOCAL_DB := 1
DATABASE_URL := $(shell scripts/db url)
endif
export DATABASE_URL

# Without OIDC settings, residents sign in through the local provider from
# scripts/oidc (a real OpenID Connect provider with demonstration residents).
ifeq ($(strip $(OIDC_RP_CLIENT_ID)),)
LOCAL_OIDC := 1
$(foreach setting,$(shell scripts/oidc env),$(eval export $(setting)))
endif

# Lets the settings fall back to a throwaway SECRET_KEY; DEBUG stays off.
export PIIRI_DEV ?= 1

# `test` must run its steps in the order listed, even under -j.
.NOTPARALLEL:

.PHONY: help deps db oidc run serve backup restore test lint check pytest bench stop db-status

help:
	@echo "make run        bootstrap, migrate, load Helsinki data, serve on 127.0.0.1:$(PORT)"
	@echo "make serve      as run, but production-like: nginx cache tier on PORT, gunicorn, DEBUG off"
	@echo "make backup     pg_dump (custom format) to backups/ (BACKUP=file to choose)"
	@echo "make restore    restore BACKUP=file into DATABASE_URL (replaces its data)"
	@echo "make test       bootstrap, then lint, mypy, import contracts, migrations, pytest"
	@echo "make lint       ruff check + ruff format --check"
	@echo "make check      lint + mypy + lint-imports + makemigrations --check"
	@echo "make pytest     pytest only (PYTEST_ARGS='-k foo' passes arguments)"
	@echo "make bench      run bench/run.py (BENCH='layers load' for some; installs wrk, TiPg)"
	@echo "make deps       Debian packages and .venv only"
	@echo "make db         start the local PostGIS cluster"
	@echo "make oidc       start the local OpenID Connect provider (scripts/oidc)"
	@echo "make stop       stop serve, the database and the OIDC provider; make db-status"

deps:
	@scripts/bootstrap

db: deps
ifdef LOCAL_DB
	@scripts/db start
else
	@echo "==> using DATABASE_URL from the environment; no local cluster"
endif

oidc: deps
ifdef LOCAL_OIDC
	@scripts/oidc start
endif

run: db oidc
	@echo "==> migrating and loading Helsinki data"
	$(PY) manage.py prepare
	@echo "==> serving on http://127.0.0.1:$(PORT)/"
	$(PY) manage.py runserver --skip-checks 127.0.0.1:$(PORT)

# Production-like serving (see config/gunicorn.py and README "Serving"):
# nginx on PORT (scripts/nginx: static files, gzip, the tile cache) in
# front of gunicorn on GUNICORN_PORT; Ctrl-C or `make stop` ends both.
# Set SECRET_KEY, VOTER_VERIFIER, ALLOWED_HOSTS and DATABASE_URL;
# WEB_CONCURRENCY and SECURE_SSL as the deployment needs. The development
# default PIIRI_DEV=1 above is not passed on (only a PIIRI_DEV given in the
# environment or on the command line is), so serve refuses what production
# would refuse.
SERVE_ENV := $(if $(filter file,$(origin PIIRI_DEV)),env -u PIIRI_DEV,env)
GUNICORN_PORT ?= $(shell echo $$(($(PORT) + 1)))
GUNICORN_PID := var/gunicorn-$(PORT).pid
# The tile pool: gunicorn workers of their own behind nginx's /tiles/, as
# many as the main pool unless TILE_CONCURRENCY says otherwise.
TILE_PORT ?= $(shell echo $$(($(PORT) + 2)))
TILE_PID := var/gunicorn-tiles-$(PORT).pid
NGINX_ENV := PIIRI_NGINX_PORT=$(PORT) PIIRI_NGINX_UPSTREAM=127.0.0.1:$(GUNICORN_PORT) \
	PIIRI_NGINX_TILE_UPSTREAM=127.0.0.1:$(TILE_PORT)
GUNICORN := STATIC_MANIFEST=1 NUM_PROXIES=$${NUM_PROXIES:-1} .venv/bin/gunicorn -c config/gunicorn.py

serve: db oidc
	$(SERVE_ENV) $(PY) manage.py prepare
	$(SERVE_ENV) STATIC_MANIFEST=1 $(PY) manage.py collectstatic --noinput -v 0
	@mkdir -p var
	@$(NGINX_ENV) scripts/nginx start
	@echo "==> serving on http://127.0.0.1:$(PORT)/ (gunicorn on 127.0.0.1:$(GUNICORN_PORT), tiles on 127.0.0.1:$(TILE_PORT))"
	@trap '$(NGINX_ENV) scripts/nginx stop; kill -TERM $$tiles 2>/dev/null; wait $$tiles' EXIT; \
		trap 'exit 130' INT TERM; \
		$(SERVE_ENV) BIND=127.0.0.1:$(TILE_PORT) WEB_CONCURRENCY=$${TILE_CONCURRENCY:-$${WEB_CONCURRENCY:-}} \
			$(GUNICORN) --pid $(TILE_PID) config.wsgi:application & tiles=$$!; \
		$(SERVE_ENV) BIND=127.0.0.1:$(GUNICORN_PORT) $(GUNICORN) --pid $(GUNICORN_PID) \
			config.wsgi:application

BACKUP ?= backups/piiri-$(shell date -u +%Y%m%dT%H%M%SZ).dump

backup: db
	@mkdir -p $(dir $(BACKUP))
	@scripts/db backup $(BACKUP)

restore: db
	@test -n "$(filter command line environment,$(origin BACKUP))" || \
		{ echo "make restore BACKUP=backups/<file>.dump" >&2; exit 2; }
	@scripts/db restore $(BACKUP)

test: check pytest

lint: deps
	@echo "==> lint"
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

check: db lint
	@echo "==> types, import contracts, migrations"
	.venv/bin/mypy geo web districts cases budgeting forums feedback initiatives participation maps config
	.venv/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

pytest: db oidc
	@echo "==> pytest"
	.venv/bin/pytest $(PYTEST_ARGS)

BENCH ?=

# Only the benchmarks need wrk and TiPg (.bench-venv): `scripts/bootstrap bench`.
bench: db
	@scripts/bootstrap bench
	$(PY) bench/run.py $(BENCH)

stop:
	@for pid in $(GUNICORN_PID) $(TILE_PID); do \
		if [ -f $$pid ] && kill -TERM "$$(cat $$pid)" 2>/dev/null; then \
			echo "==> stopping gunicorn ($$pid)"; \
			while kill -0 "$$(cat $$pid 2>/dev/null)" 2>/dev/null; do sleep 0.2; done; \
		fi; \
	done
	@$(NGINX_ENV) scripts/nginx stop
	@scripts/db stop
	@scripts/oidc stop

db-status:
	@scripts/db status || true
