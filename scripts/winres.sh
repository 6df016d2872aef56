#!/usr/bin/env bash
# winres.sh VERSION OUT.syso [ORIGINAL-FILENAME]: compiles the Windows
# resources (icon, version info, manifest) with mingw's windres into a COFF
# object for the Go linker. Name the output *_windows_amd64.syso so only
# GOOS=windows GOARCH=amd64 builds link it.
# winres.sh --file-version VERSION prints the four-number file version.
#
# The file version follows the tag: v1.2.3 → 1.2.3.0; five commits after it
# (git describe: v1.2.3-5-gabc1234) → 1.2.3.5; no tag at all → FyneApp.toml's
# Version with 0. The copyright year is SOURCE_DATE_EPOCH's (the commit's),
# never the build day's, so two builds of one commit are identical.
set -euo pipefail
cd "$(dirname "$0")/.."

toml() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"\{0,1\}\([^\"]*\)\"\{0,1\}.*/\1/p" FyneApp.toml | head -1; }
file_version() {
	if [[ $1 =~ ^v?([0-9]+)\.([0-9]+)\.([0-9]+)(-([0-9]+)-g[0-9a-f]+)?(-dirty)?$ ]]; then
		echo "${BASH_REMATCH[1]}.${BASH_REMATCH[2]}.${BASH_REMATCH[3]}.${BASH_REMATCH[5]:-0}"
	else
		IFS=. read -r a b c _ <<<"$(toml Version)"
		echo "${a:-0}.${b:-0}.${c:-0}.0"
	fi
}
if [[ ${1:-} == --file-version ]]; then
	file_version "${2:?version}"
	exit 0
fi

version=${1:?version} out=${2:?output .syso} original=${3:-servicedesk.exe}
[[ $out == /* ]] || out=$OLDPWD/$out
nums=$(file_version "$version" | tr . ,)
year=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}" +%Y)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp assets/icon/icon.ico "$tmp/icon.ico"
cat >"$tmp/app.manifest" <<'XML'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0">
  <assemblyIdentity type="win32" name="cn.mall.servicedesk" version="1.0.0.0" processorArchitecture="amd64"/>
  <compatibility xmlns="urn:schemas-microsoft-com:compatibility.v1">
    <application>
      <supportedOS Id="{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}"/>
    </application>
  </compatibility>
  <application xmlns="urn:schemas-microsoft-com:asm.v3">
    <windowsSettings>
      <dpiAware xmlns="http://schemas.microsoft.com/SMI/2005/WindowsSettings">true</dpiAware>
      <dpiAwareness xmlns="http://schemas.microsoft.com/SMI/2016/WindowsSettings">PerMonitorV2, PerMonitor</dpiAwareness>
    </windowsSettings>
  </application>
  <trustInfo xmlns="urn:schemas-microsoft-com:asm.v3">
    <security>
      <requestedPrivileges>
        <requestedExecutionLevel level="asInvoker" uiAccess="false"/>
      </requestedPrivileges>
    </security>
  </trustInfo>
</assembly>
XML
# GLFW (Fyne's window layer) loads the icon named GLFW_ICON for its windows;
# Explorer shows the first icon group, which is this one too.
cat >"$tmp/app.rc" <<RC
#include <winver.h>
GLFW_ICON ICON "icon.ico"
1 24 "app.manifest"
1 VERSIONINFO
FILEVERSION $nums
PRODUCTVERSION $nums
FILEFLAGSMASK 0x3fL
FILEFLAGS 0x0L
FILEOS VOS_NT_WINDOWS32
FILETYPE VFT_APP
FILESUBTYPE VFT2_UNKNOWN
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "080404b0"
    BEGIN
      VALUE "CompanyName", "Service Desk\\0"
      VALUE "FileDescription", "服务台 Service Desk\\0"
      VALUE "FileVersion", "$version\\0"
      VALUE "InternalName", "servicedesk\\0"
      VALUE "LegalCopyright", "(c) $year Service Desk\\0"
      VALUE "OriginalFilename", "$original\\0"
      VALUE "ProductName", "服务台 Service Desk\\0"
      VALUE "ProductVersion", "$version\\0"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x804, 1200
  END
END
RC
(cd "$tmp" && x86_64-w64-mingw32-windres -c 65001 -I. -i app.rc -O coff -o out.syso)
mv "$tmp/out.syso" "$out"
