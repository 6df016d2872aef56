//go:build !windows

package cli

// consoleless is false outside Windows: a Linux program always has its
// stdout (a terminal, a pipe or the desktop session's log).
func consoleless() bool { return false }
