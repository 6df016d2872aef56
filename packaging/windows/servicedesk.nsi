; 服务台 Service Desk — Windows installer (NSIS 3, built on Debian by
; scripts/package-windows.sh: makensis -DVERSION=… -DFILEVERSION=… -DSTAGE=… -DOUTFILE=…).
;
;   - per-user (no administrator: %LOCALAPPDATA%\Programs\ServiceDesk) or
;     per-machine (C:\Program Files\ServiceDesk) install, chosen on a page or
;     with /CurrentUser or /AllUsers on the command line; /S is silent,
;     /StartAtLogin and /NoDesktop choose the optional parts;
;   - Start-menu shortcut, optional desktop shortcut, optional start at login;
;   - an entry under Apps & features whose uninstaller removes the program,
;     the shortcuts and the login entry and keeps the data folder
;     (%LOCALAPPDATA%\ServiceDesk: database, backups, reports, log);
;   - refuses Windows older than 10 and 32-bit Windows.

Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma
ManifestDPIAware true
RequestExecutionLevel user ; raised by MultiUser when an administrator installs for all users

!ifndef VERSION
  !error "makensis -DVERSION=v1.2.3 -DFILEVERSION=1.2.3.0 -DSTAGE=dir -DOUTFILE=setup.exe"
!endif

!define APPID "cn.mall.servicedesk"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPID}"
!define RUNKEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define SETTINGSKEY "Software\ServiceDesk"
; One shortcut name in every UI language, so the uninstaller finds it.
!define SHORTCUT "服务台"

Name "服务台 Service Desk ${VERSION}"
OutFile "${OUTFILE}"
BrandingText "服务台 Service Desk ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${FILEVERSION}"
VIFileVersion "${FILEVERSION}"
VIAddVersionKey /LANG=0 "ProductName" "服务台 Service Desk"
VIAddVersionKey /LANG=0 "FileDescription" "服务台 Service Desk 安装程序 (setup)"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "CompanyName" "Service Desk"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT License"

!define MULTIUSER_EXECUTIONLEVEL Highest
!define MULTIUSER_MUI
!define MULTIUSER_INSTALLMODE_COMMANDLINE
!define MULTIUSER_USE_PROGRAMFILES64
!define MULTIUSER_INSTALLMODE_INSTDIR "ServiceDesk"
!define MULTIUSER_INSTALLMODE_DEFAULT_CURRENTUSER
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_KEY "${SETTINGSKEY}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_VALUENAME "InstallDir"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_KEY "${SETTINGSKEY}"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_VALUENAME "InstallMode"
!include MultiUser.nsh
!include MUI2.nsh
!include LogicLib.nsh
!include WinVer.nsh
!include x64.nsh
!include FileFunc.nsh

!define MUI_ICON "${STAGE}\servicedesk.ico"
!define MUI_UNICON "${STAGE}\servicedesk.ico"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TEXT "$(Welcome)"
!define MUI_FINISHPAGE_RUN "$INSTDIR\servicedesk.exe"
!define MUI_FINISHPAGE_SHOWREADME "$INSTDIR\README.txt"
!define MUI_FINISHPAGE_SHOWREADME_NOTCHECKED

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_LICENSE "${STAGE}\LICENSE.txt"
!insertmacro MULTIUSER_PAGE_INSTALLMODE
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!define MUI_UNCONFIRMPAGE_TEXT_TOP "$(KeepData)"
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString Welcome ${LANG_SIMPCHINESE} "将安装服务台 ${VERSION}（商场客服中心柜台程序）。$\r$\n$\r$\n升级前请先完成日结、等打印队列清空，并关闭服务台窗口。数据（%LOCALAPPDATA%\ServiceDesk）不受安装和卸载影响；升级后第一次启动会先备份数据库。$\r$\n$\r$\n需要 64 位 Windows 10 或 11。"
LangString Welcome ${LANG_ENGLISH} "This installs Service Desk ${VERSION}, the mall's customer-service counter program.$\r$\n$\r$\nBefore upgrading, finish the day close, let the print queue empty and close Service Desk. The data (%LOCALAPPDATA%\ServiceDesk) is not touched by installing or uninstalling; the first start after an upgrade backs the database up first.$\r$\n$\r$\nNeeds 64-bit Windows 10 or 11."
LangString NeedWin10 ${LANG_SIMPCHINESE} "服务台需要 64 位的 Windows 10 或 Windows 11。这台电脑的 Windows 版本太旧或是 32 位，无法安装。"
LangString NeedWin10 ${LANG_ENGLISH} "Service Desk needs 64-bit Windows 10 or Windows 11. This PC's Windows is older or 32-bit: it cannot be installed."
LangString StillRunning ${LANG_SIMPCHINESE} "服务台正在运行。请先完成当前业务并关闭服务台窗口，然后点“重试”。"
LangString StillRunning ${LANG_ENGLISH} "Service Desk is running. Finish the current work and close its window, then click Retry."
LangString KeepData ${LANG_SIMPCHINESE} "将卸载服务台程序、快捷方式和开机启动项。数据文件夹（%LOCALAPPDATA%\ServiceDesk：数据库、备份、报表、日志）会保留，不会删除。"
LangString KeepData ${LANG_ENGLISH} "The program, its shortcuts and the login entry will be removed. The data folder (%LOCALAPPDATA%\ServiceDesk: database, backups, reports, log) is kept, not deleted."
LangString SecProgram ${LANG_SIMPCHINESE} "服务台程序"
LangString SecProgram ${LANG_ENGLISH} "Service Desk"
LangString SecDesktop ${LANG_SIMPCHINESE} "桌面快捷方式"
LangString SecDesktop ${LANG_ENGLISH} "Desktop shortcut"
LangString SecLogin ${LANG_SIMPCHINESE} "登录时自动启动"
LangString SecLogin ${LANG_ENGLISH} "Start at sign-in"
LangString DescProgram ${LANG_SIMPCHINESE} "servicedesk.exe（窗口程序）、servicedesk-cli.exe（命令行：verify、report、export）、说明、许可证和开始菜单快捷方式。"
LangString DescProgram ${LANG_ENGLISH} "servicedesk.exe (the window), servicedesk-cli.exe (commands: verify, report, export), README, licences and the Start-menu shortcut."
LangString DescDesktop ${LANG_SIMPCHINESE} "在桌面放一个“服务台”快捷方式。"
LangString DescDesktop ${LANG_ENGLISH} "Put a Service Desk shortcut on the desktop."
LangString DescLogin ${LANG_SIMPCHINESE} "登录 Windows 后直接打开服务台（为所有用户安装时对每个账户生效）。"
LangString DescLogin ${LANG_ENGLISH} "Open Service Desk right after signing in (for every account when installed for all users)."

Function un.onInit
  SetRegView 64
  !insertmacro MULTIUSER_UNINIT
FunctionEnd

; Replacing servicedesk.exe while a counter runs it fails on Windows: ask.
!macro CheckNotRunning
  retry:
  ClearErrors
  ${If} ${FileExists} "$INSTDIR\servicedesk.exe"
    FileOpen $0 "$INSTDIR\servicedesk.exe" a
    ${If} ${Errors}
      MessageBox MB_ICONEXCLAMATION|MB_RETRYCANCEL "$(StillRunning)" /SD IDCANCEL IDRETRY retry
      Abort
    ${EndIf}
    FileClose $0
  ${EndIf}
!macroend

Section "!$(SecProgram)" SecProgram
  SectionIn RO
  SetOutPath "$INSTDIR"
  !insertmacro CheckNotRunning
  File "${STAGE}\servicedesk.exe"
  File "${STAGE}\servicedesk-cli.exe"
  File "${STAGE}\README.txt"
  File "${STAGE}\LICENSE.txt"
  File "${STAGE}\THIRD_PARTY_NOTICES.txt"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortCut "$SMPROGRAMS\${SHORTCUT}.lnk" "$INSTDIR\servicedesk.exe" "" "$INSTDIR\servicedesk.exe" 0

  WriteRegStr SHCTX "${SETTINGSKEY}" "InstallDir" "$INSTDIR"
  WriteRegStr SHCTX "${SETTINGSKEY}" "InstallMode" "$MultiUser.InstallMode"
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayName" "服务台 Service Desk"
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTKEY}" "Publisher" "Service Desk"
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\servicedesk.exe,0"
  WriteRegStr SHCTX "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe" /$MultiUser.InstallMode'
  WriteRegStr SHCTX "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /$MultiUser.InstallMode /S'
  WriteRegDWORD SHCTX "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD SHCTX "${UNINSTKEY}" "EstimatedSize" $0
SectionEnd

Section "$(SecDesktop)" SecDesktop
  CreateShortCut "$DESKTOP\${SHORTCUT}.lnk" "$INSTDIR\servicedesk.exe" "" "$INSTDIR\servicedesk.exe" 0
SectionEnd

Section /o "$(SecLogin)" SecLogin
  WriteRegStr SHCTX "${RUNKEY}" "ServiceDesk" '"$INSTDIR\servicedesk.exe"'
SectionEnd

; Command line (also for silent installs, /S): /CurrentUser or /AllUsers,
; /StartAtLogin (tick the login entry), /NoDesktop (no desktop shortcut).
Function .onInit
  ${IfNot} ${RunningX64}
  ${OrIfNot} ${AtLeastWin10}
    MessageBox MB_ICONSTOP|MB_OK "$(NeedWin10)" /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  !insertmacro MULTIUSER_INIT
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/StartAtLogin" $R1
  ${IfNot} ${Errors}
    SectionSetFlags ${SecLogin} ${SF_SELECTED}
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/NoDesktop" $R1
  ${IfNot} ${Errors}
    SectionSetFlags ${SecDesktop} 0
  ${EndIf}
FunctionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecProgram} "$(DescProgram)"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "$(DescDesktop)"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecLogin} "$(DescLogin)"
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; The uninstaller removes what the installer put there and nothing else:
; the data folder %LOCALAPPDATA%\ServiceDesk is never touched.
Section "Uninstall"
  !insertmacro CheckNotRunning
  Delete "$INSTDIR\servicedesk.exe"
  Delete "$INSTDIR\servicedesk-cli.exe"
  Delete "$INSTDIR\README.txt"
  Delete "$INSTDIR\LICENSE.txt"
  Delete "$INSTDIR\THIRD_PARTY_NOTICES.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${SHORTCUT}.lnk"
  Delete "$DESKTOP\${SHORTCUT}.lnk"
  DeleteRegValue SHCTX "${RUNKEY}" "ServiceDesk"
  DeleteRegKey SHCTX "${UNINSTKEY}"
  DeleteRegKey SHCTX "${SETTINGSKEY}"
SectionEnd
