# orgapis build targets. `make check` is what CI runs (.ci/run). Nothing here rewrites
# a committed file except `generate` and `recordings`, which exist to do so.
GO ?= go
SPECS := specs/apollo.yaml specs/affinity.yaml
# Each generated client: package directory under generated/ and the spec it comes from.
CLIENTS := apolloapi:apollo affinityapi:affinity
OAPI_CODEGEN := $(GO) run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck

.PHONY: all generate check-generated recordings check-recordings lint-specs lint-oas check-typescript check-ogen breaking fmt-check vet \
	staticcheck tidy-check gates test fuzz check bench mutate

all: check

## generate: regenerate the typed clients in generated/ from specs/
generate:
	$(GO) generate ./...

## check-generated: regenerate into a temporary directory and fail if that differs
## from the committed clients; the tree is never touched
check-generated:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && stale=0 && \
	for c in $(CLIENTS); do pkg=$${c%%:*}; api=$${c##*:}; \
		$(OAPI_CODEGEN) -config specs/oapi-codegen.yaml -package $$pkg -o "$$tmp/$$pkg.gen.go" specs/$$api.yaml || exit 1; \
		if ! cmp -s "$$tmp/$$pkg.gen.go" generated/$$pkg/$$pkg.gen.go; then \
			echo "generated/$$pkg/$$pkg.gen.go is stale: run 'make generate' and commit it"; stale=1; fi; \
	done; \
	for f in wrappers/*/records.go; do args=$$(sed -n 's#^//go:generate go run ../../tools/records ##p' $$f); \
		[ -n "$$args" ] || { echo "$$f: no records line"; exit 1; }; \
		(cd $$(dirname $$f) && $(GO) run ../../tools/records -check $$args) || stale=1; \
	done; \
	[ $$stale = 0 ] && echo "generated code is up to date ($(words $(CLIENTS)) clients and their wrappers' records compared)"

## recordings: rewrite the sample recordings in testdata/recordings
recordings:
	$(GO) run ./tools/mkrecordings -dir testdata/recordings

## check-recordings: fail when the shipped recordings are not what their generator writes
check-recordings:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(GO) run ./tools/mkrecordings -dir "$$tmp" >/dev/null && \
	n=$$(ls "$$tmp" | wc -l) && [ "$$n" -gt 0 ] || { echo "mkrecordings wrote nothing"; exit 1; }; \
	diff -r "$$tmp" testdata/recordings >/dev/null || { echo "testdata/recordings is stale: run 'make recordings' and commit it"; exit 1; }; \
	echo "shipped recordings are up to date ($$n files compared)"

## lint-specs: validate both specs with kin-openapi and the project's own rules
lint-specs:
	$(GO) run ./tools/speclint $(SPECS)

## lint-oas: lint both specs with the linters their users run, Spectral (spectral:oas,
## .spectral.yaml) and Redocly CLI (recommended, redocly.yaml), failing on any warning.
## Both are pinned and installed from npm into NPM_TOOLS, outside the tree, on first use.
SPECTRAL_VERSION := 6.15.0
REDOCLY_VERSION := 1.34.5
OPENAPI_TS_VERSION := 7.8.0
TYPESCRIPT_VERSION := 5.8.3
NPM_TOOLS ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/orgapis/npm-tools
NPM_STAMP := $(NPM_TOOLS)/.installed-spectral-$(SPECTRAL_VERSION)-redocly-$(REDOCLY_VERSION)-ots-$(OPENAPI_TS_VERSION)-tsc-$(TYPESCRIPT_VERSION)
$(NPM_STAMP):
	@mkdir -p $(NPM_TOOLS) && \
	npm install --prefix $(NPM_TOOLS) --no-audit --no-fund --loglevel=error --save-exact \
		@stoplight/spectral-cli@$(SPECTRAL_VERSION) @redocly/cli@$(REDOCLY_VERSION) \
		openapi-typescript@$(OPENAPI_TS_VERSION) typescript@$(TYPESCRIPT_VERSION) >/dev/null && touch $@
lint-oas: $(NPM_STAMP)
	$(NPM_TOOLS)/node_modules/.bin/spectral lint --fail-severity=warn --ruleset .spectral.yaml $(SPECS)
	@$(NPM_TOOLS)/node_modules/.bin/redocly lint --format=json $(SPECS) 2>/dev/null | $(GO) run ./tools/lintreport

## breaking: fail on a breaking change of either spec since the last release (the newest
## v* tag; before the first, each spec's first version) that specs/breaking-changes.txt
## does not name, with the checks specs/breaking-levels.txt raises to errors (what
## generated Go code feels: a response member or enum value removed, a narrowed type);
## oasdiff is pinned and installed into TOOLS_BIN on first use. Each run also proves the
## gate can fail (an optional response member removed must be caught), and the gate's
## tests run the same oasdiff on planted specs, each such change and its harmless twin.
OASDIFF_VERSION := v1.37.0
TOOLS_BIN ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/orgapis/bin
OASDIFF := $(TOOLS_BIN)/oasdiff-$(OASDIFF_VERSION)
$(OASDIFF):
	@mkdir -p $(TOOLS_BIN) && tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	GOBIN="$$tmp" GOFLAGS=-buildvcs=false $(GO) install github.com/oasdiff/oasdiff@$(OASDIFF_VERSION) && mv "$$tmp/oasdiff" $@
breaking: $(OASDIFF)
	ORGAPIS_OASDIFF=$(OASDIFF) $(GO) test -count=1 ./tools/breaking
	$(GO) run ./tools/breaking -oasdiff $(OASDIFF) -levels specs/breaking-levels.txt -allowed specs/breaking-changes.txt $(SPECS)

## check-typescript: generate TypeScript types of both specs with openapi-typescript
## (pinned, from npm like lint-oas), fail when an operation is missing from them, and
## type-check them with tsc --strict, in a temporary directory.
check-typescript: $(NPM_STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	for spec in $(SPECS); do out="$$tmp/$$(basename $$spec .yaml).ts"; \
		$(NPM_TOOLS)/node_modules/.bin/openapi-typescript $$spec -o "$$out" >/dev/null 2>&1 || { echo "openapi-typescript failed on $$spec"; exit 1; }; \
		n=0; for op in $$(sed -n 's/^ *operationId: *//p' $$spec); do n=$$((n+1)); \
			grep -q "^    $$op: {" "$$out" || { echo "$$spec: $$op is missing from the TypeScript"; exit 1; }; done; \
		[ $$n -gt 0 ] || { echo "$$spec: no operation found"; exit 1; }; \
		echo "$$spec: $$n operations in TypeScript"; done && \
	$(NPM_TOOLS)/node_modules/.bin/tsc --strict --noEmit "$$tmp"/*.ts && echo "tsc --strict: no errors"

## check-ogen: generate both specs with ogen (pinned with its dependencies in
## tools/ogen/go.mod, a module of its own) in a temporary copy of that module, fail on
## an error, a skipped operation or media, an operation missing from the output, or no
## operation at all, and build what it wrote; the tree is never touched.
check-ogen:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	cp tools/ogen/go.mod tools/ogen/go.sum "$$tmp"/ && \
	for spec in $(SPECS); do api=$$(basename $$spec .yaml); log="$$tmp/$$api.log"; \
		(cd "$$tmp" && $(GO) run github.com/ogen-go/ogen/cmd/ogen --target "$$tmp/$$api" --package $${api}ogen --clean "$(CURDIR)/$$spec") >"$$log" 2>&1 || \
			{ cat "$$log"; echo "ogen failed on $$spec"; exit 1; }; \
		if grep -i 'skipping' "$$log"; then echo "ogen skipped part of $$spec"; exit 1; fi; \
		n=0; for op in $$(sed -n 's/^ *operationId: *//p' $$spec); do n=$$((n+1)); \
			grep -qi "OperationName = \"$$op\"" "$$tmp/$$api/oas_operations_gen.go" || { echo "$$spec: $$op is missing from ogen's output"; exit 1; }; done; \
		[ $$n -gt 0 ] || { echo "$$spec: no operation found"; exit 1; }; \
		echo "$$spec: $$n operations generated by ogen"; done && \
	(cd "$$tmp" && $(GO) build ./...) && echo "ogen's output builds"

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

## gates: fail on anything that goes around a gate (internal/gates): an HTTP client or
## transport outside internal/httpcore, an error made from a server's answer outside the
## scrubbing constructor, a YAML, OpenAPI or overlay document (or JSON in a package that
## reads files) read outside internal/docread, the bounded reader; each rule is also proven on a planted violation. `test` runs
## it as well; its own target names the failure first.
gates:
	$(GO) test -count=1 ./internal/gates

## test: every test, with the race detector. The command's package takes about five
## minutes under the race detector on an idle 2-core machine and twice that on a busy
## one, past go test's default 10-minute timeout: the timeout is raised, not the tests
## trimmed. ORGAPIS_REQUIRE_CLIENT_SCRIPTS=1 makes validate proxy's client-script test
## (a Python requests script and a Node fetch script) fail, not skip, when python3 with
## requests or node is missing: CI must run them. The Python is the machine's python3
## when it has requests, else Debian's /usr/bin/python3 with python3-requests, pinned
## and installed on first use (PyPI is out of reach here).
PYTHON_REQUESTS_DEB := 2.28.1+dfsg-1
test:
	@py=python3; if ! python3 -c 'import requests' 2>/dev/null; then py=/usr/bin/python3; \
		$$py -c 'import requests' 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-requests=$(PYTHON_REQUESTS_DEB) >/dev/null; } || exit 1; fi; \
	echo "client scripts run with $$py"; \
	ORGAPIS_PYTHON=$$py ORGAPIS_REQUIRE_CLIENT_SCRIPTS=1 $(GO) test -race -timeout 30m ./...

## fuzz: run the recording readers' fuzz tests and the differential ones (HAR entries, parallel HAR reading, JSON lines, JSON decoder, byte walk) briefly (FUZZTIME each)
## FUZZTIME counts inputs, not seconds: Go 1.26's fuzzer fails a target whose worker is
## mid-input when a time budget runs out ("context deadline exceeded", no failing
## input; golang/go#75804, fixed in Go 1.27), which a loaded CI machine hits; a count
## has no deadline to race. 20000 inputs take 2 to 30 s a target on two cores.
FUZZTIME ?= 20000x
fuzz:
	@for f in FuzzReadHAR FuzzParallelHARMatchesSequential FuzzReadVCR FuzzReadLines FuzzHAREntry FuzzLineEntry FuzzDecodeJSON FuzzValidBytes FuzzWriteJSONString; do \
		$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 50x ./contract || exit 1; \
	done

## mutate: mutation testing of every hand-written package (generated code and test
## helpers, such as the shipped fakes, left out), with efficacy and mutant coverage per
## package and over all of them; fails below MUTATE_MIN_EFFICACY or MUTATE_MIN_COVERAGE.
## Takes long; not part of check. GREMLINS pins the version.
GREMLINS ?= $(GO) run github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
MUTATE_EXCLUDE ?= (affinitytest|apollotest)/
MUTATE_PKGS ?= ./internal/httpcore ./internal/redact ./tools/speclint ./contract ./wrappers/affinity ./wrappers/apollo ./cmd/validate/internal/cli
MUTATE_MIN_EFFICACY ?= 90
MUTATE_MIN_COVERAGE ?= 80
MUTATE_LOG ?= $(or $(TMPDIR),/tmp)/orgapis-mutate.log
mutate:
	@: > $(MUTATE_LOG); for p in $(MUTATE_PKGS); do \
		echo "== $$p" | tee -a $(MUTATE_LOG); \
		GOFLAGS=-count=1 $(GREMLINS) unleash --workers 2 --timeout-coefficient 10 --output-statuses ltn -E '$(MUTATE_EXCLUDE)' $$p 2>&1 | \
			grep -E "^(Killed|Timed out|Test efficacy|Mutator coverage)|LIVED|NOT COVERED|TIMED OUT" | tee -a $(MUTATE_LOG); \
	done
	@awk -F'[:,]' '/^Killed:/ { k += $$2; l += $$4; n += $$6; runs++ } \
		END { if (runs != $(words $(MUTATE_PKGS))) { printf "mutate: %d of $(words $(MUTATE_PKGS)) packages reported figures\n", runs; exit 1 } \
			if (k + l == 0) { print "mutate: no mutant was tested"; exit 1 } \
			e = 100 * k / (k + l); c = 100 * (k + l) / (k + l + n); \
			printf "== all %d packages: %d killed, %d lived, %d not covered: efficacy %.2f%%, mutant coverage %.2f%%\n", runs, k, l, n, e, c; \
			if (e < $(MUTATE_MIN_EFFICACY) || c < $(MUTATE_MIN_COVERAGE)) { print "mutate: below $(MUTATE_MIN_EFFICACY)% efficacy or $(MUTATE_MIN_COVERAGE)% coverage"; exit 1 } }' $(MUTATE_LOG)

## bench: the benchmarks whose figures BENCHMARKS.md reports
bench:
	$(GO) test -run '^$$' -bench . -benchtime 5x ./...

check: fmt-check vet tidy-check staticcheck lint-specs lint-oas check-typescript check-ogen breaking check-generated check-recordings gates test fuzz
