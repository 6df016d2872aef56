# Service Desk (服务台) — build, test and release.
#
#   make run ARGS=--demo   build and start the app (installs what it needs first)
#   make test              gofmt, go vet, go test -race on SQLite, then the store tests on PostgreSQL (what CI runs)
#   make test-pg           only the store tests, on a throwaway PostgreSQL cluster (scripts/pg-test.sh)
#   make bench             benchmarks
#   make dist              dist/servicedesk-<version>-linux-amd64.tar.xz and dist/servicedesk.exe
#   make check-windows     checks dist/servicedesk.exe (PE32+, system DLLs only, icon, version)
#
# Every target installs its own Debian 12 packages (only the missing ones, with
# sudo when not root) and Go modules, so it works on a fresh machine with Go on PATH.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

GO ?= go
ARGS ?=
TEST_TIMEOUT ?= 25m
DIST := dist

VERSION := $(shell scripts/version.sh)
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo dev)
LDFLAGS := -X servicedesk/app/version.Version=$(VERSION) -X servicedesk/app/version.Commit=$(COMMIT)

APT_BUILD := gcc pkg-config libgl1-mesa-dev xorg-dev libasound2-dev espeak-ng xvfb xauth x11-utils socat zbar-tools \
	poppler-utils imagemagick fonts-droid-fallback
# The store tests also run on PostgreSQL: scripts/pg-test.sh starts a
# throwaway cluster from Debian's server package.
APT_TEST := postgresql
# Packages whose tests run on both engines (each test gets a fresh database).
PG_PACKAGES ?= ./ledger/...
APT_DIST := gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 file xz-utils

# cgo is required (Fyne/GLFW, SQLite); a locale of C makes Fyne complain.
export CGO_ENABLED := 1
LOCALE := if [[ -z "$${LANG:-}" || "$$LANG" == C || "$$LANG" == POSIX ]]; then export LANG=zh_CN.UTF-8; fi

# GUI tests use Fyne's test driver and need no display; anything that opens a
# real window gets a throwaway X server.
HEADLESS := if [[ -z "$${DISPLAY:-}" ]] && command -v xvfb-run >/dev/null; then \
	headless=(xvfb-run -a -s "-screen 0 1280x1024x24"); else headless=(); fi

.PHONY: help deps test-deps dist-deps run build test test-pg bench dist dist-linux dist-windows check-windows icon clean

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

deps:
	@scripts/go-check.sh
	@scripts/apt-ensure.sh $(APT_BUILD)
	@$(GO) mod download

test-deps: deps
	@scripts/apt-ensure.sh $(APT_TEST)

dist-deps: deps
	@scripts/apt-ensure.sh $(APT_DIST)

run: deps
	@$(LOCALE); $(GO) run -ldflags "$(LDFLAGS)" . $(ARGS)

build: deps
	$(GO) build -ldflags "$(LDFLAGS)" -o servicedesk .

test: test-deps
	@echo "== gofmt"; bad=$$(gofmt -l .); if [[ -n "$$bad" ]]; then \
		echo "gofmt: these files need formatting (run gofmt -w):"; echo "$$bad"; exit 1; fi
	@echo "== go vet"; $(GO) vet ./...
	@echo "== go test -race (SQLite)"; $(LOCALE); $(HEADLESS); \
		SERVICEDESK_TEST_ENGINE=sqlite "$${headless[@]}" $(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) ./...
	@$(MAKE) --no-print-directory test-pg

# SERVICEDESK_TEST_ENGINE=postgres is the guard: without a server the store
# tests fail instead of skipping.
test-pg: test-deps
	@echo "== go test -race (PostgreSQL): $(PG_PACKAGES)"; $(LOCALE); \
		scripts/pg-test.sh env SERVICEDESK_TEST_ENGINE=postgres \
		$(GO) test -race -count=1 -p 1 -timeout $(TEST_TIMEOUT) $(PG_PACKAGES)

bench: test-deps
	@$(LOCALE); $(HEADLESS); SERVICEDESK_TEST_ENGINE=sqlite "$${headless[@]}" $(GO) test -run '^$$' -bench . -benchmem ./...
	@echo "== store benchmarks on PostgreSQL"; $(LOCALE); scripts/pg-test.sh env SERVICEDESK_TEST_ENGINE=postgres \
		$(GO) test -run '^$$' -bench . -benchmem $(PG_PACKAGES)

dist: dist-linux dist-windows
	@ls -l $(DIST)/*.tar.xz $(DIST)/servicedesk.exe

dist-linux: dist-deps
	@mkdir -p $(DIST)
	scripts/package-linux.sh "$(VERSION)" "$(COMMIT)" $(DIST)

dist-windows: dist-deps
	@mkdir -p $(DIST)
	scripts/build-windows.sh "$(VERSION)" "$(COMMIT)" $(DIST)/servicedesk.exe

check-windows: dist-deps
	scripts/check-windows.sh $(DIST)/servicedesk.exe

icon:
	@scripts/apt-ensure.sh imagemagick fonts-droid-fallback
	scripts/make-icon.sh

clean:
	rm -rf $(DIST) servicedesk rsrc_windows_amd64.syso
