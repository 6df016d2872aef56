package app

import (
	"encoding/json"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/image/font/sfnt"

	"servicedesk/assets"
)

var literal = regexp.MustCompile(`"(?:[^"\\\n]|\\.)*"`)

// TestFontCoversEveryChineseString checks that every non-ASCII rune the UI
// shows has a glyph in the bundled CJK font or in Fyne's own font (its
// fallback), so no screen shows empty boxes on a PC without Chinese fonts.
func TestFontCoversEveryChineseString(t *testing.T) {
	f, err := sfnt.Parse(assets.Font)
	if err != nil {
		t.Fatal(err)
	}
	fallback, err := sfnt.Parse(theme.DefaultTextFont().Content())
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := assets.Translations.ReadFile("translations/zh.json")
	var table map[string]any
	if err := json.Unmarshal(raw, &table); err != nil {
		t.Fatal(err)
	}
	strs := make([]string, 0, len(table))
	for k := range table {
		strs = append(strs, k)
	}
	// String literals drawn without translation (marks, separators).
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, _ := os.ReadFile(name)
		for _, m := range literal.FindAllString(string(src), -1) {
			if s, err := strconv.Unquote(m); err == nil {
				strs = append(strs, s)
			}
		}
	}
	var buf sfnt.Buffer
	checked := 0
	for _, k := range strs {
		for _, r := range k {
			if r < 0x80 || unicode.IsSpace(r) {
				continue
			}
			gi, err := f.GlyphIndex(&buf, r)
			if err != nil || gi == 0 {
				gi, err = fallback.GlyphIndex(&buf, r)
			}
			if err != nil || gi == 0 {
				t.Errorf("no glyph for %q (U+%04X) in %q", r, r, k)
			}
			checked++
		}
	}
	if checked < 500 {
		t.Fatalf("checked only %d runes", checked)
	}
}

// inkBounds returns the bounding box of pixels that differ from the
// background colour at the image's corner.
func inkBounds(img image.Image) (image.Rectangle, int) {
	bg := color.NRGBAModel.Convert(img.At(0, 0)).(color.NRGBA)
	var box image.Rectangle
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if c != bg {
				n++
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return box, n
}

// TestLoginScreenRendersChinese renders the login screen with the software
// painter and checks that the Chinese title and labels put ink on the page,
// and that the title is drawn as glyphs, not as the same box repeated.
func TestLoginScreenRendersChinese(t *testing.T) {
	h := newHarness(t, true)
	img := h.win.Canvas().Capture()
	box, n := inkBounds(img)
	if n < 2000 || box.Dx() < 300 {
		t.Fatalf("login screen nearly empty: %d ink pixels in %v", n, box)
	}
	// Two different Chinese strings of the same length must render
	// differently: tofu boxes would look alike.
	a := test.NewTempApp(t)
	ApplyTheme(a)
	shot := func(s string) image.Image {
		w := a.NewWindow("")
		l := newRenderLabel(s)
		w.SetContent(l)
		defer w.Close()
		return w.Canvas().Capture()
	}
	i1, i2 := shot("雨伞押金"), shot("童车归还")
	_, n1 := inkBounds(i1)
	if n1 < 50 {
		t.Fatalf("Chinese label drew %d pixels", n1)
	}
	same := true
	for y := 0; y < i1.Bounds().Dy() && same; y++ {
		for x := 0; x < i1.Bounds().Dx(); x++ {
			if i1.At(x, y) != i2.At(x, y) {
				same = false
				break
			}
		}
	}
	if same {
		t.Fatal("different Chinese strings render identically: glyphs are missing")
	}
}

// newRenderLabel is a plain label for rendering checks.
func newRenderLabel(s string) *widget.Label { return widget.NewLabel(s) }
