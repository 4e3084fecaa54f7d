# The two commands of the README:
#   make report   set up everything (system libraries, .venv) and build the sample into out/
#   make test     lint, type-check and run the test suite (sets up what is missing first)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test test-deps lint typecheck pytest bench fonts gallery system-deps clean

report: $(STAMP)
	$(BIN)/publisher build .

test: $(STAMP) test-deps lint typecheck pytest

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

# Regenerate assets/fonts/ from Debian's fonts-noto-cjk and fonts-lxgw-wenkai.
fonts: $(STAMP)
	$(BIN)/python scripts/make_fonts.py

# Pictures of every chart kind for docs/charts.md, and of two sample pages for the README.
gallery: $(STAMP)
	$(BIN)/python scripts/chart_gallery.py
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

# Watch mode: warm rebuilds, memory over 50 rebuilds, Typst as a reference (pip install typst).
.PHONY: bench-watch
bench-watch: $(STAMP)
	$(BIN)/python bench/bench_watch.py
