#!/usr/bin/env bash
# installer-screenshots.sh SETUP.exe OUTDIR: walks the Windows installer's
# pages under Wine (zh_CN, a throwaway prefix and X server) pressing Enter as a
# person would, and saves each page as OUTDIR/installer-NN-name.png, then the
# uninstaller's confirmation page (which says the data folder is kept) and
# the Windows 7 refusal. Wine draws the standard Win32 controls in its own
# style and WenQuanYi Micro Hei (fonts-wqy-microhei) stands in for Windows'
# UI fonts; the pages' text and layout are the installer's.
set -euo pipefail
cd "$(dirname "$0")/.."
setup=$(realpath "${1:?setup.exe}") out=$(realpath -m "${2:?output dir}")
wine=/usr/lib/wine/wine64
if [[ -z ${SCREENSHOT_DISPLAY:-} ]]; then
	export SCREENSHOT_DISPLAY=1
	exec xvfb-run -a -s "-screen 0 1024x768x24" "$0" "$@"
fi
mkdir -p "$out"
prefix=$(mktemp -d /tmp/servicedesk-wine-shots.XXXXXX)
trap 'WINEPREFIX=$prefix /usr/lib/wine/wineserver -k 2>/dev/null || true; rm -rf "$prefix"' EXIT
export WINEPREFIX=$prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
# The Chinese pages need a zh_CN locale; compile one privately when the
# system has none (glibc reads LOCPATH).
if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
	mkdir -p "$prefix/locale"
	localedef -i zh_CN -f UTF-8 "$prefix/locale/zh_CN.UTF-8" 2>/dev/null || true
	export LOCPATH=$prefix/locale
fi
export LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8
$wine wineboot -i >/dev/null 2>&1 || true
$wine winecfg -v win10 >/dev/null 2>&1
/usr/lib/wine/wineserver -w
# Windows' dialog fonts → one font with Latin and CJK glyphs.
for f in "MS Shell Dlg" "MS Shell Dlg 2" "Tahoma" "SimSun" "NSimSun" "Microsoft YaHei" "Segoe UI"; do
	$wine reg add 'HKCU\Software\Wine\Fonts\Replacements' /v "$f" /d "WenQuanYi Micro Hei" /f >/dev/null 2>&1
done
/usr/lib/wine/wineserver -w
user=$(ls "$prefix/drive_c/users" | grep -v -x -e Public | head -1)
rm -f "$prefix/drive_c/users/$user/Desktop" && mkdir -p "$prefix/drive_c/users/$user/Desktop"

# window: the installer's window id, waiting up to a minute for it.
window() {
	local id=""
	for _ in $(seq 120); do
		id=$(xdotool search --onlyvisible --name 'Service Desk|服务台' 2>/dev/null | tail -1 || true)
		[[ -n $id ]] && break
		sleep 0.5
	done
	echo "$id"
}
last=""
# shot NAME: waits until the window shows a new page, then saves it.
shot() {
	local id sum
	id=$(window)
	[[ -n $id ]] || id=root # a message box before the installer's window
	for _ in $(seq 60); do
		sleep 1
		import -window "$id" "$out/$1.png" 2>/dev/null || continue
		[[ $id != root ]] || mogrify -trim +repage "$out/$1.png"
		sum=$(convert "$out/$1.png" -scale 25% rgb:- | md5sum)
		if [[ $sum != "$last" ]]; then
			sleep 1 # let the page finish drawing, then take it again
			import -window "$id" "$out/$1.png"
			[[ $id != root ]] || mogrify -trim +repage "$out/$1.png"
			last=$(convert "$out/$1.png" -scale 25% rgb:- | md5sum)
			echo "saved $out/$1.png"
			return
		fi
	done
	echo "installer-screenshots: the page did not change for $1" >&2
	return 1
}
# key K: presses K in the installer's window (no window manager: focus it first).
key() {
	local id
	id=$(window)
	xdotool windowfocus --sync "$id" 2>/dev/null || xdotool windowfocus "$id" || true
	xdotool key --clearmodifiers "$1"
}

$wine "$setup" /CurrentUser >/dev/null 2>&1 &
shot installer-01-welcome
key Return
shot installer-02-licence
key Return
shot installer-03-install-mode
key Return
shot installer-04-components
key Return
shot installer-05-folder
key Return
shot installer-06-finish
/usr/lib/wine/wineserver -k || true
sleep 2
last=""

dir="$prefix/drive_c/users/$user/AppData/Local/Programs/ServiceDesk"
if [[ -f $dir/uninstall.exe ]]; then
	$wine "$dir/uninstall.exe" /CurrentUser >/dev/null 2>&1 &
	shot installer-07-uninstall-keeps-data
	/usr/lib/wine/wineserver -k || true
	sleep 2
	last=""
fi

$wine winecfg -v win7 >/dev/null 2>&1
/usr/lib/wine/wineserver -w
$wine "$setup" >/dev/null 2>&1 &
shot installer-08-windows7-refused
/usr/lib/wine/wineserver -k || true
