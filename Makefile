# Service Desk (服务台) — build, test and release.
#
#   make run ARGS=--demo   build and start the app (installs what it needs first)
#   make test              gofmt, go vet, go test -race (what CI runs)
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
TEST_TIMEOUT ?= 15m
DIST := dist

VERSION := $(shell scripts/version.sh)
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo dev)
LDFLAGS := -X servicedesk/app/version.Version=$(VERSION) -X servicedesk/app/version.Commit=$(COMMIT)

APT_BUILD := gcc pkg-config libgl1-mesa-dev xorg-dev xvfb xauth x11-utils socat zbar-tools \
	poppler-utils imagemagick fonts-droid-fallback
APT_DIST := gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 file xz-utils

# cgo is required (Fyne/GLFW, SQLite); a locale of C makes Fyne complain.
export CGO_ENABLED := 1
LOCALE := if [[ -z "$${LANG:-}" || "$$LANG" == C || "$$LANG" == POSIX ]]; then export LANG=zh_CN.UTF-8; fi

# GUI tests use Fyne's test driver and need no display; anything that opens a
# real window gets a throwaway X server.
HEADLESS := if [[ -z "$${DISPLAY:-}" ]] && command -v xvfb-run >/dev/null; then \
	headless=(xvfb-run -a -s "-screen 0 1280x1024x24"); else headless=(); fi

.PHONY: help deps dist-deps run build test bench dist dist-linux dist-windows check-windows icon clean

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

deps:
	@scripts/go-check.sh
	@scripts/apt-ensure.sh $(APT_BUILD)
	@$(GO) mod download

dist-deps: deps
	@scripts/apt-ensure.sh $(APT_DIST)

run: deps
	@$(LOCALE); $(GO) run -ldflags "$(LDFLAGS)" . $(ARGS)

build: deps
	$(GO) build -ldflags "$(LDFLAGS)" -o servicedesk .

test: deps
	@echo "== gofmt"; bad=$$(gofmt -l .); if [[ -n "$$bad" ]]; then \
		echo "gofmt: these files need formatting (run gofmt -w):"; echo "$$bad"; exit 1; fi
	@echo "== go vet"; $(GO) vet ./...
	@echo "== go test -race"; $(LOCALE); $(HEADLESS); \
		"$${headless[@]}" $(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) ./...

bench: deps
	@$(LOCALE); $(HEADLESS); "$${headless[@]}" $(GO) test -run '^$$' -bench . -benchmem ./...

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
