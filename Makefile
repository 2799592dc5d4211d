# orgapis build targets. `make check` is what CI runs (.ci/run). Nothing here rewrites
# a committed file except `generate` and `recordings`, which exist to do so.
GO ?= go
SPECS := specs/apollo.yaml specs/affinity.yaml
# Each generated client: package directory under generated/ and the spec it comes from.
CLIENTS := apolloapi:apollo affinityapi:affinity
OAPI_CODEGEN := $(GO) run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck

.PHONY: all generate check-generated recordings check-recordings lint-specs fmt-check vet \
	staticcheck tidy-check test fuzz check bench mutate

all: check

## generate: regenerate the typed clients in generated/ from specs/
generate:
	$(GO) generate ./...

## check-generated: regenerate into a temporary directory and fail if that differs
## from the committed clients; the tree is never touched
check-generated:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && stale=0 && \
	for c in $(CLIENTS); do pkg=$${c%%:*}; api=$${c##*:}; \
		$(OAPI_CODEGEN) -config generated/$$pkg/config.yaml -o "$$tmp/$$pkg.gen.go" specs/$$api.yaml || exit 1; \
		if ! cmp -s "$$tmp/$$pkg.gen.go" generated/$$pkg/$$pkg.gen.go; then \
			echo "generated/$$pkg/$$pkg.gen.go is stale: run 'make generate' and commit it"; stale=1; fi; \
	done; \
	[ $$stale = 0 ] && echo "generated code is up to date ($(words $(CLIENTS)) clients compared)"

## recordings: rewrite the sample recordings in testdata/recordings
recordings:
	$(GO) run ./internal/tools/mkrecordings -dir testdata/recordings

## check-recordings: fail when the shipped recordings are not what their generator writes
check-recordings:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(GO) run ./internal/tools/mkrecordings -dir "$$tmp" >/dev/null && \
	n=$$(ls "$$tmp" | wc -l) && [ "$$n" -gt 0 ] || { echo "mkrecordings wrote nothing"; exit 1; }; \
	diff -r "$$tmp" testdata/recordings >/dev/null || { echo "testdata/recordings is stale: run 'make recordings' and commit it"; exit 1; }; \
	echo "shipped recordings are up to date ($$n files compared)"

## lint-specs: validate both specs with kin-openapi and the project's own rules
lint-specs:
	$(GO) run ./internal/tools/speclint $(SPECS)

## fmt-check: fail on any file gofmt would change
fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## staticcheck: the version pinned in go.mod through tools.go
staticcheck:
	$(STATICCHECK) ./...

## tidy-check: fail when go.mod or go.sum are not tidy (prints the diff, changes nothing)
tidy-check:
	$(GO) mod tidy -diff

## test: every test, with the race detector
test:
	$(GO) test -race ./...

## fuzz: run the recording readers' fuzz tests and the JSON decoder's differential one briefly (FUZZTIME each)
FUZZTIME ?= 10s
fuzz:
	@for f in FuzzReadHAR FuzzReadVCR FuzzReadLines FuzzDecodeJSON; do \
		$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 50x ./contract || exit 1; \
	done

## mutate: mutation testing of every hand-written package (generated code and test
## helpers left out), with efficacy and mutant coverage per package. Takes long; not
## part of check. GREMLINS pins the version.
GREMLINS ?= $(GO) run github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
MUTATE_EXCLUDE ?= (affinitytest|apollotest)/
MUTATE_PKGS ?= ./internal/httpcore ./internal/redact ./internal/speclint ./contract ./wrappers/affinity ./wrappers/apollo ./cmd/validate
mutate:
	@for p in $(MUTATE_PKGS); do \
		echo "== $$p"; \
		GOFLAGS=-count=1 $(GREMLINS) unleash --workers 2 --timeout-coefficient 3 --output-statuses ltn -E '$(MUTATE_EXCLUDE)' $$p 2>&1 | \
			grep -E "^(Killed|Timed out|Test efficacy|Mutator coverage)|LIVED|NOT COVERED" || exit 1; \
	done

## bench: the benchmarks whose figures BENCHMARKS.md reports
bench:
	$(GO) test -run '^$$' -bench . -benchtime 5x ./...

check: fmt-check vet tidy-check staticcheck lint-specs check-generated check-recordings test fuzz
