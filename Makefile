# Spry's build. Two targets do all set-up on a fresh machine:
#   make demo   builds the binary and runs the demo jobs (no external server)
#   make test   installs what the tests need and runs every test
# Both are idempotent and say what they do.

GO      ?= go
BIN     := bin/spry
VENV    := .venv
PY      := $(VENV)/bin/python
FUZZTIME ?= 10s

.PHONY: all build demo test vet fmt-check doc-check unit fuzz crosscheck pytest venv docs bench fuzz-long clean

all: build

build:
	@echo "==> building $(BIN)"
	@mkdir -p bin
	$(GO) build -o $(BIN) ./cmd/spry

demo: build
	@echo "==> running the demo jobs (examples/demo.sql) on the embedded runtime"
	@rm -rf /tmp/spry-demo && mkdir -p /tmp/spry-demo && cp examples/data/words.csv examples/data/clicks.csv /tmp/spry-demo/
	./$(BIN) sql -f examples/demo.sql
	@echo "==> the notebook job's CSV sink wrote:"
	@cat /tmp/spry-demo/notebook_out/* 2>/dev/null || cat /tmp/spry-demo/notebook_out

venv: $(VENV)/.installed

$(VENV)/.installed: python/requirements-dev.txt
	@echo "==> creating the Python virtualenv $(VENV) (pinned: python/requirements-dev.txt)"
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r python/requirements-dev.txt
	@touch $@

vet:
	@echo "==> go vet"
	$(GO) vet ./...

fmt-check:
	@echo "==> gofmt"
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

doc-check:
	@echo "==> package doc comments"
	@scripts/doccheck.sh

# go test ./chaos is the short chaos run (500 k bids, >= 5 SIGKILLs) against
# the binary just built.
unit: build
	@echo "==> go test ./..."
	SPRY_CHAOS_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -timeout 20m ./...

fuzz:
	@echo "==> fuzzing each parser and decoder for $(FUZZTIME)"
	@scripts/fuzz.sh $(FUZZTIME)

fuzz-long:
	@scripts/fuzz.sh 10m

crosscheck: venv build
	@echo "==> cross-checking the standard-SQL golden queries against DuckDB"
	$(PY) scripts/crosscheck_duckdb.py --spry ./$(BIN) testdata/slt

# The Python API's tests run the package from python/src against bin/spry.
pytest: venv build
	@echo "==> pytest python/tests (the spry Python package against $(BIN))"
	SPRY_HOME=$(CURDIR) PYTHONPATH=$(CURDIR)/python/src $(PY) -m pytest -q python/tests

# The Go tests and the Python tests talk to real Kafka, MariaDB and
# PostgreSQL servers, which scripts/with_services.sh installs, starts on
# 127.0.0.1 and stops afterwards (see scripts/services.sh; the README says
# how to point the tests at other servers).
test: venv build vet fmt-check doc-check
	@scripts/with_services.sh $(MAKE) --no-print-directory unit fuzz crosscheck pytest
	@echo "==> all tests passed"

docs:
	@echo "==> regenerating docs/functions.md and docs/connectors/*.md"
	$(GO) test ./expr/functions/ -run TestFunctionsDoc -update
	$(GO) test ./connector/ -run TestConnectorDocs -update

bench: build venv
	@echo "==> benchmarks (see bench/README.md)"
	$(GO) test -run '^$$' -bench . -benchtime 1x ./kernel/ ./expr/... ./runtime/... ./format/...

clean:
	rm -rf bin $(VENV)

# Servers for the integration tests (Kafka, MariaDB, PostgreSQL on
# 127.0.0.1, data under .services/); see scripts/services.sh.
.PHONY: services-up services-down
services-up:
	@echo "==> starting the test servers (scripts/services.sh up)"
	scripts/services.sh up

services-down:
	@echo "==> stopping the test servers (scripts/services.sh down)"
	scripts/services.sh down

# The long chaos run of the exactly-once guarantee (issue 6): 2 M bids,
# 20 SIGKILLs, Kafka and MariaDB sinks; ends with kills=N lost=L
# duplicated=D per sink (scripts/chaos.sh; go test ./chaos is the short one).
.PHONY: chaos
chaos:
	@echo "==> chaos run: scripts/chaos.sh --kills 20"
	scripts/chaos.sh --kills 20
