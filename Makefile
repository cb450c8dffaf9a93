# Two commands for a new user: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ARGS   ?=
# The suite runs on every core (pytest-xdist); JOBS=0 runs it in one process.
JOBS   ?= auto

.PHONY: run test lint bench bench-log bench-stats bench-mentors bench-handout bench-kill stateful-long wheel clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.stamp-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.stamp-run

run: $(VENV)/.stamp-run
	$(BIN)/advisor-app $(ARGS)

test: $(VENV)/.stamp-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n $(JOBS) $(ARGS)

lint: $(VENV)/.stamp-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: $(VENV)/.stamp-run
	$(BIN)/python benchmarks/scale.py $(ARGS)

stateful-long: $(VENV)/.stamp-test
	ADVISOR_STATEFUL=long $(BIN)/python -m pytest -q tests/test_stateful_model.py

bench-log: $(VENV)/.stamp-run
	$(BIN)/python benchmarks/access_log.py $(ARGS)

bench-stats: $(VENV)/.stamp-run
	$(BIN)/python benchmarks/stats_report.py $(ARGS)

bench-mentors: $(VENV)/.stamp-run
	$(BIN)/python benchmarks/mentors.py $(ARGS)

bench-handout: $(VENV)/.stamp-run
	$(BIN)/python benchmarks/handout.py $(ARGS)

# kill -9 during saves: 100 SIGKILLs by default (ARGS="--kills 300 --spawn" for more).
bench-kill: $(VENV)/.stamp-run
	$(BIN)/python benchmarks/kill_saves.py $(ARGS)

wheel: $(VENV)/.stamp-test
	$(BIN)/python -m build --wheel --outdir dist .

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache

# Extract every translatable string and merge it into the Danish catalog (then translate).
messages: $(VENV)/.stamp-test
	$(BIN)/pybabel extract --no-location --omit-header -k N_ -k ngettext:1,2 -o resources/locale/advisor_app.pot advisor_app
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete --omit-header -l da -D advisor_app -i resources/locale/advisor_app.pot -d resources/locale
