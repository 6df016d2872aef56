#!/usr/bin/env bash
# package-linux.sh VERSION COMMIT DISTDIR: builds the Linux x86-64 binary and
# packs DISTDIR/servicedesk-VERSION-linux-amd64.tar.xz with the .desktop file,
# icon, install.sh, README.txt and NOTICE.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?version} commit=${2:?commit} dist=${3:?dist dir}
name=servicedesk-$version-linux-amd64
stage=$dist/stage/$name
rm -rf "$dist/stage"
mkdir -p "$stage"
CGO_ENABLED=1 GOOS=linux GOARCH=amd64 go build -trimpath -tags release \
	-ldflags "-s -w -X servicedesk/app/version.Version=$version -X servicedesk/app/version.Commit=$commit" \
	-o "$stage/servicedesk" .
install -m644 packaging/linux/servicedesk.desktop "$stage/servicedesk.desktop"
install -m644 assets/icon/icon.png "$stage/servicedesk.png"
install -m755 packaging/linux/install.sh "$stage/install.sh"
sed "s/VERSION/$version/g" packaging/linux/README.txt >"$stage/README.txt"
install -m644 packaging/NOTICE.txt "$stage/NOTICE.txt"
if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$stage/servicedesk.desktop"; fi
tar -C "$dist/stage" --owner=0 --group=0 --numeric-owner --sort=name -cf - "$name" | xz -T1 -6 >"$dist/$name.tar.xz"
rm -rf "$dist/stage"
echo "built $dist/$name.tar.xz ($(du -h "$dist/$name.tar.xz" | cut -f1))"
