#!/usr/bin/env bash
# Builds assets/chime.wav, the built-in PA chime played before an
# announcement: four bell-like notes rising C5 E5 G5 C6 (ding-dong), each
# decaying, 22.05 kHz mono 16-bit. Needs sox (Debian package sox).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=0
for f in 523.25 659.25 783.99 1046.50; do
	# fundamental plus a quiet octave for a bell colour, exponential-ish decay
	sox -n -r 22050 -c 1 -b 16 "$tmp/n$i.wav" synth 0.55 sine "$f" sine "$(echo "$f*2" | bc -l)" remix 1,2 \
		fade q 0.005 0.55 0.5 vol 0.45
	i=$((i + 1))
done
sox "$tmp"/n0.wav "$tmp"/n1.wav "$tmp"/n2.wav "$tmp"/n3.wav "$tmp/seq.wav"
sox "$tmp/seq.wav" assets/chime.wav pad 0 0.2 norm -3
echo "assets/chime.wav: $(soxi -D assets/chime.wav) s"
