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

# The built-in corpus is indexed before the server starts (incremental: a no-op when nothing changed), so the
# first question is answered at once; the server watches no files and logs only warnings.
run: install
	@echo "Indexing the built-in corpus (first run only; later runs check for changes in seconds)"
	@$(BIN)/twinguard index
	@echo "Starting TwinGuard on http://localhost:8501 (Ctrl-C stops it)"
	@$(BIN)/streamlit run streamlit_app.py --server.headless true --server.fileWatcherType none \
		--logger.level warning

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
