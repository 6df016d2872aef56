#!/bin/sh
# Installs Service Desk (服务台) from this unpacked tarball.
#   ./install.sh            for the current user (~/.local)
#   sudo ./install.sh --system   for every user (/usr/local)
#   ./install.sh --uninstall [--system]
# Data is never touched: it lives in ~/.local/share/servicedesk (see README.txt).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix="$HOME/.local"
action=install
for a in "$@"; do
	case $a in
	--system) prefix=/usr/local ;;
	--uninstall) action=uninstall ;;
	*) echo "usage: $0 [--system] [--uninstall]" >&2; exit 2 ;;
	esac
done
bin="$prefix/bin/servicedesk"
desktop="$prefix/share/applications/cn.mall.servicedesk.desktop"
icon="$prefix/share/icons/hicolor/512x512/apps/servicedesk.png"
if [ "$action" = uninstall ]; then
	rm -f "$bin" "$desktop" "$icon"
	echo "removed $bin, $desktop, $icon (data left in place)"
	exit 0
fi
# The counter PC's requirements: warn (do not refuse) when they are not met.
glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
case $glibc in
2.3[4-9]* | 2.[4-9][0-9]* | [3-9].*) ;;
*) echo "warning: glibc ${glibc:-not found} is older than 2.34: servicedesk will not start here (needs Debian 12, Ubuntu 22.04 or newer)" >&2 ;;
esac
if ! { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q 'libGL\.so\.1'; then
	echo "warning: no OpenGL library (libGL.so.1) found: install libgl1 and a Mesa driver (Debian: apt install libgl1 libgl1-mesa-dri)" >&2
fi
install -Dm755 "$here/servicedesk" "$bin"
install -Dm644 "$here/servicedesk.png" "$icon"
mkdir -p "$(dirname "$desktop")"
sed "s|^Exec=servicedesk|Exec=$bin|" "$here/servicedesk.desktop" >"$desktop"
chmod 644 "$desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$(dirname "$desktop")" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -qtf "$prefix/share/icons/hicolor" 2>/dev/null || true
echo "installed $bin and the 服务台 menu entry"
