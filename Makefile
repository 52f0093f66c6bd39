# Wakegate build, test and run targets. `make help` lists them.
GO       ?= go
BIN      ?= bin
PREFIX   ?= /usr/local

.PHONY: help build run test test-deps vet proto fixtures fixtures-check bench bench-wakeword bench-heldout models clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

build: ## build bin/wakegate and bin/wakegate-server for this machine
	$(GO) build -o $(BIN)/wakegate ./cmd/wakegate
	$(GO) build -o $(BIN)/wakegate-server ./cmd/wakegate-server

run: build ## the demo: the agent and the reference service on loopback, replaying a scene in real time
	$(BIN)/wakegate demo

test-deps: ## install what the tests need (espeak-ng) if missing
	scripts/install-test-deps.sh

test: test-deps ## run every test: gofmt, vet, the race detector, the full training checks, fixture reproducibility, arm ledgers under qemu
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...
	$(GO) test -count=1 ./wakeword/train/  # the training checks the race run skips: they need full runs
	$(GO) test -count=1 -tags purego ./internal/vec/ ./wakeword/train/  # the portable loops the arm builds use in place of the amd64 kernels
	ARCHES="arm64 armv7" scripts/qemu-replay-test.sh

proto: ## regenerate the gRPC code from proto/ (needs protoc)
	proto/gen.sh

fixtures: build ## regenerate testdata/ (espeak-ng scenes, enrollment examples, the computer template)
	scripts/make-fixtures.sh
	$(BIN)/wakegate enroll --word computer --out testdata/computer.wgt testdata/enroll/computer-1.wav testdata/enroll/computer-2.wav testdata/enroll/computer-3.wav testdata/enroll/computer-4.wav

fixtures-check: ## check that testdata/ is exactly what `make fixtures` writes
	scripts/make-fixtures.sh --check

bench: ## hot-path benchmarks (see BENCHMARKS.md)
	scripts/bench.sh

bench-wakeword: ## wake-word accuracy and CPU against Porcupine and openWakeWord (builds the dev corpus; ~30 min)
	bench/run-bench.sh

bench-heldout: ## alexa on speakers it never trained on: trains a model holding out 30 % of the sessions, scores it (~45 min)
	bench/heldout-check.sh

models: ## retrain models/alexa.wgm and models/computer.wgm from scratch (builds the corpora; on 2 cores alexa ~48 min, computer ~26 min)
	bench/train-models.sh

clean: ## remove build output
	rm -rf $(BIN) demo-data

# Raspberry Pi targets: install, pi (arm64/armv7 cross builds), pi-test (qemu), unit-verify.
include mk/pi.mk
