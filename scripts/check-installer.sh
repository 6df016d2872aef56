#!/usr/bin/env bash
# check-installer.sh SETUP.exe [DISTDIR]: installs and uninstalls the Windows
# installer headless under Wine (Debian's wine64, a throwaway prefix, a
# throwaway X server when there is no display) and checks what a counter PC
# would get. Debian 12's Wine cannot run the Go program itself (Go 1.22+),
# but the NSIS installer is a plain Win32 program, so its logic runs for real:
#
#   - Windows 7 (the prefix set to win7): refused, nothing installed;
#   - per-user (/S /CurrentUser /StartAtLogin): the five files and the
#     uninstaller in %LOCALAPPDATA%\Programs\ServiceDesk, byte-identical to
#     DISTDIR's exes; Start-menu and desktop shortcuts; the Apps & features
#     entry (HKCU) with the version; the login entry (HKCU Run);
#   - its uninstaller (/S): program, shortcuts, entry and login entry gone,
#     the data folder %LOCALAPPDATA%\ServiceDesk byte-identical;
#   - per-machine (/S /AllUsers /NoDesktop): C:\Program Files\ServiceDesk,
#     the all-users Start menu, the entry under HKLM, no desktop shortcut;
#     its uninstaller removes them.
set -euo pipefail
cd "$(dirname "$0")/.."
setup=$(realpath "${1:?setup.exe}") dist=$(realpath "${2:-dist}")
version=$(basename "$setup" | sed -n 's/^servicedesk-\(.*\)-windows-amd64-setup\.exe$/\1/p')
wine=/usr/lib/wine/wine64
[[ -x $wine ]] || { echo "check-installer: needs Wine (apt-get install wine64 wine)" >&2; exit 1; }
if [[ -z ${DISPLAY:-} ]]; then
	exec xvfb-run -a -s "-screen 0 1024x768x24" "$0" "$@"
fi

prefix=$(mktemp -d /tmp/servicedesk-wine.XXXXXX)
trap 'WINEPREFIX=$prefix /usr/lib/wine/wineserver -k 2>/dev/null || true; rm -rf "$prefix"' EXIT
export WINEPREFIX=$prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
fail=0
ok() { echo "  ok   $*"; }
bad() {
	echo "  FAIL $*" >&2
	fail=1
}
settle() { /usr/lib/wine/wineserver -w; } # wait for Wine; flushes the registry files
check() { # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
absent() { [[ ! -e $1 ]]; }
regkey() { grep -qF "[$2]" "$prefix/$1"; } # regkey user.reg|system.reg 'Software\\...'
# regval FILE KEY TEXT: a value line of KEY contains TEXT (ENVIRON, not -v:
# awk would unescape the key's doubled backslashes).
regval() { K="[$2]" awk 'index($0,ENVIRON["K"])==1{f=1;next} /^\[/{f=0} f' "$prefix/$1" | grep -qF "$3"; }
noregval() { ! regval "$@"; }
noregkey() { ! regkey "$@"; }

echo "check-installer: $setup (version $version)"
$wine wineboot -i >/dev/null 2>&1 || true
settle
user=$(ls "$prefix/drive_c/users" | grep -v -x -e Public | head -1)
home=$prefix/drive_c/users/$user
# Wine links the desktop to $HOME; a real folder keeps the check inside the prefix.
rm -f "$home/Desktop" && mkdir -p "$home/Desktop"
local_=$home/AppData/Local
startmenu="$home/AppData/Roaming/Microsoft/Windows/Start Menu/Programs"
common_startmenu="$prefix/drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs"
uninst='Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\cn.mall.servicedesk'
run='Software\\Microsoft\\Windows\\CurrentVersion\\Run'

echo "Windows 7:"
$wine winecfg -v win7 >/dev/null 2>&1
settle
set +e
$wine "$setup" /S /CurrentUser >/dev/null 2>&1
code=$?
set -e
settle
check "refused (exit $code, want 2)" test "$code" = 2
check "nothing installed" absent "$local_/Programs/ServiceDesk"
$wine winecfg -v win10 >/dev/null 2>&1
settle

echo "per user (/S /CurrentUser /StartAtLogin):"
$wine "$setup" /S /CurrentUser /StartAtLogin >/dev/null 2>&1
settle
dir=$local_/Programs/ServiceDesk
for f in servicedesk.exe servicedesk-cli.exe README.txt LICENSE.txt THIRD_PARTY_NOTICES.txt uninstall.exe; do
	check "$f installed" test -f "$dir/$f"
done
for f in servicedesk.exe servicedesk-cli.exe; do
	if [[ -f $dist/$f ]]; then check "$f identical to $dist/$f" cmp -s "$dir/$f" "$dist/$f"; fi
done
check "Start-menu shortcut 服务台" test -f "$startmenu/服务台.lnk"
check "desktop shortcut 服务台" test -f "$home/Desktop/服务台.lnk"
check "Apps & features entry (HKCU)" regkey user.reg "$uninst"
check "entry shows version $version" regval user.reg "$uninst" "\"DisplayVersion\"=\"$version\""
check "entry's uninstaller is per-user" regval user.reg "$uninst" 'uninstall.exe\" /CurrentUser'
check "start at login (HKCU Run)" regval user.reg "$run" '"ServiceDesk"='

echo "uninstall keeps the data:"
data=$local_/ServiceDesk
mkdir -p "$data/backups"
printf 'SQLite format 3\0counter data' >"$data/servicedesk.db"
printf 'backup' >"$data/backups/servicedesk.db.v2-20261125T010000Z.bak"
before=$(cd "$data" && find . -type f -exec sha256sum {} + | sort)
$wine "$dir/uninstall.exe" /S /CurrentUser >/dev/null 2>&1
settle
check "program folder removed" absent "$dir"
check "Start-menu shortcut removed" absent "$startmenu/服务台.lnk"
check "desktop shortcut removed" absent "$home/Desktop/服务台.lnk"
check "Apps & features entry removed" noregkey user.reg "$uninst"
check "login entry removed" noregval user.reg "$run" '"ServiceDesk"='
after=$(cd "$data" && find . -type f -exec sha256sum {} + | sort)
check "data folder byte-identical" test "$before" = "$after"

echo "per machine (/S /AllUsers /NoDesktop):"
$wine "$setup" /S /AllUsers /NoDesktop >/dev/null 2>&1
settle
pdir="$prefix/drive_c/Program Files/ServiceDesk"
check "installed in Program Files" test -f "$pdir/servicedesk.exe"
check "all-users Start-menu shortcut" test -f "$common_startmenu/服务台.lnk"
check "no desktop shortcut (/NoDesktop)" absent "$home/Desktop/服务台.lnk"
check "Apps & features entry (HKLM)" regkey system.reg "$uninst"
check "no login entry unless asked" noregval system.reg "$run" '"ServiceDesk"='
$wine "$pdir/uninstall.exe" /S /AllUsers >/dev/null 2>&1
settle
check "per-machine uninstall removes the program" absent "$pdir"
check "and its entry" noregkey system.reg "$uninst"
check "data folder still there" test "$before" = "$(cd "$data" && find . -type f -exec sha256sum {} + | sort)"

if ((fail)); then
	echo "check-installer: FAILED" >&2
	exit 1
fi
echo "check-installer: OK"
