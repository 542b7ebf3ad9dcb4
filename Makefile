# The two set-up commands of the README: `make demo` and `make test`. Each creates the
# virtual environment (.venv) and installs the project into it on first use.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install proxy-tools demo test lint schemas bench bench-quick clean

# compileall: an editable install is not byte-compiled (pip compiles a regular one), and
# where PYTHONDONTWRITEBYTECODE is set no run caches it either, so every run would compile
# the package's modules again (0.2-0.4 s of each run's start-up, issue 16). A file edited
# later is compiled in memory, as before.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q okta_m365_audit tests_integration conftest.py
	touch $(STAMP)

install: $(STAMP)

# A real proxy for tests/test_network_proxy.py: mitmproxy (mitmdump) in a virtual environment
# of its own, since its pins clash with the project's. mitmproxy 12 needs Python 3.12 or
# later; on Python 3.11 the newest release that supports it (11.0.2) is installed instead.
PROXY_VENV  := .venv-proxy
PROXY_STAMP := $(PROXY_VENV)/.installed-stamp
MITMPROXY   := $(shell $(PYTHON) -c 'import sys; print("mitmproxy>=12,<13" if sys.version_info >= (3, 12) else "mitmproxy>=11.0.2,<12")')

$(PROXY_STAMP):
	$(PYTHON) -m venv $(PROXY_VENV)
	$(PROXY_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PROXY_VENV)/bin/python -m pip install --quiet '$(MITMPROXY)'
	touch $(PROXY_STAMP)

## Install mitmproxy's mitmdump into .venv-proxy (the proxy tests start it; make test does this)
proxy-tools: $(PROXY_STAMP)

# An audit (python -m okta_m365_audit run, the command okta-m365-audit run) is pytest with the plugins it uses and no other: the
# dev extra installs test-only plugins (hypothesis...) for `make test`, and autoloading them
# costs a small tenant's run more than a second (issue 16; tests/test_imports.py).
AUDIT := $(BIN)/python -m okta_m365_audit

## Run the compliance suite on the emulated demo tenant; writes reports/audit-*.html
demo: $(STAMP)
	$(AUDIT) run tests_integration --tenant demo

## Run the project's own tests, on two workers (pytest-xdist): about half the time of one
## on a 2-core machine (about 30 against 55-75 minutes); `$(BIN)/pytest tests` runs them serially
test: $(STAMP) $(PROXY_STAMP)
	$(BIN)/pytest tests -n 2

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

## Benchmark collection and whole runs at 10k and 100k users against their floors (minutes)
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --sizes 10k,100k --fleet 20

## The benchmark at 300 users, as CI runs it (figures only; nothing is asserted about time)
bench-quick: $(STAMP)
	$(BIN)/python benchmarks/run.py --sizes 300 --quick

## Regenerate the shipped JSON Schemas and the README's check table
schemas: $(STAMP)
	$(BIN)/python scripts/write_schemas.py

clean:
	rm -rf $(VENV) $(PROXY_VENV) reports/*.html reports/snapshots benchmarks/.work
