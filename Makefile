# Two commands a newcomer needs: `make run` and `make test`. Everything else is a detail of those.
PYTHON ?= python3.12
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEV_ENV := DEBUG=true

.PHONY: run test setup system-check messages lint format lock sbom audit reuse bench bench-scoring mutate \
	mutate-scores clean

run: setup
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py setup_demo
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# One test process per core (pytest-xdist): on 2 cores the suite takes four fifths of the time.
test: setup
	$(BIN)/pytest -n auto

setup: $(INSTALLED) system-check messages

# The interface in French, German and Spanish: the catalogues (locale/*/LC_MESSAGES/django.po) are
# committed, their compiled .mo files are not: set-up compiles them (GNU gettext's msgfmt).
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
messages: $(MO_FILES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(INSTALLED) system-check
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --locale $* --ignore '.venv' --verbosity 0

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
	  echo "Python 3.12 is needed. On Debian: apt-get install python3.12 python3.12-venv," \
	       "or run: make PYTHON=/path/to/python3.12 ..."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Exact versions with their hashes from the lock file, then the project itself (no dependencies).
$(INSTALLED): pyproject.toml requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

system-check: $(INSTALLED)
	@$(BIN)/python scripts/check_system.py

# After a change to the dependencies in pyproject.toml: pin them again, with hashes (then `make sbom`).
# requirements.lock is what the Docker image installs; requirements-dev.lock adds the test tools.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile --quiet --universal --python-version 3.12 --generate-hashes \
	  pyproject.toml -o requirements.lock
	$(BIN)/uv pip compile --quiet --universal --python-version 3.12 --generate-hashes \
	  --extra test pyproject.toml -o requirements-dev.lock

# The CycloneDX SBOM of the runtime dependencies, shipped in the image and read by the About page:
# after `make lock`, write it again and commit it (tests/test_sbom.py fails until then).
# See docs/supply-chain.md.
sbom: $(INSTALLED)
	$(BIN)/python scripts/sbom.py

# Known vulnerabilities of the locked runtime packages (PyPI's advisory data); when that data
# cannot be reached, it says so and succeeds.
audit: $(INSTALLED)
	@PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python scripts/audit.py

# Licence and copyright of every file (REUSE.toml, LICENSES/).
reuse: $(INSTALLED)
	$(BIN)/reuse lint

# What CI checks before the tests: the pre-commit config's tools, and the types.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	git ls-files -z 'templates/*.html' 'templates/*.txt' | xargs -0 $(BIN)/djade --check --target-version 6.1
	git ls-files -z '*.py' ':!:static/*' | xargs -0 $(BIN)/django-upgrade --check --target-version 6.1
	@# mypy's Django plugin imports the settings, which refuse to load without a SECRET_KEY.
	SECRET_KEY=typecheck $(BIN)/mypy

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The whole picture over HTTP (throwaway PostgreSQL database, gunicorn in production mode):
# `make bench`, or `make bench BENCH_ARGS=--quick`. See bench/README.md.
bench: setup
	$(DEV_ENV) LOG_LEVEL=WARNING $(BIN)/python manage.py bench $(BENCH_ARGS)

bench-scoring: setup
	$(BIN)/python bench/bench_scoring.py --questions 200

# Mutation testing of the pure modules ([tool.mutmut] in pyproject.toml): each small deliberate bug
# the tests do not notice is a survivor. Slow (tens of minutes), so not part of CI; results are
# kept in mutants/ and only changed functions run again. `make mutate MUTANTS='assessments.scoring.*'`
# runs one module; `rm -rf mutants` starts afresh. How to read it: docs/testing.md.
MUTANTS ?=
mutate: setup
	HYPOTHESIS_PROFILE=mutation $(BIN)/mutmut run --max-children 2 $(MUTANTS)
	@$(MAKE) --no-print-directory mutate-scores

mutate-scores: $(INSTALLED)
	@$(BIN)/python scripts/mutation_scores.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache .hypothesis mutants
