package cli

import (
	"fmt"
	"os/exec"
	"runtime"
)

// openFileFunc returns how the GUI opens a report on this system: on Linux
// and the BSDs xdg-open, waited for, so a missing PDF viewer is an error
// the screen can explain (the toolkit's own opener starts xdg-open and
// never hears that it failed); elsewhere nil, the toolkit's opener.
func openFileFunc() func(path string) error {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd":
		return func(path string) error {
			out, err := exec.Command("xdg-open", path).CombinedOutput()
			if err != nil {
				return fmt.Errorf("xdg-open %s: %w: %s", path, err, out)
			}
			return nil
		}
	}
	return nil
}
