# frontdoor: common tasks. `make test` is what CI runs (.ci/run).
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
BIN      := bin/frontdoor

.PHONY: build test unit vet demo bench fuzz up down clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/frontdoor

## test: start the real servers (testenv/up.sh), then vet and run every test with the race detector.
test:
	testenv/up.sh
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 30m ./...

## unit: the tests without starting servers (integration tests skip, except in CI).
unit:
	$(GO) test -race ./...

vet:
	gofmt -l . | (! grep .) || (echo "gofmt needed on the files above"; exit 1)
	$(GO) vet ./...

## demo: frontdoor in front of a real SimpleSAMLphp sign-in page and OpenLDAP, with mail in mailpit.
demo: build
	testenv/demo.sh

bench:
	$(GO) test -run XXX -bench . -benchmem -count 6 ./proxy/ ./policy/... ./store/...

fuzz:
	$(GO) test -run XXX -fuzz FuzzInjector -fuzztime 60s ./proxy/
	$(GO) test -run XXX -fuzz FuzzValidate -fuzztime 60s ./returnto/
	$(GO) test -run XXX -fuzz FuzzLoginFilter -fuzztime 60s ./idp/ldap/

up:
	testenv/up.sh

down:
	testenv/down.sh

clean:
	rm -rf bin
