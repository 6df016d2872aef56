package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// The About box leads to the licence and the third-party notices; the
// notices list shows every line of the generated file, the linked modules
// and the project's MIT licence among them.
func TestAboutShowsNotices(t *testing.T) {
	h := newHarness(t, true)
	sh := h.mustShell("li")
	test.Tap(sh.status.about)
	if h.ui.message == nil || h.ui.about.licences == nil {
		t.Fatal("no About box with a licences button")
	}
	test.Tap(h.ui.about.licences)
	list := h.ui.about.notices
	if list == nil || h.ui.message == nil {
		t.Fatal("notices not shown")
	}
	lines := h.ui.about.lines
	if n := list.Length(); n != len(lines) || n < 1000 {
		t.Fatalf("notices list has %d rows for %d lines", n, len(lines))
	}
	text := strings.Join(lines, "\n")
	for _, want := range []string{"MIT License", "fyne.io/fyne/v2 v", "github.com/mattn/go-sqlite3 v", "Droid Sans Fallback", "Apache License"} {
		if !strings.Contains(text, want) {
			t.Errorf("notices lack %q", want)
		}
	}
	// Rendered rows carry the file's lines.
	list.ScrollToTop()
	var first *widget.Label
	for _, o := range test.LaidOutObjects(list) {
		if l, ok := o.(*widget.Label); ok && l.Text != "" {
			first = l
			break
		}
	}
	if first == nil || first.Text != lines[0] {
		t.Fatalf("first rendered row = %v, want %q", first, lines[0])
	}
	if sz := list.Size(); sz.Width > 1024 || sz.Height > 768 || sz.Width < 400 {
		t.Errorf("notices list %v does not fit a 1024x768 screen", sz)
	}
}
