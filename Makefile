# Claimwatch: `make run` starts everything; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# A Python >= 3.12: PATH first, then pyenv's installed versions (newest first).
define FIND_PYTHON
tried=""; \
for cand in python3.13 python3.12 python3 python; do \
  p=$$(command -v $$cand 2>/dev/null) || continue; tried="$$tried $$p"; \
  if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$p; exit 0; fi; \
done; \
root=$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv); \
for p in $$(ls -d $$root/versions/*/bin/python3 2>/dev/null | sort -rV); do \
  tried="$$tried $$p"; \
  if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$p; exit 0; fi; \
done; \
echo "error: Claimwatch needs Python >= 3.12; tried:$${tried:- nothing (no python on PATH, no pyenv versions)}" >&2; exit 1
endef

.PHONY: help run test venv migrate seed ingest-bundled worker check-deploy clean

help:
	@echo "make run    - set up everything and serve Claimwatch at http://$(HOST):$(PORT) (Ctrl-C stops all)"
	@echo "make test   - run the whole test suite"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@python=$$($(FIND_PYTHON)) || exit 1; \
	if [ ! -x $(PY) ]; then echo "creating $(VENV) with $$python"; $$python -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

# The page checkers the tests run (axe-core, the W3C Nu HTML checker), from npm.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

migrate: venv
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py loadseed

ingest-bundled: migrate
	$(PY) manage.py ingest_bundled

run: seed ingest-bundled
	@HOST=$(HOST) PORT=$(PORT) bash scripts/run-dev.sh

test: venv node_modules/.installed
	$(PY) -m pytest

check-deploy: venv
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) DJANGO_ALLOWED_HOSTS=claimwatch.example \
	  $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles
