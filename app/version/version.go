// Package version holds build metadata stamped in by the linker:
//
//	go build -ldflags "-X servicedesk/app/version.Version=v0.1.0 -X servicedesk/app/version.Commit=abc1234"
//
// `make dist` sets both from git. A plain `go run .` or `go build` leaves them "dev".
package version

// Version is the release, from `git describe --tags --always --dirty`.
var Version = "dev"

// Commit is the short commit hash the binary was built from.
var Commit = "dev"

// String is "Version (Commit)", or just Version when the two are equal.
func String() string {
	if Commit == "" || Commit == Version {
		return Version
	}
	return Version + " (" + Commit + ")"
}
