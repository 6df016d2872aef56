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
install -Dm755 "$here/servicedesk" "$bin"
install -Dm644 "$here/servicedesk.png" "$icon"
mkdir -p "$(dirname "$desktop")"
sed "s|^Exec=servicedesk|Exec=$bin|" "$here/servicedesk.desktop" >"$desktop"
chmod 644 "$desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$(dirname "$desktop")" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -qtf "$prefix/share/icons/hicolor" 2>/dev/null || true
echo "installed $bin and the 服务台 menu entry"
