#!/usr/bin/env bash
# package-windows.sh VERSION DISTDIR: packs DISTDIR/servicedesk.exe and
# DISTDIR/servicedesk-cli.exe (from build-windows.sh) with README.txt,
# LICENSE.txt and THIRD_PARTY_NOTICES.txt into
#
#   DISTDIR/servicedesk-VERSION-windows-amd64.zip        for copying by hand
#   DISTDIR/servicedesk-VERSION-windows-amd64-setup.exe  NSIS installer
#                                                        (packaging/windows/servicedesk.nsi)
#
# Both are reproducible: every file dated SOURCE_DATE_EPOCH (the commit's
# time), the zip written by scripts/distzip in name order.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?version} dist=${2:?dist dir}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
name=servicedesk-$version-windows-amd64
stage=$dist/stage-windows/$name
rm -rf "$dist/stage-windows"
mkdir -p "$stage"
crlf() { sed 's/\r\{0,1\}$/\r/' "$1"; } # Notepad-friendly line ends
install -m755 "$dist/servicedesk.exe" "$dist/servicedesk-cli.exe" "$stage/"
sed "s/VERSION/$version/g" packaging/windows/README.txt | crlf /dev/stdin >"$stage/README.txt"
crlf LICENSE >"$stage/LICENSE.txt"
crlf assets/THIRD_PARTY_NOTICES.txt >"$stage/THIRD_PARTY_NOTICES.txt"
chmod 644 "$stage"/*.txt
find "$dist/stage-windows" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

rm -f "$dist/$name.zip"
go run ./scripts/distzip "$dist/$name.zip" "$stage"
echo "built $dist/$name.zip ($(du -h "$dist/$name.zip" | cut -f1))"

# The installer's icon sits beside the files it installs, only for makensis.
nsis=$dist/stage-windows/nsis
mkdir -p "$nsis"
cp "$stage"/* "$nsis/"
cp assets/icon/icon.ico "$nsis/servicedesk.ico"
find "$nsis" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
filever=$(scripts/winres.sh --file-version "$version")
makensis -V2 -INPUTCHARSET UTF8 \
	-DVERSION="$version" -DFILEVERSION="$filever" \
	-DSTAGE="$(realpath "$nsis")" -DOUTFILE="$(realpath "$dist")/$name-setup.exe" \
	packaging/windows/servicedesk.nsi
touch -d "@$SOURCE_DATE_EPOCH" "$dist/$name-setup.exe" "$dist/$name.zip"
rm -rf "$dist/stage-windows"
echo "built $dist/$name-setup.exe ($(du -h "$dist/$name-setup.exe" | cut -f1), file version $filever)"
