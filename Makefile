# Service Desk (服务台) — build, test and release.
#
#   make run ARGS=--demo   build and start the app (installs what it needs first)
#   make test              gofmt, go vet, go test -race on SQLite, then the store tests on PostgreSQL (what CI runs)
#   make test-pg           only the store tests, on a throwaway PostgreSQL cluster (scripts/pg-test.sh)
#   make bench             benchmarks
#   make dist              the release in dist/: Linux tarball, Windows installer and zip, the two
#                          .exe files, SHA256SUMS (refuses a dirty tree unless ALLOW_DIRTY=1)
#   make check-windows     checks dist/servicedesk.exe and servicedesk-cli.exe (PE, DLLs, resources)
#   make check-installer   installs and uninstalls dist's installer headless under Wine
#   make check-reproducible  builds the release twice from clean clones and compares sha256
#   make installer-screenshots  walks dist's installer pages under Wine into docs/screenshots/
#   make notices           regenerates assets/THIRD_PARTY_NOTICES.txt from the module graph
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
# Every date in the artefacts is the commit's, never the build day's.
export SOURCE_DATE_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
ARTEFACTS := servicedesk-$(VERSION)-linux-amd64.tar.xz servicedesk-$(VERSION)-windows-amd64-setup.exe \
	servicedesk-$(VERSION)-windows-amd64.zip servicedesk.exe servicedesk-cli.exe
LDFLAGS := -X servicedesk/app/version.Version=$(VERSION) -X servicedesk/app/version.Commit=$(COMMIT)

APT_BUILD := gcc pkg-config libgl1-mesa-dev xorg-dev libasound2-dev espeak-ng xvfb xauth x11-utils socat zbar-tools \
	poppler-utils imagemagick fonts-droid-fallback
# The store tests also run on PostgreSQL: scripts/pg-test.sh starts a
# throwaway cluster from Debian's server package.
APT_TEST := postgresql
# Packages whose tests run on both engines (each test gets a fresh database).
PG_PACKAGES ?= ./ledger/...
# Command tests that need a PostgreSQL server (servicedesk migrate --to postgres://…).
PG_CLI_TESTS ?= Postgres
APT_DIST := gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 file xz-utils nsis
APT_WINE := wine64 wine xvfb xauth
APT_SHOTS := xdotool imagemagick fonts-wqy-microhei

# cgo is required (Fyne/GLFW, SQLite); a locale of C makes Fyne complain.
export CGO_ENABLED := 1
LOCALE := if [[ -z "$${LANG:-}" || "$$LANG" == C || "$$LANG" == POSIX ]]; then export LANG=zh_CN.UTF-8; fi

# GUI tests use Fyne's test driver and need no display; anything that opens a
# real window gets a throwaway X server.
HEADLESS := if [[ -z "$${DISPLAY:-}" ]] && command -v xvfb-run >/dev/null; then \
	headless=(xvfb-run -a -s "-screen 0 1280x1024x24"); else headless=(); fi

.PHONY: help deps test-deps dist-deps run build test test-pg bench dist dist-guard dist-linux dist-windows \
	check-windows check-installer check-reproducible installer-screenshots notices icon clean

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
	@echo "== go test -race (PostgreSQL): $(PG_PACKAGES), and ./app/cli -run '$(PG_CLI_TESTS)'"; $(LOCALE); \
		scripts/pg-test.sh env SERVICEDESK_TEST_ENGINE=postgres bash -c '\
		$(GO) test -race -count=1 -p 1 -timeout $(TEST_TIMEOUT) $(PG_PACKAGES) && \
		$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) -run "$(PG_CLI_TESTS)" ./app/cli/'

bench: test-deps
	@$(LOCALE); $(HEADLESS); SERVICEDESK_TEST_ENGINE=sqlite "$${headless[@]}" $(GO) test -run '^$$' -bench . -benchmem ./...
	@echo "== store benchmarks on PostgreSQL"; $(LOCALE); scripts/pg-test.sh env SERVICEDESK_TEST_ENGINE=postgres \
		$(GO) test -run '^$$' -bench . -benchmem $(PG_PACKAGES)

dist: dist-deps dist-guard
	@rm -rf $(DIST) && mkdir -p $(DIST)
	scripts/package-linux.sh "$(VERSION)" "$(COMMIT)" $(DIST)
	scripts/build-windows.sh "$(VERSION)" "$(COMMIT)" $(DIST)
	scripts/package-windows.sh "$(VERSION)" $(DIST)
	@cd $(DIST) && sha256sum $(ARTEFACTS) >SHA256SUMS && touch -d @$(SOURCE_DATE_EPOCH) SHA256SUMS
	@cd $(DIST) && ls -l --time-style=+ $(ARTEFACTS) SHA256SUMS && cat SHA256SUMS

dist-guard:
	@scripts/dist-guard.sh

dist-linux: dist-deps dist-guard
	@mkdir -p $(DIST)
	scripts/package-linux.sh "$(VERSION)" "$(COMMIT)" $(DIST)

dist-windows: dist-deps dist-guard
	@mkdir -p $(DIST)
	scripts/build-windows.sh "$(VERSION)" "$(COMMIT)" $(DIST)
	scripts/package-windows.sh "$(VERSION)" $(DIST)

check-windows: dist-deps
	scripts/check-windows.sh $(DIST) "$(VERSION)"

check-installer: dist-deps
	@scripts/apt-ensure.sh $(APT_WINE)
	scripts/check-installer.sh $(DIST)/servicedesk-$(VERSION)-windows-amd64-setup.exe $(DIST)

installer-screenshots: dist-deps
	@scripts/apt-ensure.sh $(APT_WINE) $(APT_SHOTS)
	scripts/installer-screenshots.sh $(DIST)/servicedesk-$(VERSION)-windows-amd64-setup.exe docs/screenshots

check-reproducible: dist-deps
	scripts/check-reproducible.sh

notices: deps
	$(GO) run ./scripts/notices

icon:
	@scripts/apt-ensure.sh imagemagick fonts-droid-fallback
	scripts/make-icon.sh

clean:
	rm -rf $(DIST) servicedesk rsrc_windows_amd64.syso
