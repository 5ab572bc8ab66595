# augment-course: two commands do everything.
#   make course   set up .venv if missing, then run every notebook headlessly and print what each measured
#   make test     set up .venv if missing, then run every test (unit, notebooks, browser); each notebook
#                 executes once per parameter set, and every notebook check reads that executed copy
#   make site     build the course website (build/site/) from the executed notebooks of the last test or course run
#   make test-colab  a Colab GPU learner's code, emulated on the CPU: the unit tests, then every notebook on Google
#                    Colab's stack (Python 3.13, TF 2.20, Keras 3.13) with mixed precision forced on
#                    (COURSEKIT_MIXED_PRECISION=1, as setup() sets it on Colab's GPUs), full profile (what a GPU
#                    learner gets), 1 epoch, 3 seeds, the capstone's ResNet at width 8 instead of 32 (float16
#                    convolutions on 2 CPU cores: at 32 it did not finish in 25 min; at 8, 2 min), two notebooks
#                    at once: every cell must work there; the evidence comes from make test.
# Other targets: make lab (JupyterLab), make bench (pipeline benchmark), make clean.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Where a test or course run writes executed notebooks, screenshots and reports.
OUT    ?= outputs

.PHONY: venv course lab test test-unit test-notebooks test-browser bench browser clean site site-venv npm test-colab colab-venv

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

# The unit tests without the slow ones (minutes each: 50 reseeded exercise checks, stacked training, a full-size
# archive); make test-unit SLOW=1 runs those too. make test runs everything.
test-unit: venv
	$(BIN)/python -m pytest tests -m "not notebook and not browser$(if $(SLOW),, and not slow)"

test-notebooks: venv
	$(BIN)/python -m pytest tests -m notebook --out $(OUT)/test

test-browser: venv browser
	$(BIN)/python -m pytest tests -m browser --out $(OUT)/test

# The course website: Sphinx + MyST-NB + sphinx-book-theme (requirements-site.txt) in .venv-site; it executes
# nothing. site/build.py picks the newest complete set of executed notebooks under $(OUT) and vendors the widget
# manager from npm; then the browser test opens every page offline.
SITE_VENV  := .venv-site
SITE_STAMP := $(SITE_VENV)/.installed

site-venv: $(SITE_STAMP)

$(SITE_STAMP): requirements-site.txt
	@test -x $(SITE_VENV)/bin/python || $(PYTHON) -m venv $(SITE_VENV)
	$(SITE_VENV)/bin/python -m pip install -q --upgrade pip
	$(SITE_VENV)/bin/python -m pip install -q -r requirements-site.txt
	@touch $(SITE_STAMP)

npm:
	@command -v npm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null)

site: site-venv venv browser npm
	$(SITE_VENV)/bin/python site/build.py --outputs $(OUT)
	COURSEKIT_SITE=build/site $(BIN)/python -m pytest tests/test_site_browser.py --out $(OUT)/site -p no:cacheprovider

# Google Colab's stack (requirements-colab.txt, pinned further by constraints-colab.txt) in .venv-colab, on
# Python 3.13 (pyenv's, or any python3.13). Then coursekit is installed from this checkout as Colab's first
# cell installs it from GitHub: with pip, not editable, resolving only its loose dependencies.
COLAB_PYTHON ?= $(firstword $(wildcard $(shell pyenv root 2>/dev/null)/versions/3.13*/bin/python3.13) $(shell command -v python3.13))
COLAB_VENV   := .venv-colab
COLAB_BIN    := $(COLAB_VENV)/bin
COLAB_STAMP  := $(COLAB_VENV)/.installed
# Kernels and tests on the Colab stack: the venv's own kernelspec, no checkout on the path for the kernels.
# The notebooks then run as a Colab GPU learner gets them (ck.device.pick_profile: full on a GPU; ck.device.setup:
# mixed_float16 on a T4, L4 or A100), with few epochs and seeds (the fewest a verdict pairs), so that every code
# path of the full profile executes; `make test` keeps covering the quick profile on the pinned stack. Two notebooks
# run at once (--jobs 2): on a CPU, TensorFlow's float16 convolutions use one core each.
COLAB_ENV    := env -u PYTHONPATH -u MPLBACKEND COURSEKIT_STACK=colab JUPYTER_PATH=$(CURDIR)/$(COLAB_VENV)/share/jupyter TF_CPP_MIN_LOG_LEVEL=2

colab-venv: $(COLAB_STAMP)

$(COLAB_STAMP): requirements-colab.txt constraints-colab.txt
	@test -n "$(COLAB_PYTHON)" || (echo "make test-colab needs Python 3.13 (pyenv install 3.13)"; exit 1)
	@test -x $(COLAB_BIN)/python || $(COLAB_PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_BIN)/python -m pip install -q -c constraints-colab.txt pip
	$(COLAB_BIN)/python -m pip install -q -r requirements-colab.txt -c constraints-colab.txt
	$(COLAB_BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (Colab stack)" >/dev/null
	@touch $(COLAB_STAMP)

test-colab: colab-venv
	$(COLAB_BIN)/python -m pip install -q .
	@cd notebooks && $(COLAB_ENV) ../$(COLAB_BIN)/python -c "import importlib.util as u, sys; f = u.find_spec('coursekit').origin; \
	  print('test-colab: notebooks import', f); sys.exit('site-packages' not in f)"
	$(COLAB_ENV) $(COLAB_BIN)/python -m pytest tests -m "not notebook and not browser and not pinned_env and not slow" -p no:cacheprovider --out $(OUT)/colab
	$(COLAB_ENV) COURSEKIT_MIXED_PRECISION=1 $(COLAB_BIN)/python -m coursekit run --profile full --epochs 1 --seeds 3 \
	  --set WIDTH=8 --jobs 2 --no-timings --out $(OUT)/colab/notebooks

bench: venv
	$(BIN)/python benchmarks/pipeline.py

clean:
	rm -rf $(OUT) build .pytest_cache
