// Package paths says where the app keeps its files on each platform.
//
//	Windows  %LOCALAPPDATA%\ServiceDesk               (C:\Users\<name>\AppData\Local\ServiceDesk)
//	Linux    $XDG_DATA_HOME/servicedesk, else ~/.local/share/servicedesk
//	macOS    ~/Library/Application Support/ServiceDesk
//
// SERVICEDESK_DATA_DIR, when set to an absolute path, overrides all of them
// (a second instance, a demo, a test).
//
// Backups made before each schema migration go to BackupDir, inside the data
// directory, so copying that one folder moves or saves the whole counter.
//
// Version 0.1 kept the Windows data in %APPDATA%\ServiceDesk (the
// roaming profile, copied to a server at every logoff on managed PCs, where a
// live SQLite file does not belong). LegacyDataDir names that place and
// MoveLegacy moves it once to the local folder.
package paths

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// EnvOverride names the environment variable that overrides DataDir.
const EnvOverride = "SERVICEDESK_DATA_DIR"

// DataDir returns the directory that holds the database, the per-install key,
// the print queue and backups. It does not create it: see Ensure.
func DataDir() (string, error) {
	return dataDir(runtime.GOOS, os.Getenv, os.UserHomeDir)
}

// BackupDir returns DataDir()/backups.
func BackupDir() (string, error) {
	d, err := DataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "backups"), nil
}

// Ensure creates dir (and parents) readable only by the current user.
func Ensure(dir string) error {
	return os.MkdirAll(dir, 0o700)
}

// LegacyDataDir is where version 0.1 kept the data: the roaming
// %APPDATA%\ServiceDesk on Windows; "" elsewhere or when SERVICEDESK_DATA_DIR
// is set (then nothing is moved).
func LegacyDataDir() string {
	return legacyDataDir(runtime.GOOS, os.Getenv)
}

func legacyDataDir(goos string, getenv func(string) string) string {
	if goos != "windows" || getenv(EnvOverride) != "" {
		return ""
	}
	d := getenv("APPDATA")
	if d == "" || !isAbs(goos, d) {
		return ""
	}
	return join(goos, d, "ServiceDesk")
}

func dataDir(goos string, getenv func(string) string, home func() (string, error)) (string, error) {
	if d := getenv(EnvOverride); d != "" {
		if !isAbs(goos, d) {
			return "", errors.New("paths: " + EnvOverride + " must be an absolute path")
		}
		return d, nil
	}
	switch goos {
	case "windows":
		// Local, not Roaming: a database, its WAL and the backups stay on
		// this PC (os.UserCacheDir uses the same variable).
		d := getenv("LOCALAPPDATA")
		if d == "" || !isAbs(goos, d) {
			return "", errors.New("paths: %LOCALAPPDATA% is not set")
		}
		return join(goos, d, "ServiceDesk"), nil
	case "darwin", "ios":
		h, err := home()
		if err != nil || h == "" {
			return "", errors.New("paths: no home directory")
		}
		return join(goos, h, "Library", "Application Support", "ServiceDesk"), nil
	default: // linux, the BSDs: XDG base directory spec
		// The spec says relative values are invalid and must be ignored.
		if d := getenv("XDG_DATA_HOME"); d != "" && isAbs(goos, d) {
			return join(goos, d, "servicedesk"), nil
		}
		h, err := home()
		if err != nil || h == "" {
			return "", errors.New("paths: neither $XDG_DATA_HOME nor $HOME is set")
		}
		return join(goos, h, ".local", "share", "servicedesk"), nil
	}
}

// join and isAbs follow goos rather than the host, so the Windows rules can be
// tested on Linux and the other way round.
func join(goos string, elem ...string) string {
	if goos != "windows" {
		return filepath.ToSlash(filepath.Join(elem...))
	}
	out := elem[0]
	for _, e := range elem[1:] {
		if len(out) > 0 && out[len(out)-1] != '\\' && out[len(out)-1] != '/' {
			out += `\`
		}
		out += e
	}
	return out
}

func isAbs(goos, p string) bool {
	if goos != "windows" {
		return len(p) > 0 && p[0] == '/'
	}
	// C:\x, C:/x, \\server\share
	if len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') {
		return true
	}
	return len(p) >= 2 && (p[:2] == `\\` || p[:2] == "//")
}
