# The two set-up commands of the README: `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test test-all demo sync readme docs bench clean train-default train-cocogold ablation matrix loso pairs

# Create the virtual environment once and install the package editable with every
# extra the tests use; re-run only when settings.ini or setup.py change.
$(STAMP): settings.ini setup.py
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip setuptools wheel
	@$(BIN)/python -m pip install -q -e ".[all]"
	@touch $(STAMP)

install: $(STAMP)

# Notebooks and modules must agree, imports must be clean (no undefined names, no unused imports, every
# module imports on its own), no float comparison may be tighter than its analysis allows (CONTRIBUTING.md,
# "Tolerances"), then every notebook and pytest test runs (slow/cuda cells skipped), and the imaging-core
# chapters once more on torch's portable CPU kernels (ATEN_CPU_CAPABILITY=default).
test: $(STAMP)
	@$(BIN)/python tools/check_sync.py
	@$(BIN)/python tools/check_imports.py
	@$(BIN)/python tools/check_tolerances.py
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

# The three systems on the offline sample photos: FilterNet before/after (sample photos and degraded held-out
# photos, params JSON) and a strip of every filter on two photos; CocoGold masks and COCONET local edits on COCO
# photos; demo_out/index.html shows them side by side (nbs/92_demo.ipynb).
demo: $(STAMP)
	@$(if $(wildcard $(DATA)/photos),FILTERNET_COCO_DATA=$${FILTERNET_COCO_DATA:-$(abspath $(DATA))}) $(BIN)/python -c "from filternet_coco.demo import make_full_demo; make_full_demo('demo_out')"
	@echo "demo written to $(CURDIR)/demo_out/ (open demo_out/index.html)"

# Retrain the embedded default FilterNet with the shipped recipe (chapters 13 and 16: seven filters, degradations drawn on
# the fly over the whole edit space from the good photo folders and the COCO images, the global-statistics branch trained
# on the mean-PSNR loss), then calibrate a shrink and a dead zone per filter on the validation photos, evaluate on the
# held-out ones and write filternet_coco/weights/filternet_default (about 30 minutes on 2 CPU cores; deterministic).
train-default: $(STAMP)
	@$(BIN)/filternet-coco train --config default --name filternet-default --ship filternet_coco/weights/filternet_default

# Train the shipped small CocoGold (chapters 24 and 27), one torch thread, fixed step counts (deterministic): issue 17's
# few-step model (config small-fewstep, 997 steps, about 38 minutes) into runs/cocogold-issue17 unless it is there, then the
# fine-tune into an x0-prediction diffusion model over the whole schedule (config small, 400 steps, about 13 minutes); the
# tolerance is chosen on training photos, the defaults (4 trailing steps, median of 4 members) come from chapter 27's sweeps, and the
# fp16 pipeline goes to runs/cocogold-small-candidate (copy it over filternet_coco/weights/cocogold_small to ship it).
train-cocogold: $(STAMP)
	@test -d runs/cocogold-issue17/unet || OMP_NUM_THREADS=1 $(BIN)/filternet-coco cocogold-train --root $(DATA)/coco --config small-fewstep --name cocogold-issue17 --ship runs/cocogold-issue17
	@OMP_NUM_THREADS=1 $(BIN)/filternet-coco cocogold-train --root $(DATA)/coco --config small --name cocogold-small --ship runs/cocogold-small-candidate --defaults 4,4,median

# Table 5.1 at this scale (chapter 18): one short run per row of ABLATIONS (10-15 minutes each on 2 CPU cores; rows
# already trained in runs/ablation are reused), scored on the held-out photos into the shipped folder's ablation.json.
ablation: $(STAMP)
	@$(BIN)/python -c "from filternet_coco.filternet.ship import write_ablation, train_ablations; write_ablation('filternet_coco/weights/filternet_default/ablation.json', train_ablations())"

# The evaluation matrix of the embedded FilterNet (chapter 17): active filters x largest strength, untouched and strong
# photos, beside the classical tools, gradient-boosted trees on the same statistics, the negated truth and the oracle, on
# the held-out test photos (about 20 minutes on 2 CPU cores) -> results/filternet_matrix.csv.
matrix: $(STAMP)
	@$(BIN)/python -c "import json; from filternet_coco.filternet.enhance import load_default_model, DEFAULT_MODEL_DIR; from filternet_coco.filternet.train import TrainConfig; from filternet_coco.filternet.recipe import recipe_photos, load_frames; from filternet_coco.filternet.matrix import measure_matrix, write_matrix; ph = recipe_photos(); cfg = TrainConfig(**json.loads((DEFAULT_MODEL_DIR/'training.json').read_text())['config']); write_matrix(measure_matrix(load_default_model(), ph, load_frames(ph['train'], 128, 'data_cache'), config=cfg), 'results/filternet_matrix.csv')"

# Leave one source out (chapter 16): the default recipe trained without urban100, then without sun_hays80 (about 15
# minutes each on one core; runs in runs/loso are reused), both models scored on the left-out folder's held-out photos
# -> results/filternet_loso.csv.
loso: $(STAMP)
	@OMP_NUM_THREADS=1 $(BIN)/python -c "import csv; from filternet_coco.filternet.enhance import load_default_model; from filternet_coco.filternet.recipe import leave_one_out; rows = [leave_one_out(s, load_default_model()) for s in ('urban100', 'sun_hays80')]; w = csv.DictWriter(open('results/filternet_loso.csv', 'w', newline=''), fieldnames=list(rows[0])); w.writeheader(); w.writerows(rows)"

# The thesis's pre-generated pairs (moderate regime, 6 filters, 10 runs per photo) for the `base` recipe:
# make pairs, then filternet-coco train --config base --dataset $(PAIRS).
PAIRS := data_cache/pairs_moderate_6
GOOD := debian_lomiri debian_mate debian_plasma wikimedia_commons sun_hays80 urban100 kodak24
pairs: $(PAIRS)/index.csv
$(PAIRS)/index.csv: | $(STAMP)
	@$(BIN)/filternet-coco pairs $(addprefix $(DATA)/photos/,$(GOOD)) -o $(PAIRS) --regime moderate --filters 6 --runs 10

# The documentation site in _docs/: nbdev_docs when quarto is installed; otherwise an HTML page per notebook
# from its committed outputs (never re-executed) and an index in reading order (tools/build_docs.py).
docs: $(STAMP)
	@if command -v quarto >/dev/null; then $(BIN)/nbdev_docs; else $(BIN)/python tools/build_docs.py --out _docs; fi

# Every benchmark of bench/ at full size (24 MP photos; minutes on a CPU), one after another; a script that fails is reported
# and the others still run; ends with one summary line per script. `make test` runs them all at a tiny size (tests/test_bench.py).
bench: $(STAMP)
	@$(BIN)/python bench/_harness.py

clean:
	rm -rf build dist *.egg-info _docs _proc demo_out
