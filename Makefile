# The two set-up commands of the README: `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test test-all demo sync readme docs bench clean train-default

# Create the virtual environment once and install the package editable with every
# extra the tests use; re-run only when settings.ini or setup.py change.
$(STAMP): settings.ini setup.py
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip setuptools wheel
	@$(BIN)/python -m pip install -q -e ".[all]"
	@touch $(STAMP)

install: $(STAMP)

# Notebooks and modules must agree, then every notebook and pytest test runs (slow/cuda cells skipped).
test: $(STAMP)
	@$(BIN)/python tools/check_sync.py
	@$(BIN)/python tools/run_tests.py

# The same, with the slow cells too (minutes on CPU).
test-all: $(STAMP)
	@$(BIN)/python tools/run_tests.py --flags slow

# Export notebooks to modules, clean them, regenerate README.md.
sync: $(STAMP)
	@$(BIN)/nbdev_export && $(BIN)/nbdev_clean && $(BIN)/python tools/make_readme.py && echo "synced"

readme: $(STAMP)
	@$(BIN)/python tools/make_readme.py

DATA ?= ../shared/data

# The main job on the offline default: filter strips of sample photos (FilterNet's enhance joins it once trained).
demo: $(STAMP)
	@$(BIN)/filternet-coco strips $(DATA)/photos/kodak24/kodim05.png $(DATA)/photos/kodak24/kodim23.png -o demo_out
	@echo "demo written to $(CURDIR)/demo_out/" 

docs: $(STAMP)
	@if command -v quarto >/dev/null; then $(BIN)/nbdev_docs; else echo "make docs needs quarto (https://quarto.org/docs/get-started/); install it, then run make docs again"; fi

bench: $(STAMP)
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf build dist *.egg-info _docs _proc demo_out
