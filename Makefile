# The two commands of the README:
#   make report   set up everything (system libraries, .venv, full font faces) and build the sample into out/
#   make test     lint, type-check and run the test suite (sets up what is missing first)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test test-deps lint typecheck pytest bench fonts subsets gallery system-deps clean

# compileall: the modules' bytecode, which Python writes itself unless PYTHONDONTWRITEBYTECODE is set
# (then every run would compile them again: about 0.2 s of a cold build).
report: $(STAMP) fonts
	$(BIN)/python -m compileall -q publisher
	$(BIN)/publisher build .

test: $(STAMP) test-deps fonts lint typecheck pytest

test-deps:
	sh scripts/system-deps.sh test

lint: $(STAMP)
	$(BIN)/ruff check publisher tests bench scripts
	$(BIN)/ruff format --check publisher tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python bench/bench_build.py

# The full font faces (all CJK ideographs, TC/HK shapes, symbols, emoji, the gongwen
# substitutes) from Debian's font packages into ~/.local/share/publisher/fonts
# (or $$PUBLISHER_FONT_DIR), checked against recorded checksums; a no-op when there.
fonts: $(STAMP)
	$(BIN)/publisher fonts install

# Regenerate the committed subsets in assets/fonts/ from Debian's fonts-noto-cjk and fonts-lxgw-wenkai.
subsets: $(STAMP)
	$(BIN)/python scripts/make_fonts.py

# Pictures of every chart kind for docs/charts.md, of the tables example for docs/tables.md, and of two
# sample pages for the README.
gallery: $(STAMP)
	$(BIN)/python scripts/chart_gallery.py
	$(BIN)/python scripts/table_images.py
	$(BIN)/publisher build .
	$(BIN)/python scripts/readme_images.py

system-deps:
	sh scripts/system-deps.sh runtime

$(STAMP): pyproject.toml scripts/system-deps.sh
	sh scripts/system-deps.sh runtime
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf out $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Import: a 20,000-character work report, three ways (web paste, hard-wrapped PDF text with and without indents).
.PHONY: bench-import
bench-import: $(STAMP)
	$(BIN)/python bench/bench_import.py

# Watch mode: warm rebuilds, memory over 50 rebuilds, Typst as a reference (pip install typst).
.PHONY: bench-watch
bench-watch: $(STAMP)
	$(BIN)/python bench/bench_watch.py

# Batch publishing: reports a minute on the local pool and a Dask LocalCluster, warm vs cold, worker memory.
.PHONY: bench-batch batch-example
bench-batch: $(STAMP)
	$(BIN)/python bench/bench_batch.py

# The batch example: one report per (fictional) unit of examples/batch/units.csv.
batch-example: $(STAMP) fonts
	$(BIN)/publisher batch examples/batch --data examples/batch/units.csv

# A long contents (#20): N headings against the same N lines as paragraphs.
.PHONY: bench-toc
bench-toc: $(STAMP)
	$(BIN)/python bench/bench_toc.py

# Big reports: the sample repeated to ~18, 72, 140, 280 pages, cold and warm, memory, Typst as a reference.
.PHONY: bench-scale
bench-scale: $(STAMP)
	$(BIN)/python bench/bench_scale.py
