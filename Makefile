# frontdoor: common tasks. `make test` is what CI runs (.ci/run).
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
BIN      := bin/frontdoor

.PHONY: build test unit vet demo screenshots bench bench-proxy loadreset fuzz up down clean prompts

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/frontdoor

## test: start the real servers (testenv/up.sh), then vet and run every test with the race detector.
test: vet
	testenv/up.sh
	$(GO) test -race -count=1 -timeout 30m ./...

## unit: the tests without starting servers (integration tests skip, except in CI).
unit:
	$(GO) test -race ./...

## vet: gofmt and go vet.
vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt needed on the files above"; exit 1)
	$(GO) vet ./...

## demo: frontdoor in front of a real SimpleSAMLphp sign-in page and OpenLDAP, with mail in mailpit.
demo:
	@echo "demo [0/5] building bin/frontdoor"
	@$(MAKE) --no-print-directory build
	testenv/demo.sh

## screenshots: every page at 1280 and 360 px into docs/screenshots, from the browser test
## TestBrowserPagesAtEveryWidth (headless Chromium from testenv).
screenshots:
	testenv/up.sh slapd simplesamlphp mailpit chromium
	FRONTDOOR_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run TestBrowserPagesAtEveryWidth ./server/

bench:
	$(GO) test -run XXX -bench . -benchmem -count 6 ./proxy/ ./policy/... ./store/...

## bench-proxy: frontdoor against a bare httputil.ReverseProxy, nginx (with and without
## sub_filter) and oauth2-proxy, driven by wrk on loopback (needs nginx and wrk: apt-get
## install nginx-light wrk). Prints the table of docs/benchmarks.md.
bench-proxy: build
	CGO_ENABLED=0 $(GO) build -o bin/proxybench ./bench/proxybench
	$(GO) -C bench/tools build -o ../../bin/oauth2-proxy github.com/oauth2-proxy/oauth2-proxy/v7
	bin/proxybench run -frontdoor bin/frontdoor -oauth2-proxy bin/oauth2-proxy $(BENCHFLAGS)

## loadreset: whole email-code resets under load against the testenv slapd, with SQLite,
## then PostgreSQL behind two replicas, then 1,000 flows in flight (docs/benchmarks.md).
loadreset: build
	$(GO) build -o bin/loadreset ./bench/loadreset
	testenv/up.sh slapd postgres
	eval "$$(testenv/env.sh)" && \
	bin/loadreset -vus 300 -d 20s && \
	bin/loadreset -store postgres -replicas 2 -vus 300 -d 20s && \
	bin/loadreset -vus 1000 -accounts-per-vu 1 -think 2s -d 20s

## fuzz: every fuzz target the code has, FUZZTIME each (default 30s).
FUZZTIME ?= 30s
fuzz:
	@set -e; for f in $$(git ls-files '*_test.go' | xargs grep -l '^func Fuzz'); do \
		for t in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
			echo "== $$t in ./$$(dirname $$f)"; \
			$(GO) test -run XXX -fuzz "^$$t$$" -fuzztime $(FUZZTIME) ./$$(dirname $$f)/; \
		done; \
	done

up:
	testenv/up.sh

down:
	testenv/down.sh

clean:
	rm -rf bin

# prompts synthesises the phone-call prompts from the catalogues (needs
# espeak-ng); the results are committed, so a build needs no synthesiser.
prompts:
	go generate ./notify/call
