#!/usr/bin/env bash
# check-windows.sh DISTDIR [VERSION]: checks the Windows executables without
# running them (Debian 12's Wine cannot start Go 1.22+ binaries):
#   - servicedesk.exe is PE32+ x86-64 GUI subsystem, servicedesk-cli.exe the
#     console subsystem (so cmd.exe shows its output and waits for its exit code);
#   - every imported DLL is one that each Windows 10/11 PC has (allowlist below),
#     and no mingw runtime DLL (libwinpthread, libgcc_s, libstdc++) is imported;
#   - icon, version resource and manifest are linked in (scripts/peres), and
#     the file version is the one the tag gives (scripts/winres.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-dist} version=${2:-$(scripts/version.sh)}
fail=0
# System DLLs present on every Windows 10 and 11 installation (lower case).
allow=(
	kernel32.dll user32.dll gdi32.dll opengl32.dll shell32.dll advapi32.dll
	ws2_32.dll winmm.dll ntdll.dll ole32.dll oleaut32.dll imm32.dll dwmapi.dll
	setupapi.dll msvcrt.dll bcrypt.dll crypt32.dll comdlg32.dll comctl32.dll
	shlwapi.dll uxtheme.dll version.dll winspool.drv secur32.dll iphlpapi.dll
	userenv.dll powrprof.dll cfgmgr32.dll hid.dll dnsapi.dll mswsock.dll
	ucrtbase.dll
)
want_version=$(scripts/winres.sh --file-version "$version")

check_exe() { # check_exe FILE.exe GUI|console
	local exe=$1 subsystem=$2 desc dlls d l ok a report
	echo "== $exe"
	[[ -f $exe ]] || { echo "check-windows: $exe not found; run make dist first" >&2; fail=1; return; }
	desc=$(file -b "$exe")
	echo "file: $desc"
	if [[ $desc != *"PE32+ executable ($subsystem) x86-64"* ]]; then
		echo "check-windows: FAIL: $exe is not a PE32+ x86-64 $subsystem executable" >&2
		fail=1
	fi
	# objdump -p is the usual tool; debug/pe (scripts/peres -imports) also reads the
	# import table of internally linked Go binaries, which objdump misreads.
	mapfile -t dlls < <({
		x86_64-w64-mingw32-objdump -p "$exe" | sed -n 's/^[[:space:]]*DLL Name: //p'
		go run ./scripts/peres -imports "$exe"
	} | tr -d '\r' | sort -fu)
	echo "imported DLLs: ${dlls[*]}"
	((${#dlls[@]} > 0)) || { echo "check-windows: FAIL: no import table found" >&2; fail=1; }
	for d in "${dlls[@]}"; do
		l=${d,,}
		case $l in
		libwinpthread* | libgcc* | libstdc++* | libssp* | libgomp* | mingw*)
			echo "check-windows: FAIL: needs mingw runtime DLL $d (link with -extldflags=-static)" >&2
			fail=1
			continue
			;;
		api-ms-win-crt-*.dll | api-ms-win-core-*.dll) continue ;; # UCRT / API sets: part of Windows 10
		esac
		ok=0
		for a in "${allow[@]}"; do [[ $l == "$a" ]] && ok=1 && break; done
		if ((!ok)); then
			echo "check-windows: FAIL: $d is not on the Windows-10 system DLL allowlist" >&2
			fail=1
		fi
	done
	local console=false
	[[ $subsystem == console ]] && console=true
	if report=$(go run ./scripts/peres -console=$console "$exe"); then echo "$report"; else echo "$report"; fail=1; fi
	if ! grep -qx "file version: $want_version" <<<"$report"; then
		echo "check-windows: FAIL: file version is not $want_version (from $version)" >&2
		fail=1
	fi
	if ! grep -qx "  OriginalFilename = $(basename "$exe")" <<<"$report"; then
		echo "check-windows: FAIL: OriginalFilename is not $(basename "$exe")" >&2
		fail=1
	fi
}

check_exe "$dist/servicedesk.exe" GUI
check_exe "$dist/servicedesk-cli.exe" console

if ((fail)); then
	echo "check-windows: FAILED" >&2
	exit 1
fi
echo "check-windows: OK ($dist/servicedesk.exe, $dist/servicedesk-cli.exe; file version $want_version)"
