# kbbot: make help lists the targets.
GO      ?= go
BIN     := bin/kbbot
PGDOCS  := /usr/share/doc/postgresql-doc-15/html
PYDOCS  := /usr/share/doc/python3.11/html
SHARED  ?= ../shared

SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.DEFAULT_GOAL := help
.PHONY: help build test fuzz run index bench lint check eval eval-pgdocs eval-bookindex eval-pydocs eval-xapian pgdocs pydocs xapian chromium postgresql clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build bin/kbbot
	$(GO) build -o $(BIN) ./cmd/kbbot

test: build chromium postgresql ## run every test (unit, end-to-end against the Slack emulator, browser, quality gates), each fuzz target briefly, and lint the knowledge folder
	$(BIN) check --knowledge knowledge
	$(GO) test -race -count=1 -timeout 20m ./...
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME_BRIEF)

# Fuzz targets as package:Target; go test -fuzz takes one target per run.
FUZZ_TARGETS := \
	./internal/knowledge:FuzzParseMarkdown \
	./internal/knowledge:FuzzParseHTML \
	./internal/knowledge:FuzzParseText \
	./internal/search:FuzzAsk \
	./internal/slackbot:FuzzRenderAnswer \
	./internal/playground:FuzzMrkdwn \
	./internal/slackverify:FuzzVerify
FUZZTIME       ?= 60s
FUZZTIME_BRIEF ?= 3s

fuzz: ## run each fuzz target for FUZZTIME (default 60s), one after another; a crash is saved under the package's testdata/fuzz
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$name ($$pkg) for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 10s $$pkg || { echo "FAIL: $$name"; exit 1; }; \
	done

run: build ## start the bot: Slack if tokens are configured, otherwise the local playground
	$(BIN) run

index: build ## rebuild the search index from the knowledge folder
	$(BIN) index

check: build ## lint the knowledge folder
	$(BIN) check --knowledge knowledge

bench: build pgdocs postgresql xapian ## run the benchmarks (search latency and indexing on the PostgreSQL manual, Slack load over Socket Mode and HTTP, knowledge-base scale), and Xapian's search latency for the ratio
	$(GO) test -run '^$$' -bench . -benchtime 2s -timeout 30m $$($(GO) list ./... | grep -v /cmd/kbbot$$)
	$(GO) test -run '^$$' -bench . -benchtime 2s -timeout 30m ./cmd/kbbot -args -scale.svg=$(CURDIR)/cmd/kbbot/testdata/scale.svg
	@mkdir -p data/xapian
	@cat $(SHARED)/eval/pgdocs-dev.jsonl $(SHARED)/eval/pgdocs-dev-extra.jsonl | grep -v '^//' > data/xapian/pg40.jsonl
	@echo "Xapian on the same 40 questions as BenchmarkAskPGDocs (p50_ms is the ratio's denominator):"
	@/usr/bin/python3 $(SHARED)/tools/xapian_eval.py $(PGDOCS) data/xapian/pg40.jsonl
	@echo "kbbot index on the PostgreSQL manual (wall time, peak memory):"
	@/usr/bin/time -f "  %e s wall, %M KB peak RSS" $(BIN) index --knowledge $(PGDOCS) --index data/bench-pgdocs >/dev/null

lint: ## go vet, gofmt and staticcheck
	$(GO) vet ./...
	@out=$$(gofmt -l cmd internal); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

# Question sets: the shared development sets and our own; a pattern that
# matches nothing drops out.
OWN_EVAL    := internal/search/testdata/eval
KB_SETS     := $(wildcard $(SHARED)/eval/kb-dev.jsonl $(OWN_EVAL)/kb-*.jsonl)
SEEDS_SETS  := $(wildcard $(SHARED)/eval/seeds-dev.jsonl $(OWN_EVAL)/seeds-*.jsonl)
PGDOCS_SETS := $(wildcard $(SHARED)/eval/pgdocs-dev.jsonl) $(wildcard $(SHARED)/eval/pgdocs-dev-*.jsonl $(OWN_EVAL)/pgdocs-*.jsonl)
qflags       = $(foreach f,$(1),--questions $(f))

eval: build ## quality on the shipped knowledge base and the seed articles (95% intervals)
	$(if $(KB_SETS),$(BIN) eval $(call qflags,$(KB_SETS)) --knowledge knowledge --index data/eval-kb)
	$(if $(SEEDS_SETS),$(BIN) eval $(call qflags,$(SEEDS_SETS)) --knowledge $(SHARED)/seeds --index data/eval-seeds)

chromium: # install Debian's chromium for the browser test if it is missing
	@command -v chromium >/dev/null 2>&1 || [ -n "$$KBBOT_CHROMIUM" ] || { echo "installing Debian's chromium for the browser test"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

postgresql: # install Debian's PostgreSQL server for the store's tests if it is missing
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ -n "$$KBBOT_TEST_DATABASE_URL" ] || { echo "installing Debian's postgresql for the store tests"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql >/dev/null; }

pgdocs: # install the PostgreSQL manual if missing
	@test -d $(PGDOCS) || (echo "installing postgresql-doc-15"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-doc-15 time)
	@command -v /usr/bin/time >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time)

eval-pgdocs: build pgdocs ## quality on the PostgreSQL manual (installs postgresql-doc-15 if missing)
	$(if $(PGDOCS_SETS),$(BIN) eval $(call qflags,$(PGDOCS_SETS)) --knowledge $(PGDOCS) --index data/eval-pgdocs,@echo "no pgdocs question sets under $(SHARED)/eval or $(OWN_EVAL)")

PYDOCS_SETS := $(wildcard $(OWN_EVAL)/pydoc-*.jsonl)

pydocs: # install the Python 3.11 manual if missing
	@test -d $(PYDOCS) || (echo "installing python3.11-doc"; $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3.11-doc)

eval-pydocs: build pydocs ## quality on the Python 3.11 manual, our frozen second manual (installs python3.11-doc if missing)
	$(BIN) eval $(call qflags,$(PYDOCS_SETS)) --knowledge $(PYDOCS) --index data/eval-pydocs

eval-xapian: build pgdocs pydocs xapian ## Xapian (BM25) on the same manual sets, for the side-by-side table
	@mkdir -p data/xapian
	@for f in $(PGDOCS_SETS); do grep -v '^//' $$f > data/xapian/$$(basename $$f); printf '%s ' $$(basename $$f .jsonl); /usr/bin/python3 $(SHARED)/tools/xapian_eval.py $(PGDOCS) data/xapian/$$(basename $$f); done
	@for f in $(PYDOCS_SETS); do grep -v '^//' $$f > data/xapian/$$(basename $$f); printf '%s ' $$(basename $$f .jsonl); /usr/bin/python3 $(SHARED)/tools/xapian_eval.py $(PYDOCS) data/xapian/$$(basename $$f); done

xapian: # install Debian's Xapian bindings for the side-by-side reference
	@/usr/bin/python3 -c 'import xapian' 2>/dev/null || (echo "installing python3-xapian"; $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-xapian)

eval-bookindex: build pgdocs xapian ## quality on ~3,000 questions derived from the manual's index and glossary, kbbot and Xapian
	@mkdir -p data
	$(BIN) questions bookindex $(PGDOCS) > data/bookindex.jsonl
	$(BIN) questions glossary $(PGDOCS) > data/glossary.jsonl
	$(BIN) eval --questions data/bookindex.jsonl --questions data/glossary.jsonl --knowledge $(PGDOCS) --index data/eval-pgdocs --misses=false
	/usr/bin/python3 $(SHARED)/tools/xapian_eval.py $(PGDOCS) data/bookindex.jsonl
	/usr/bin/python3 $(SHARED)/tools/xapian_eval.py $(PGDOCS) data/glossary.jsonl

clean: ## remove build output and local indexes
	rm -rf bin data
