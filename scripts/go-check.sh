#!/usr/bin/env bash
# go-check.sh: fails with a helpful message when no usable Go is on PATH.
# go.mod asks for Go 1.26.8; Go 1.21+ fetches that toolchain by itself
# (GOTOOLCHAIN=auto, from the module proxy). Debian 12's golang package (1.19) is too old.
set -euo pipefail
if ! command -v go >/dev/null; then
	cat >&2 <<'MSG'
go-check: `go` is not on PATH.
  Install Go 1.26 (https://go.dev/dl/, unpack to /usr/local/go) and add
  /usr/local/go/bin to PATH, then run make again.
MSG
	exit 1
fi
v=$(go env GOVERSION 2>/dev/null || true)
case $v in
go1.2[1-9]* | go1.[3-9][0-9]* | go[2-9]*) ;;
*)
	echo "go-check: found ${v:-an old Go}; need Go 1.21 or newer (go.mod pins 1.26.8)" >&2
	exit 1
	;;
esac
