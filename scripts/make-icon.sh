#!/usr/bin/env bash
# Regenerates assets/icon/icon.png (512x512) and assets/icon/icon.ico (16..256)
# from scratch: a rounded blue square with a white 服 (Droid Sans Fallback).
# Needs ImageMagick 6 and fonts-droid-fallback (both installed by `make deps`).
set -euo pipefail
cd "$(dirname "$0")/.."
font=/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
out=assets/icon
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Background: vertical blue gradient inside a rounded square with a 16px margin.
convert -size 480x480 gradient:'#2f80ed-#1456b8' "$tmp/grad.png"
convert -size 480x480 xc:none -fill white -draw 'roundrectangle 0,0 479,479 96,96' "$tmp/mask.png"
convert "$tmp/grad.png" "$tmp/mask.png" -alpha off -compose CopyOpacity -composite "$tmp/bg.png"
convert -size 512x512 xc:none "$tmp/bg.png" -gravity center -compose over -composite "$tmp/sq.png"

# Glyph: white 服, centred, with a faint shadow.
convert "$tmp/sq.png" \
  \( -size 512x512 xc:none -font "$font" -pointsize 330 -fill '#0b3d8a' -gravity center \
     -annotate +6+2 '服' -blur 0x6 -channel A -evaluate multiply 0.45 +channel \) -compose over -composite \
  -font "$font" -pointsize 330 -fill white -gravity center -annotate +0-4 '服' \
  -strip -depth 8 -define png:color-type=6 "$out/icon.png"

convert "$out/icon.png" -depth 8 -define icon:auto-resize=256,128,64,48,32,24,16 "$out/icon.ico"
echo "wrote $out/icon.png and $out/icon.ico"
