#!/bin/sh
# Screenshots of the customer kiosk, the customer display and the shift
# handover: the real app on its demo database under Xvfb, driven with
# xdotool, captured with ImageMagick's import.
#
#   scripts/kiosk-screenshots.sh [BINARY]   (default: builds ./servicedesk-shot)
#
# Writes docs/screenshots/kiosk-*.png, customer-display-*.png, handover*.png.
set -eu
cd "$(dirname "$0")/.."
bin=${1:-}
if [ -z "$bin" ]; then
	bin=./servicedesk-shot
	go build -o "$bin" .
fi
out=docs/screenshots
mkdir -p "$out"

# The kiosk at 1024x768: start, found items, services and hours, rating.
xvfb-run -a -s "-screen 0 1024x768x24" sh -c '
	set -eu
	bin=$1 out=$2
	data=$(mktemp -d)
	TMPDIR=$data SERVICEDESK_DATA_DIR=$data LANG=zh_CN.UTF-8 "$bin" --demo --kiosk >/dev/null 2>&1 &
	pid=$!
	xdotool search --sync --name "服务台" >/dev/null
	sleep 4
	snap() { import -window root "$out/kiosk-$1.png"; }
	tap() { xdotool mousemove "$1" "$2" click 1; sleep 1.5; }
	snap start
	tap 510 300; snap found
	xdotool key Escape; sleep 1
	tap 850 300; snap info
	xdotool key Escape; sleep 1
	tap 175 560; tap 690 240; snap rate
	kill $pid
	wait $pid 2>/dev/null || true
	rm -rf "$data"
' sh "$bin" "$out"

# The counter at 1366x768 with the customer display beside it: a lend (the
# amount, then the deposit card QR), then 交班 (the handover).
xvfb-run -a -s "-screen 0 2200x800x24" sh -c '
	set -eu
	bin=$1 out=$2
	data=$(mktemp -d)
	TMPDIR=$data SERVICEDESK_DATA_DIR=$data LANG=zh_CN.UTF-8 "$bin" --demo --customer-display >/dev/null 2>&1 &
	pid=$!
	xdotool search --sync --name "顾客显示屏" >/dev/null
	sleep 4
	d=$(xdotool search --name "顾客显示屏" | head -1)
	c=$(xdotool search --name "Service Desk" | head -1)
	xdotool windowmove "$d" 1380 0
	xdotool windowsize "$c" 1366 768
	xdotool windowmove "$c" 0 0
	sleep 1
	xdotool windowfocus "$c"
	key() { xdotool key --delay 120 "$@"; sleep 0.8; }
	typ() { xdotool type --delay 60 "$1"; sleep 0.3; }
	typ li; key Return; typ demo1234; key Return; sleep 2
	import -window "$d" "$out/customer-display-idle.png"
	key F1; typ U-001; key Return; sleep 1
	import -window "$d" "$out/customer-display-amount.png"
	key Return; sleep 2
	import -window "$d" "$out/customer-display-receipt.png"
	import -window root -crop 2200x768+0+0 "$out/customer-display-counter.png"
	key Return
	# 交班: the button at the right of the status bar.
	xdotool mousemove 1284 745 click 1; sleep 2
	# cash, umbrellas, strollers, medicine units (xdotool cannot type
	# Chinese under Xvfb: the note is a number list).
	typ 250; key Tab; typ 25; key Tab; typ 6; key Tab; typ 120; key Tab
	typ "U-013, C-04"; key Tab; typ wang; key Tab
	sleep 0.5
	import -window "$c" "$out/handover.png"
	typ demo1234; key Return; sleep 2
	import -window "$c" "$out/handover-done.png"
	kill $pid
	wait $pid 2>/dev/null || true
	rm -rf "$data"
' sh "$bin" "$out"
[ "$bin" = ./servicedesk-shot ] && rm -f ./servicedesk-shot
ls -l "$out"/kiosk-*.png "$out"/customer-display-*.png "$out"/handover*.png
