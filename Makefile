# Two commands do everything on a fresh machine:
#   make study   create .venv, install the pinned dependencies, run the seed study -> outputs/seeds/
#   make test    create .venv if needed, run the tests
# Other corpora: make study CORPUS=path/to/folder RUN=name FOCUS="وصف عربي للتغطية"
# On Dask: make study CORPUS=... ENGINE=dask [DASK_ADDRESS=tcp://host:8786]

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
KERNEL := arabic-news-toolkit

# The seed study's parameters apply only when no other corpus is named.
PARAMS ?= $(if $(CORPUS),,params/seeds.yml)
CORPUS ?=
RUN ?=
FOCUS ?=
ENGINE ?=
DASK_ADDRESS ?=

.PHONY: venv study test lab lock clean-outputs

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (found " + sys.version.split()[0] + "); set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "$$(grep -E '^torch==' requirements.txt)"
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python ($(KERNEL))"
	touch $(STAMP)

venv: $(STAMP)

study: venv
	$(PY) -m toolkit run $(CORPUS) $(if $(PARAMS),--params $(PARAMS)) \
		$(if $(RUN),--out outputs/$(RUN)) $(if $(FOCUS),--focus "$(FOCUS)") \
		$(if $(ENGINE),--engine $(ENGINE)) $(if $(DASK_ADDRESS),--dask-address $(DASK_ADDRESS))

test: venv
	$(PY) -m pytest -q

lab: venv
	$(VENV)/bin/jupyter lab notebooks/

# Re-pin every transitive dependency after changing requirements.txt (writes constraints.txt).
lock: venv
	@{ echo "# Every package of the environment at the version tested (pip freeze of a fresh make venv)."; \
	   echo "# Regenerate with: make lock"; \
	   $(PY) -m pip freeze --exclude-editable | sed 's/+cpu$$//'; } > constraints.txt

clean-outputs:
	rm -rf outputs/*/ outputs/.*.partial
