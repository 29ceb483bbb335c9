# Two commands for a new user: `make demo` (install + run on the example corpus) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
export HF_HUB_OFFLINE = 1
export TOKENIZERS_PARALLELISM = false

.PHONY: install demo demo-economy lint test seeds clean

$(BIN)/stance: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,ray,syntax,documents]'
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements/syntax.txt
	touch $@

install: $(BIN)/stance

demo: install
	$(BIN)/stance track data/examples --out out/demo

demo-economy: install
	$(BIN)/stance track data/domains/economy/articles --out out/economy \
	  --issues data/domains/economy/issues.yaml --actors data/domains/economy/actors.yaml

seeds: install
	$(BIN)/stance track ../shared/seeds --out out/seeds

lint: install
	$(BIN)/ruff check stance tests scripts
	$(BIN)/mypy

test: install
	$(BIN)/python -m pytest -q

clean:
	rm -rf out .pytest_cache
