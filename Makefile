# Two commands on a fresh machine: `make build`, then `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BOOTSTRAP ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MEMBERS ?= 500000
AS_OF_DATE ?= 2025-12-31
RAW_DATA_PATH ?= data/raw
RAW_FORMAT ?= parquet
# The SQL sqlfluff checks (.sqlfluff): models, singular tests and analyses.
SQL_PATHS := models tests analyses
# Any other var for make dbt-build / make docs, as YAML (dbt's --vars syntax); its entries win over the three above.
DBT_VARS ?=
# The vars reach dbt through the environment, built into JSON by build_runner.plan_vars: a quote or space in a
# path never passes through the shell.
export RAW_DATA_PATH RAW_FORMAT AS_OF_DATE DBT_VARS
PLAN_VARS = "$$($(BIN)/python -m segmentation_tools.build_runner.plan_vars)"
# Demo and real data never share a warehouse. make build writes the demo's extracts and DEMO_WAREHOUSE; a build
# on a plan's extracts (make dbt-build RAW_DATA_PATH=...) writes PLAN_WAREHOUSE unless WAREHOUSE names another.
# Either way dbt refuses to add a demo as-of date to a warehouse holding a plan's runs, or the reverse
# (macros/warehouse_origin.sql).
DEMO_DATA_PATH := data/raw
DEMO_WAREHOUSE ?= warehouse/demo.duckdb
PLAN_WAREHOUSE ?= warehouse/member_segmentation.duckdb
WAREHOUSE ?= $(or $(DBT_DUCKDB_PATH),$(if $(filter $(DEMO_DATA_PATH),$(RAW_DATA_PATH)),$(DEMO_WAREHOUSE),$(PLAN_WAREHOUSE)))
SEGMENTATION_QUESTION ?=
# make publish: the dated folders BI tools read; PUBLISH_PHI=1 adds the member-level marts (PHI).
PUBLISH_DIR ?= published
PUBLISH_PHI ?=
# make refresh-demo: monthly snapshots of one plan ending on AS_OF_DATE, built in order into their own warehouse.
REFRESH_MEMBERS ?= 100000
REFRESH_SNAPSHOTS ?= 3
REFRESH_DATA_PATH ?= data/refresh
REFRESH_WAREHOUSE ?= warehouse/refresh_demo.duckdb
REFRESH_MODE ?= refit
REFRESH_SHIFT_SHARE ?= 0
REFRESH_SUMMARY_SQL := select as_of_date, refresh_mode, members, entered_members, left_members, \
	round(persona_change_share, 4) as persona_change_share, round(max_centroid_shift, 3) as max_centroid_shift, \
	round(max_member_share_change, 4) as max_member_share_change, needs_review from refresh_verdicts order by as_of_date

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := False

.PHONY: help install install-spark install-bi publish test-bi lock-bi build demo-data demo-data-current dbt-build \
	refresh-demo report docs choose-k bench bench-scaling test test-fast test-spark lint format lock lock-spark clean \
	install-orchestration test-orchestration lock-orchestration publish-send-list

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements/base.txt pyproject.toml
	@command -v $(PYTHON_BOOTSTRAP) >/dev/null || { echo "error: $(PYTHON_BOOTSTRAP) not found; install Python 3.11 or set PYTHON_BOOTSTRAP=/path/to/python3.11" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON_BOOTSTRAP) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --requirement requirements/base.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --editable .
	$(BIN)/python -m pip check
	touch $@

install: $(BIN)/.installed ## Create .venv with the pinned dependencies and the project's Python package (editable)

# One recipe for every extra: requirements/<extra>.txt on top of the base set, after the extra's own check
# (EXTRA_CHECK_<extra>, where it has one).
$(BIN)/.%-installed: $(BIN)/.installed requirements/%.txt
	$(EXTRA_CHECK_$*)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --requirement requirements/$*.txt
	$(BIN)/python -m pip check
	touch $@

# The Spark target's extra packages (dbt-spark, PySpark) on top of the base set; Spark needs Java 17 or later.
EXTRA_CHECK_spark = @command -v java >/dev/null || { echo "error: java not found; Spark needs a Java 17+ runtime (e.g. apt-get install openjdk-17-jre-headless)" >&2; exit 1; }
install-spark: $(BIN)/.spark-installed ## Add the Spark target's pinned dependencies to .venv

# The BI extra (requirements/bi.txt): the Tableau Hyper extract of make publish, and MetricFlow for the semantic layer.
install-bi: $(BIN)/.bi-installed ## Add the BI extra's pinned dependencies to .venv (Tableau Hyper, MetricFlow)

# The demo extracts make build needs: kept when RAW_DATA_PATH holds this plan already (its demo_plan.json),
# regenerated when it holds another size, refused when it holds extracts that are not demo data.
demo-data-current: $(BIN)/.installed
	$(BIN)/python -m segmentation_tools.demo_data --members $(MEMBERS) --out $(RAW_DATA_PATH) --as-of-date $(AS_OF_DATE) --format $(RAW_FORMAT) --reuse

demo-data: $(BIN)/.installed ## (Re)generate the demo extracts (MEMBERS=500000)
	$(BIN)/python -m segmentation_tools.demo_data --members $(MEMBERS) --out $(RAW_DATA_PATH) --as-of-date $(AS_OF_DATE) --format $(RAW_FORMAT)

dbt-build: $(BIN)/.installed ## Production dbt build (every model and data test; unit tests run in make test) on RAW_DATA_PATH
	mkdir -p -m 700 $(dir $(WAREHOUSE)) && chmod 700 $(dir $(WAREHOUSE))
	vars=$(PLAN_VARS) && DBT_DUCKDB_PATH=$(WAREHOUSE) $(BIN)/python -m segmentation_tools.build_runner --vars "$$vars"

# The demo writes its own warehouse (DEMO_WAREHOUSE), never the one a build on a plan's extracts defaults to.
build: WAREHOUSE = $(or $(DBT_DUCKDB_PATH),$(DEMO_WAREHOUSE))
build: $(BIN)/.installed demo-data-current dbt-build ## Install, generate the demo data (again if MEMBERS changed), dbt build into DEMO_WAREHOUSE

# The first snapshot is always refit (there is no earlier model to score with); the later ones use REFRESH_MODE.
refresh-demo: $(BIN)/.installed ## 3 monthly snapshots of one plan (REFRESH_MEMBERS=100000) built in order into REFRESH_WAREHOUSE
	rm -rf "$(REFRESH_DATA_PATH)" "$(REFRESH_WAREHOUSE)"
	$(BIN)/python -m segmentation_tools.demo_data --members $(REFRESH_MEMBERS) --out "$(REFRESH_DATA_PATH)" --as-of-date $(AS_OF_DATE) \
		--snapshots $(REFRESH_SNAPSHOTS) --shift-share $(REFRESH_SHIFT_SHARE)
	mkdir -p -m 700 "$(dir $(REFRESH_WAREHOUSE))"
	umask 077; mode=refit; for snapshot in "$(REFRESH_DATA_PATH)"/*/; do \
		as_of=$$(basename "$$snapshot"); \
		echo "== dbt build as of $$as_of, refresh_mode $$mode"; \
		vars="$$(RAW_DATA_PATH="$${snapshot%/}" AS_OF_DATE="$$as_of" DBT_VARS="{refresh_mode: $$mode}" \
			$(BIN)/python -m segmentation_tools.build_runner.plan_vars)" && \
		DBT_DUCKDB_PATH="$(REFRESH_WAREHOUSE)" $(BIN)/python -m segmentation_tools.build_runner --vars "$$vars" || exit $$?; \
		mode=$(REFRESH_MODE); \
	done
	REFRESH_WAREHOUSE="$(REFRESH_WAREHOUSE)" $(BIN)/python -c "import duckdb, os; print(duckdb.connect(os.environ['REFRESH_WAREHOUSE'], read_only=True).sql('$(REFRESH_SUMMARY_SQL)').df().to_string(index=False))"

report: $(BIN)/.installed ## Render target/segment_report.html (one static file) from the built warehouse
	$(BIN)/python -m segmentation_tools.report --database $(WAREHOUSE) --out target/segment_report.html

# Published marts (meta publish: true) of the build's as-of date: PUBLISH_DIR/<as_of_date>/, Hyper with the bi extra.
publish: $(BIN)/.installed ## After a build: Parquet, Hyper (bi extra) and a manifest in PUBLISH_DIR/<as_of_date>/ (PUBLISH_PHI=1: member lists too)
	$(BIN)/python -m segmentation_tools.publish --warehouse $(WAREHOUSE) --out $(PUBLISH_DIR) $(if $(filter 1,$(PUBLISH_PHI)),--include-phi)

# The month's send list for the campaign tool (docs/OUTREACH_LIFT.md#the-send-list): PHI, in its own folder.
SEND_LIST_DIR ?= send_lists
publish-send-list: $(BIN)/.installed ## After a build: outreach_send_list as Parquet and CSV in SEND_LIST_DIR/<as_of_date>/
	$(BIN)/python -m segmentation_tools.publish --warehouse $(WAREHOUSE) --out $(SEND_LIST_DIR) --include-phi \
		--mart outreach_send_list --csv --no-hyper

docs: $(BIN)/.installed ## dbt docs generate: target/static_index.html, one file that opens from disk (after a build)
	vars=$(PLAN_VARS) && umask 077 && DBT_DUCKDB_PATH=$(WAREHOUSE) $(BIN)/dbt docs generate --static --vars "$$vars"

choose-k: $(BIN)/.installed ## Evidence for k = 2..8 after a build: table + PNG beside WAREHOUSE (SEGMENTATION_QUESTION=...)
	$(BIN)/python -m segmentation_tools.choose_k --warehouse $(WAREHOUSE) $(if $(SEGMENTATION_QUESTION),--question $(SEGMENTATION_QUESTION))

test: lint ## Lint, then pytest: unit, end-to-end, bad-input and project tests (all but spark/, bi/, orchestration/)
	$(BIN)/python -m pytest --ignore=python/tests/spark --ignore=python/tests/bi --ignore=python/tests/orchestration

# Fast feedback while editing: lint, then the unit and project tests that need no dbt build (about a minute on
# a quiet 2-core machine; `make test` also runs every end-to-end build).
test-fast: lint ## Lint, then the unit and project tests that need no end-to-end build (about a minute)
	$(BIN)/python -m pytest python/tests/unit python/tests/project -m "not end_to_end" -q

# The orchestration extra: a monthly Dagster schedule of the build (docs/ORCHESTRATION.md), never needed by
# make build or make test (whose tests do not import it).
install-orchestration: $(BIN)/.orchestration-installed ## Add Dagster and dagster-dbt (requirements/orchestration.txt) to .venv

test-orchestration: $(BIN)/.orchestration-installed ## Materialize two monthly partitions of demo snapshots in order with Dagster
	$(BIN)/python -m pytest python/tests/orchestration

test-spark: $(BIN)/.spark-installed ## Build the project on a local Spark session and check every mart equals the DuckDB build's
	$(BIN)/python -m pytest python/tests/spark

test-bi: $(BIN)/.bi-installed ## The Hyper extract read back through the Hyper API, and MetricFlow queries of the semantic layer
	$(BIN)/python -m pytest python/tests/bi

# make bench MEMBERS=500000 ROUNDS=3 [EXTRACTS=/path/to/that/plan]: one size only (MEMBERS given on the command line).
bench: $(BIN)/.installed ## Production build vs floor vs plain pandas at 50k and 500k into docs/BENCHMARKS.md (LARGE=1 adds 5M)
	$(BIN)/python -m segmentation_tools.bench $(if $(filter 1,$(LARGE)),--large) \
		$(if $(filter command line,$(origin MEMBERS)),--sizes $(MEMBERS)) $(if $(ROUNDS),--rounds $(ROUNDS)) \
		$(if $(EXTRACTS),--extracts $(EXTRACTS))

bench-scaling: $(BIN)/.spark-installed ## Time per layer of the build: DuckDB at 50k/500k/5M, Spark at 2.5k/20k/100k members (docs/SCALING.md)
	$(BIN)/python -m segmentation_tools.bench.scaling --engine duckdb
	$(BIN)/python -m segmentation_tools.bench.scaling --engine spark

# dbt-score reads target/manifest.json, which dbt parse writes; its thresholds are in pyproject.toml.
lint: $(BIN)/.installed ## sqlfluff on the SQL, ruff check and format check, dbt-score on the dbt project's metadata
	$(BIN)/sqlfluff lint $(SQL_PATHS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/dbt parse --quiet
	$(BIN)/dbt-score lint

format: $(BIN)/.installed ## Apply sqlfluff's and ruff's fixes and formatting
	$(BIN)/sqlfluff fix $(SQL_PATHS)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock: ## Re-pin requirements/base.txt from requirements/base.in in a scratch venv
	rm -rf /tmp/member-segmentation-lock && $(PYTHON_BOOTSTRAP) -m venv /tmp/member-segmentation-lock
	/tmp/member-segmentation-lock/bin/pip install --quiet --requirement requirements/base.in
	{ echo '# Generated by `make lock` from requirements/base.in: every package pinned so a fresh machine resolves the same set.'; \
	  /tmp/member-segmentation-lock/bin/pip freeze --all --exclude pip; } > requirements/base.txt

lock-spark: lock-extra-spark ## Re-pin requirements/spark.txt: what requirements/spark.in adds to requirements/base.txt
lock-bi: lock-extra-bi ## Re-pin requirements/bi.txt: what requirements/bi.in adds to requirements/base.txt
lock-orchestration: lock-extra-orchestration ## Re-pin requirements/orchestration.txt: what it adds to requirements/base.txt

# One recipe for every extra: requirements/<extra>.txt pins what requirements/<extra>.in adds to base.txt.
lock-extra-%:
	rm -rf /tmp/member-segmentation-lock && $(PYTHON_BOOTSTRAP) -m venv /tmp/member-segmentation-lock
	/tmp/member-segmentation-lock/bin/pip install --quiet --no-deps --requirement requirements/base.txt
	/tmp/member-segmentation-lock/bin/pip freeze | sort > /tmp/member-segmentation-lock/base.txt
	/tmp/member-segmentation-lock/bin/pip install --quiet --requirement requirements/base.txt --requirement requirements/$*.in
	{ echo '# Generated by `make lock-$*`: what requirements/$*.in adds to requirements/base.txt, every package pinned.'; \
	  /tmp/member-segmentation-lock/bin/pip freeze | sort | comm -13 /tmp/member-segmentation-lock/base.txt -; } \
	  > requirements/$*.txt

clean: ## Remove build output (keeps .venv and data)
	rm -rf target logs warehouse
