#!/usr/bin/env bash
# dist-guard.sh: a release is built from a clean, tagged tree.
#   - uncommitted or untracked files: refused, unless ALLOW_DIRTY=1 (a test
#     build; its version then ends in -dirty, and the Windows file version
#     and SOURCE_DATE_EPOCH still come from HEAD);
#   - HEAD not on a vX.Y.Z tag: built, but announced as a snapshot
#     (version vX.Y.Z-N-gHASH, file version X.Y.Z.N).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "dist: not a git checkout: a release is built from a tagged commit (git clone, git checkout vX.Y.Z)" >&2
	exit 1
fi
changes=$(git status --porcelain --untracked-files=normal)
if [[ -n $changes ]]; then
	if [[ ${ALLOW_DIRTY:-} != 1 ]]; then
		{
			echo "dist: refusing to build a release from a tree with uncommitted changes:"
			echo "$changes" | sed 's/^/  /'
			echo "Commit or stash them, or run 'make dist ALLOW_DIRTY=1' for a test build (not for counters)."
		} >&2
		exit 1
	fi
	echo "dist: WARNING: ALLOW_DIRTY=1: building from uncommitted changes; this is not a release" >&2
fi
if tag=$(git describe --tags --exact-match --match 'v[0-9]*' HEAD 2>/dev/null); then
	echo "dist: release $tag"
else
	echo "dist: note: HEAD is not on a vX.Y.Z tag, so this is a snapshot ($(scripts/version.sh)); tag the commit (git tag v0.2.0) for a release" >&2
fi
