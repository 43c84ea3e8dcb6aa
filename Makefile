# afterview: `make demo` to try it, `make test` to check it, `make conformance` for the long checks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test conformance lint typecheck bench bench-quick clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# An editable install leaves the sources uncompiled; compile them once so
	@# every run starts from bytecode, as it does after a normal install.
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/afterview show samples/standard-thanksgiving.toml
	$(BIN)/afterview plan samples/standard-thanksgiving.toml -o demo.ics
	@echo "Wrote demo.ics: import it into Google Calendar, Outlook or Apple Calendar."

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck browser sshd mailserver caddy
	$(BIN)/python -m compileall -q src
	$(BIN)/pytest

# Headless Chromium for tests/test_page_browser.py: Debian's package, installed when missing.
.PHONY: browser
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	fi

# sshd, sftp and git for tests/test_publish_ssh.py (publishing over ssh to a throwaway
# server on 127.0.0.1): Debian's packages, installed when missing.
.PHONY: sshd
sshd:
	@if [ ! -x /usr/sbin/sshd ] || ! command -v sftp >/dev/null || ! command -v git >/dev/null; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    openssh-server openssh-client git; \
	fi

# Dovecot (and openssl for its test certificate) for tests/test_mail_imap.py: Debian's
# packages, installed when missing; the tests run it on 127.0.0.1 with a throwaway config.
.PHONY: mailserver
mailserver:
	@if [ ! -x /usr/sbin/dovecot ] || ! command -v openssl >/dev/null; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y dovecot-imapd openssl; \
	fi

# Caddy for tests/security/test_caddy.py (docs/self-hosting.md's setup): Debian's package.
.PHONY: caddy
caddy:
	@if [ ! -x /usr/bin/caddy ]; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y caddy; \
	fi

# ical.js (Thunderbird's parser), pinned by conformance/package-lock.json; needs Node and npm.
conformance/node_modules/.package-lock.json: conformance/package.json conformance/package-lock.json
	npm ci --prefix conformance --no-audit --no-fund

# Every sample, plan and the feed through icalendar, ical and ical.js, and a Radicale round trip.
conformance: $(STAMP) sshd mailserver caddy conformance/node_modules/.package-lock.json
	$(BIN)/python -m compileall -q src
	$(BIN)/pytest -m conformance

bench: $(STAMP) sshd mailserver caddy
	$(BIN)/python -m compileall -q src
	@# Every benchmark runs and reports; the target fails if any missed its target.
	status=0; \
	for bench in coldstart feed server hostile publish mail; do \
	  $(BIN)/python benchmarks/$$bench.py || status=1; \
	done; \
	exit $$status

# Each benchmark at a toy size: proves it still runs and still checks its bytes.
bench-quick: $(STAMP) sshd mailserver caddy
	$(BIN)/python -m compileall -q src
	$(BIN)/pytest -m bench

clean:
	rm -rf $(VENV) demo.ics .pytest_cache .mypy_cache .ruff_cache conformance/node_modules
