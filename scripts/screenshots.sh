#!/bin/sh
# Screenshots of the counter at the counter PCs' screen sizes, light and
# dark: the real app on its demo database under Xvfb, driven with xdotool,
# captured with ImageMagick's import.
#
#   scripts/screenshots.sh [BINARY]      (default: builds ./servicedesk-shot)
#
# Writes docs/screenshots/counter-<W>x<H>-<theme>-<screen>.png.
set -eu
cd "$(dirname "$0")/.."
bin=${1:-}
if [ -z "$bin" ]; then
	bin=./servicedesk-shot
	go build -o "$bin" .
fi
out=docs/screenshots
mkdir -p "$out"
# An open demo umbrella loan: receipt 0002 of today's business day.
receipt="$(TZ=Asia/Shanghai date +%Y%m%d)-0002"

shoot() { # size theme
	size=$1 theme=$2
	w=${size%x*} h=${size#*x}
	xvfb-run -a -s "-screen 0 ${w}x${h}x24" sh -c '
		set -eu
		bin=$1 out=$2 size=$3 theme=$4 receipt=$5
		data=$(mktemp -d)
		# The demo database goes to TMPDIR: ours, removed after the kill.
		TMPDIR=$data FYNE_THEME=$theme SERVICEDESK_DATA_DIR=$data LANG=zh_CN.UTF-8 "$bin" --demo >/dev/null 2>&1 &
		pid=$!
		xdotool search --sync --name "服务台" >/dev/null
		sleep 3
		snap() { import -window root "$out/counter-$size-$theme-$1.png"; }
		key() { xdotool key --delay 120 "$@"; sleep 0.8; }
		[ "$theme" = light ] && snap login
		xdotool type --delay 60 wang; key Return
		xdotool type --delay 60 demo1234; key Return
		sleep 1.5
		# A loan found by its receipt number: return actions with their keys,
		# the first one focused.
		key F12; xdotool type --delay 40 "$receipt"; key Return
		sleep 0.5
		snap umbrella-return
		# Lending: the confirmation with the deposit to collect, large.
		key F1; xdotool type --delay 60 U-001; key Return
		snap lend-confirm
		key Escape
		key F8; snap dayclose
		key F9; sleep 3; snap devices
		key F10; snap staff
		kill $pid
		wait $pid 2>/dev/null || true
		rm -rf "$data"
	' sh "$bin" "$out" "$size" "$theme" "$receipt"
}

for size in 1024x768 1366x768; do
	for theme in light dark; do
		shoot "$size" "$theme"
	done
done
[ "$bin" = ./servicedesk-shot ] && rm -f ./servicedesk-shot
ls -l "$out"/counter-*.png
