#!/usr/bin/env bash
# build-windows.sh VERSION COMMIT DISTDIR: cross-compiles the program for
# Windows x86-64 with mingw-w64 (cgo: Fyne/GLFW and SQLite), statically
# linked so no mingw runtime DLL is needed, twice from the same code:
#
#   DISTDIR/servicedesk.exe      GUI subsystem (-H=windowsgui): the counter
#                                window, started from the Start menu;
#   DISTDIR/servicedesk-cli.exe  console subsystem: the same program for
#                                cmd.exe and scripts (verify, report, export,
#                                --version print and return exit codes).
#
# Each gets icon, version information (file version from the tag, see
# winres.sh) and manifest from a temporary rsrc_windows_amd64.syso.
# Reproducible: -trimpath, no build-time stamps (-buildid from content, no PE
# timestamp: ld --no-insert-timestamp), the resource year from
# SOURCE_DATE_EPOCH.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?version} commit=${2:?commit} dist=${3:?dist dir}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
syso=rsrc_windows_amd64.syso
trap 'rm -f "$syso"' EXIT
mkdir -p "$dist"
x=(-X "servicedesk/app/version.Version=$version" -X "servicedesk/app/version.Commit=$commit")
build() { # build OUT.exe EXTRA-LDFLAGS...
	local out=$1
	shift
	scripts/winres.sh "$version" "$syso" "$(basename "$out")"
	CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ CGO_ENABLED=1 GOOS=windows GOARCH=amd64 \
		go build -trimpath -tags release \
		-ldflags "-s -w -buildid= $* ${x[*]} -extldflags '-static -Wl,--no-insert-timestamp'" \
		-o "$out" .
	touch -d "@$SOURCE_DATE_EPOCH" "$out"
	echo "built $out ($(du -h "$out" | cut -f1))"
}
build "$dist/servicedesk.exe" -H=windowsgui -X servicedesk/app/cli.windowsGUI=1
build "$dist/servicedesk-cli.exe"
