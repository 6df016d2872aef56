#!/usr/bin/env bash
# package-linux.sh VERSION COMMIT DISTDIR: builds the Linux x86-64 binary and
# packs DISTDIR/servicedesk-VERSION-linux-amd64.tar.xz with the .desktop file,
# icon, install.sh, README.txt, LICENSE and THIRD_PARTY_NOTICES.txt.
# Reproducible: -trimpath, no build id, every file dated SOURCE_DATE_EPOCH (the
# commit's time), sorted entries with numeric owner 0, single-threaded xz.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?version} commit=${2:?commit} dist=${3:?dist dir}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
name=servicedesk-$version-linux-amd64
stage=$dist/stage/$name
rm -rf "$dist/stage"
mkdir -p "$stage"
CGO_ENABLED=1 GOOS=linux GOARCH=amd64 go build -trimpath -tags release \
	-ldflags "-s -w -buildid= -X servicedesk/app/version.Version=$version -X servicedesk/app/version.Commit=$commit" \
	-o "$stage/servicedesk" .
chmod 755 "$stage/servicedesk"
install -m644 packaging/linux/servicedesk.desktop "$stage/servicedesk.desktop"
install -m644 assets/icon/icon.png "$stage/servicedesk.png"
install -m755 packaging/linux/install.sh "$stage/install.sh"
sed "s/VERSION/$version/g" packaging/linux/README.txt >"$stage/README.txt"
install -m644 LICENSE "$stage/LICENSE"
install -m644 assets/THIRD_PARTY_NOTICES.txt "$stage/THIRD_PARTY_NOTICES.txt"
chmod 644 "$stage/README.txt"
chmod 755 "$stage"
if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$stage/servicedesk.desktop"; fi
tar -C "$dist/stage" --sort=name --format=gnu --mtime="@$SOURCE_DATE_EPOCH" \
	--owner=0 --group=0 --numeric-owner -cf - "$name" | xz -T1 -6 >"$dist/$name.tar.xz"
touch -d "@$SOURCE_DATE_EPOCH" "$dist/$name.tar.xz"
rm -rf "$dist/stage"
echo "built $dist/$name.tar.xz ($(du -h "$dist/$name.tar.xz" | cut -f1))"
