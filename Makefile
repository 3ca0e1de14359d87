# A learner needs one command: `make lab` (set up and open the course). Contributors run `make test`, which also
# installs Debian packages (see system-deps). Everything else lives in .venv inside this folder; nothing is
# installed into your home folder.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
PORT   ?= 8888
A      ?=
JOBS   ?= auto
# nbgrader runs the `alembic` command: the environment's tools come first, activated or not.
export PATH := $(abspath $(BIN)):$(PATH)

.DEFAULT_GOAL := help
.PHONY: help setup update lab instructor test test-fast release clean-notebooks nav data system-deps bench start grade progress exam portfolio grade-cohort

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 18

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@# -qq: setuptools' notice about editable installs of a flat layout is not for the learner; errors still show
	$(BIN)/python -m pip install -qq --no-deps -e .
	$(BIN)/python -m spmcourse.cli setup-lab
	@touch $@

setup: $(STAMP)  ## Create .venv and install the course (quick when already done)

lab: $(STAMP)  ## Set up and open the course in JupyterLab at the start page
	$(BIN)/python -m spmcourse.cli lab --port $(PORT)

instructor: $(STAMP)  ## Open the course in JupyterLab with nbgrader's formgrader and Create Assignment
	$(BIN)/python -m spmcourse.cli lab --instructor --port $(PORT)

$(TSTAMP): $(STAMP) requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	@touch $@

system-deps:  ## (contributors) apt-get install chromium, bubblewrap, postgresql, nginx-light (root or sudo)
	@bash tools/install-system-deps.sh

test: $(TSTAMP) system-deps  ## (contributors) Install the test tools and system-deps, run the whole suite
	$(BIN)/python -m pytest -n $(JOBS)

test-fast: $(TSTAMP)  ## (contributors) Run the suite without the browser and slow tests
	$(BIN)/python -m pytest -n $(JOBS) -m "not browser and not slow"

release: $(STAMP)  ## Regenerate release/ from source/ with nbgrader
	$(BIN)/python -m spmcourse.cli release $(A)

clean-notebooks: $(STAMP)  ## Strip outputs and execution counts, fix the kernelspec to python3
	$(BIN)/python -m spmcourse.cli clean

nav: $(STAMP)  ## Regenerate navigation cells, the welcome page and the README module list
	$(BIN)/python -m spmcourse.cli nav

data: $(STAMP)  ## Regenerate the case-study CSVs from their seeded generator
	$(BIN)/python -m spmcourse.casedata

# --- Learner (self-study) ------------------------------------------------------------------------------------
update: $(STAMP)  ## Bring the new version of the course; keeps your saved lessons (dated copies) and work/
	$(BIN)/python -m spmcourse.cli update
	@# set up again only if the new version changed the requirements (no "Nothing to be done" line otherwise)
	@$(MAKE) --no-print-directory --question $(STAMP) || $(MAKE) --no-print-directory setup

start: $(STAMP)  ## Copy assignment A into your workspace work/ (never overwrites your work)
	$(BIN)/python -m spmcourse.cli start $(A)

grade: $(STAMP)  ## Grade your copy of assignment A against the hidden tests; prints scores and feedback
	$(BIN)/python -m spmcourse.cli grade $(A)

progress: $(STAMP)  ## Show your progress per module
	$(BIN)/python -m spmcourse.cli progress

exam: $(STAMP)  ## Draw a fresh practice exam paper: make exam SEED=7 (any whole number)
	$(BIN)/python -m spmcourse.cli exam $(if $(SEED),--seed $(SEED))

portfolio: $(STAMP)  ## Export your capstone and written answers to work/portfolio.html (NAME="Your Name")
	$(BIN)/python -m spmcourse.cli portfolio $(if $(NAME),--name "$(NAME)")

# --- Instructor ----------------------------------------------------------------------------------------------
grade-cohort: $(STAMP)  ## Autograde every collected submission of assignment A (failures never count as 0)
	$(BIN)/python -m spmcourse.cli grade-cohort $(A)

bench: $(TSTAMP)  ## Benchmark notebooks, explorers and cohort grading; prints a table and a summary line
	$(BIN)/python tests/bench.py
