# Leadtrack: `make run` starts the whole product, `make test` runs the whole suite.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
LEADTRACK_ADMIN_PASSWORD ?= leadtrack-admin

.PHONY: run test test-unit test-services lint format bench install clean help

help:
	@echo "make run    start web, Celery worker and Celery beat with the demo firm (PORT=$(PORT))"
	@echo "make test   run the whole test suite"
	@echo "make lint   ruff check and format check"

$(BIN)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Leadtrack needs Python 3.11 or newer; set PYTHON=python3.11")'
	@echo "Installing Leadtrack's dependencies into $(VENV) (the first time takes a minute or two)..."
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --progress-bar off --disable-pip-version-check -r requirements.txt
	touch $@

# This machine's own secret key, written once and kept (git ignores it): manage.py and the
# web process read .env, so operator commands run as docs/operations.md says.
.env:
	@$(PYTHON) -c 'import secrets; print("# Written once by make run for this machine; read by manage.py and the web process.\nSECRET_KEY=" + secrets.token_urlsafe(50))' > $@
	@echo "Wrote .env with this machine's secret key."

install: $(BIN)/.installed

run: export DEBUG ?= true
run: export LEADTRACK_ADMIN_PASSWORD := $(LEADTRACK_ADMIN_PASSWORD)
# Links in emails point at this run's port (settings derive SITE_URL from PORT when unset).
run: export PORT := $(PORT)
# A local webhook secret so inbound email can be tried with curl (set your own in production).
run: export ANYMAIL_WEBHOOK_SECRET ?= local:webhook-secret
# Links in emails point at the port the product is actually served on.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install .env
	@mkdir -p var/mail
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_firm
	$(BIN)/python manage.py ensure_admin
	@echo ""
	@echo "Leadtrack is starting on http://127.0.0.1:$(PORT)/"
	@echo "  tracker (admin):  http://127.0.0.1:$(PORT)/admin/  user 'admin', password '$(LEADTRACK_ADMIN_PASSWORD)'"
	@echo "  demo members:     e.g. 'priya.shah' (partner), 'tom.hughes' (fee earner), password from LEADTRACK_DEMO_PASSWORD (default 'demo-pass-2026')"
	@echo "  enquiry form:     http://127.0.0.1:$(PORT)/enquire/"
	@echo "  API docs:         http://127.0.0.1:$(PORT)/api/v1/docs/"
	@echo "  health:           http://127.0.0.1:$(PORT)/health/"
	@echo "  emails sent:      files under var/mail/ (or EMAIL_URL)"
	@echo "  inbound email:    http://$$ANYMAIL_WEBHOOK_SECRET@127.0.0.1:$(PORT)/anymail/postmark/inbound/ (and the other ESPs')"
	@echo "Press Ctrl-C to stop web, worker and beat (a process that falls over is restarted)."
	@echo ""
	@mkdir -p var/log
	VENV_BIN=$(abspath $(BIN)) LEADTRACK_PORT=$(PORT) SECRET_KEY="$${SECRET_KEY:-$$(sed -n 's/^SECRET_KEY=//p' .env)}" \
		$(BIN)/supervisord -c supervisord.conf

# Unit tests on SQLite with eager tasks, then the end-to-end tests against PostgreSQL,
# Redis and a real Celery worker (skipped with a reason when those are not running,
# failed instead when REQUIRE_SERVICES=1).
test: install
	$(BIN)/python -m pytest tests --ignore=tests/e2e -q
	$(BIN)/python -m pytest -p tests.e2e.services tests/e2e -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var/ staticfiles/
