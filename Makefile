# The two commands a new user needs: `make run` (install + start the web app) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
export ANONYMIZED_TELEMETRY = False
export STREAMLIT_BROWSER_GATHER_USAGE_STATS = false
export HF_HUB_OFFLINE = 1
export TRANSFORMERS_OFFLINE = 1

.PHONY: install run test index bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -e '.[test]'
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/streamlit run streamlit_app.py --server.headless true

test: install
	$(BIN)/python -m pytest -q

index: install
	$(BIN)/twinguard index

bench: install
	$(BIN)/pip install -e '.[test,bench]'
	$(BIN)/python benchmarks/foundation.py
	$(BIN)/python benchmarks/retrieval_cuad.py --limit 500

clean:
	rm -rf $(VENV) .pytest_cache
