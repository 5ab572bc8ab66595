# augment-course: two commands do everything.
#   make course   set up .venv if missing, then run every notebook headlessly and print what each measured
#   make test     set up .venv if missing, then run every test (unit, notebooks, browser); each notebook
#                 executes once per parameter set, and every notebook check reads that executed copy
# Other targets: make lab (JupyterLab), make bench (pipeline benchmark), make clean.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Where a test or course run writes executed notebooks, screenshots and reports.
OUT    ?= outputs

.PHONY: venv course lab test test-unit test-notebooks test-browser bench browser clean

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (augment-course)" >/dev/null
	@touch $(STAMP)

course: venv
	$(BIN)/python -m coursekit run --out $(OUT)/course

lab: venv
	$(BIN)/jupyter lab notebooks/00_setup.ipynb

# Chromium from Debian's packages, driven by Playwright, for the JupyterLab browser test.
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

test: venv browser
	$(BIN)/python -m pytest tests --out $(OUT)/test --durations=20

test-unit: venv
	$(BIN)/python -m pytest tests -m "not notebook and not browser"

test-notebooks: venv
	$(BIN)/python -m pytest tests -m notebook --out $(OUT)/test

test-browser: venv browser
	$(BIN)/python -m pytest tests -m browser --out $(OUT)/test

bench: venv
	$(BIN)/python benchmarks/pipeline.py

clean:
	rm -rf $(OUT) build .pytest_cache
