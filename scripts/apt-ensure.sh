#!/usr/bin/env bash
# apt-ensure.sh PKG...: installs the Debian packages that are not installed yet.
# Quiet and idempotent: when everything is present it does nothing (no apt-get
# update, no network). Uses sudo only when not root.
set -euo pipefail
missing=()
for p in "$@"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ $status == "install ok installed" ]] || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

sudo=()
if [[ $(id -u) != 0 ]]; then
	command -v sudo >/dev/null || { echo "apt-ensure: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
	sudo=(sudo)
fi
echo "apt-ensure: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
