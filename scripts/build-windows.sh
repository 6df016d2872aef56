#!/usr/bin/env bash
# build-windows.sh VERSION COMMIT OUT.exe: cross-compiles the GUI for Windows
# x86-64 with mingw-w64 (cgo: Fyne/GLFW and SQLite), statically linked so no
# mingw runtime DLL is needed, with icon, version info and manifest linked in
# from a temporary rsrc_windows_amd64.syso.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?version} commit=${2:?commit} out=${3:?output}
syso=rsrc_windows_amd64.syso
trap 'rm -f "$syso"' EXIT
scripts/winres.sh "$version" "$syso"
mkdir -p "$(dirname "$out")"
CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ CGO_ENABLED=1 GOOS=windows GOARCH=amd64 \
	go build -trimpath -tags release \
	-ldflags "-H=windowsgui -s -w -extldflags=-static -X servicedesk/app/version.Version=$version -X servicedesk/app/version.Commit=$commit" \
	-o "$out" .
echo "built $out ($(du -h "$out" | cut -f1))"
