# kbbot: make help lists the targets.
GO      ?= go
BIN     := bin/kbbot
PGDOCS  := /usr/share/doc/postgresql-doc-15/html
SHARED  ?= ../shared

SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.DEFAULT_GOAL := help
.PHONY: help build test run index bench lint check eval eval-pgdocs pgdocs chromium clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build bin/kbbot
	$(GO) build -o $(BIN) ./cmd/kbbot

test: build chromium ## run every test (unit, end-to-end against the Slack emulator, browser, quality gates) and lint the knowledge folder
	$(BIN) check --knowledge knowledge
	$(GO) test -race -count=1 -timeout 20m ./...

run: build ## start the bot: Slack if tokens are configured, otherwise the local playground
	$(BIN) run

index: build ## rebuild the search index from the knowledge folder
	$(BIN) index

check: build ## lint the knowledge folder
	$(BIN) check --knowledge knowledge

bench: build pgdocs ## run the benchmarks (search latency and indexing on the PostgreSQL manual, Slack load)
	$(GO) test -run '^$$' -bench . -benchtime 2s -timeout 30m ./...
	@echo "kbbot index on the PostgreSQL manual (wall time, peak memory):"
	@/usr/bin/time -f "  %e s wall, %M KB peak RSS" $(BIN) index --knowledge $(PGDOCS) --index data/bench-pgdocs >/dev/null

lint: ## go vet, gofmt and staticcheck
	$(GO) vet ./...
	@out=$$(gofmt -l cmd internal); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

eval: build ## quality on the shipped knowledge base and the seed articles
	$(BIN) eval --questions $(SHARED)/eval/kb-dev.jsonl --knowledge knowledge --index data/eval-kb
	$(BIN) eval --questions $(SHARED)/eval/seeds-dev.jsonl --knowledge $(SHARED)/seeds --index data/eval-seeds

chromium: # install Debian's chromium for the browser test if it is missing
	@command -v chromium >/dev/null 2>&1 || [ -n "$$KBBOT_CHROMIUM" ] || { echo "installing Debian's chromium for the browser test"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

pgdocs: # install the PostgreSQL manual if missing
	@test -d $(PGDOCS) || (echo "installing postgresql-doc-15"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-doc-15 time)
	@command -v /usr/bin/time >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time)

eval-pgdocs: build pgdocs ## quality on the PostgreSQL manual (installs postgresql-doc-15 if missing)
	$(BIN) eval --questions $(SHARED)/eval/pgdocs-dev.jsonl --knowledge $(PGDOCS) --index data/eval-pgdocs
	$(BIN) eval --questions $(SHARED)/eval/pgdocs-dev-extra.jsonl --knowledge $(PGDOCS) --index data/eval-pgdocs

clean: ## remove build output and local indexes
	rm -rf bin data
