#!/usr/bin/env bash
# version.sh: prints the release version: `git describe --tags --always --dirty`,
# or FyneApp.toml's Version when this is not a git checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
if v=$(git describe --tags --always --dirty 2>/dev/null) && [[ -n $v ]]; then
	echo "$v"
else
	sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\(.*\)".*/\1/p' FyneApp.toml | head -1
fi
