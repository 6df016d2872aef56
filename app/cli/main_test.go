package cli

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestMain runs the GUI on the main goroutine when a test starts this binary
// again with SD_GUI_CHILD (Fyne needs the main goroutine; tests run on
// others). Message boxes are written to stderr between ALERT lines.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv("SD_GUI_CHILD"); ok {
		e := env{stdout: os.Stdout, stderr: os.Stderr, alert: func(title, msg string, useFyne bool) {
			fmt.Fprintf(os.Stderr, "ALERT %s\n%s\nEND ALERT\n", title, msg)
		}}
		os.Exit(e.run(strings.Fields(args)))
	}
	os.Exit(m.Run())
}
