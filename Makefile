# orgapis build targets. `make check` is what CI runs (.ci/run).
GO ?= go
SPECS := specs/apollo.yaml specs/affinity.yaml
GENERATED := generated/apolloapi/apolloapi.gen.go generated/affinityapi/affinityapi.gen.go

.PHONY: all generate check-generated lint-specs fmt-check vet test fuzz check bench

all: check

## generate: regenerate the typed clients in generated/ from specs/
generate:
	$(GO) generate ./...

## check-generated: fail when regenerating would change the committed clients
check-generated:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	for f in $(GENERATED); do mkdir -p "$$tmp/$$(dirname $$f)" && cp "$$f" "$$tmp/$$f"; done && \
	$(GO) generate ./generated/... && \
	for f in $(GENERATED); do \
		diff -u "$$tmp/$$f" "$$f" >/dev/null || { echo "$$f is stale: run 'make generate' and commit it"; exit 1; }; \
	done && echo "generated code is up to date"

## lint-specs: validate both specs with kin-openapi and the project's own rules
lint-specs:
	$(GO) run ./internal/tools/speclint $(SPECS)

## fmt-check: fail on any file gofmt would change
fmt-check:
	@out=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## test: every test, with the race detector
test:
	$(GO) test -race ./...

## fuzz: run each recording reader's fuzz test briefly (FUZZTIME each)
FUZZTIME ?= 10s
fuzz:
	@for f in FuzzReadHAR FuzzReadVCR FuzzReadLines; do \
		$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 50x ./contract || exit 1; \
	done

## bench: the benchmarks whose figures BENCHMARKS.md reports
bench:
	$(GO) test -run '^$$' -bench . -benchtime 5x ./...

check: fmt-check vet lint-specs check-generated test fuzz
