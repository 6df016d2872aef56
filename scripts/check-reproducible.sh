#!/usr/bin/env bash
# check-reproducible.sh: builds the release (make dist) twice from clean clones
# of HEAD in two different folders, one after the other, and compares the
# sha256 of every artefact (tarball, installer, zip, both .exe, SHA256SUMS).
# Any difference is a build stamp, a date or a path leaking in: it fails.
#
# The Go build cache is shared, so compiled packages are reused; with
# REPRO_COLD=1 the second build gets an empty cache and compiles everything
# again (about 10 more minutes for the Windows cgo part on 2 cores).
set -euo pipefail
src=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
head=$(git -C "$src" rev-parse HEAD)
if [[ -n $(git -C "$src" status --porcelain) ]]; then
	echo "check-reproducible: note: the working tree has changes; checking the committed HEAD $head" >&2
fi
work=$(mktemp -d /tmp/servicedesk-repro.XXXXXX)
trap 'rm -rf "$work"' EXIT
build() { # build DIR [env...]
	local dir=$1
	shift
	git clone -q "$src" "$dir"
	git -C "$dir" checkout -q --detach "$head"
	echo "== make dist in $dir" >&2
	env "$@" make -C "$dir" --no-print-directory dist >"$dir.log" 2>&1 || { tail -30 "$dir.log" >&2; exit 1; }
	(cd "$dir/dist" && sha256sum -- * | sort -k2)
}
a=$(build "$work/a")
extra=()
if [[ ${REPRO_COLD:-} == 1 ]]; then extra=(GOCACHE="$work/gocache"); fi
b=$(build "$work/second-build/b" "${extra[@]}")
echo "$a"
if [[ $a != "$b" ]]; then
	echo "check-reproducible: FAIL: the two builds differ:" >&2
	diff <(echo "$a") <(echo "$b") >&2 || true
	exit 1
fi
echo "check-reproducible: OK: two builds of $head in different folders give the same sha256 for $(wc -l <<<"$a") files"
