package app

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// over composites c over an opaque background.
func over(c, bg color.Color) color.NRGBA {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	b := color.NRGBAModel.Convert(bg).(color.NRGBA)
	a := float64(n.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{R: mix(n.R, b.R), G: mix(n.G, b.G), B: mix(n.B, b.B), A: 255}
}

// luminance is the WCAG 2 relative luminance of an opaque colour.
func luminance(c color.NRGBA) float64 {
	ch := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(c.R) + 0.7152*ch(c.G) + 0.0722*ch(c.B)
}

// contrast is the WCAG contrast ratio of fg drawn over bg.
func contrast(fg, bg color.Color) float64 {
	b := over(bg, color.White)
	f := over(fg, b)
	l1, l2 := luminance(f), luminance(b)
	if l1 < l2 {
		l1, l2 = l2, l1
	}
	return (l1 + 0.05) / (l2 + 0.05)
}

// near reports whether two colours match within rendering tolerance.
func near(a, b color.Color) bool {
	x := color.NRGBAModel.Convert(a).(color.NRGBA)
	y := color.NRGBAModel.Convert(b).(color.NRGBA)
	d := func(p, q uint8) int {
		if p > q {
			return int(p - q)
		}
		return int(q - p)
	}
	return d(x.R, y.R) <= 12 && d(x.G, y.G) <= 12 && d(x.B, y.B) <= 12
}

// contrastPairs are the text colours the counter relies on and what they
// are drawn on: warning, status and disabled text on the window, cards,
// dialogs, menus and inputs; disabled button labels on disabled buttons;
// labels of coloured buttons on their colour.
func contrastPairs() []struct {
	what   string
	fg, bg fyne.ThemeColorName
} {
	type pair = struct {
		what   string
		fg, bg fyne.ThemeColorName
	}
	var out []pair
	texts := map[string]fyne.ThemeColorName{
		"text": theme.ColorNameForeground, "warning text": theme.ColorNameWarning,
		"success/status text": theme.ColorNameSuccess, "error text": theme.ColorNameError,
		"primary text": theme.ColorNamePrimary, "disabled text": theme.ColorNameDisabled,
		"placeholder": theme.ColorNamePlaceHolder, "应收 amount": colorNameCollect, "应退 amount": colorNameRefund,
	}
	grounds := map[string]fyne.ThemeColorName{
		"window": theme.ColorNameBackground, "dialog": theme.ColorNameOverlayBackground,
		"menu": theme.ColorNameMenuBackground, "input": theme.ColorNameInputBackground,
		"header": theme.ColorNameHeaderBackground,
	}
	for tn, fg := range texts {
		for gn, bg := range grounds {
			out = append(out, pair{tn + " on " + gn, fg, bg})
		}
	}
	return append(out,
		pair{"disabled button label", theme.ColorNameDisabled, theme.ColorNameDisabledButton},
		pair{"button label", theme.ColorNameForeground, theme.ColorNameButton},
		pair{"primary button label", theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary},
		pair{"warning button label", theme.ColorNameForegroundOnWarning, theme.ColorNameWarning},
		pair{"danger button label", theme.ColorNameForegroundOnError, theme.ColorNameError},
		pair{"success button label", theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess})
}

// lowContrast lists the pairs of th under 4.5:1 in variant v.
func lowContrast(th fyne.Theme, v fyne.ThemeVariant) []string {
	var bad []string
	for _, p := range contrastPairs() {
		if r := contrast(th.Color(p.fg, v), th.Color(p.bg, v)); r < 4.5 {
			bad = append(bad, p.what)
		}
	}
	return bad
}

// TestThemeContrast: in the light and the dark theme, warning text,
// disabled buttons, status text (and every other text colour the screens
// use) reach 4.5:1 against what they are drawn on; the focus ring 3:1.
func TestThemeContrast(t *testing.T) {
	for _, c := range []struct {
		choice  string
		variant fyne.ThemeVariant
	}{{themeLight, theme.VariantLight}, {themeDark, theme.VariantDark}} {
		th := newDeskTheme(c.choice)
		// The choice fixes the variant whatever the system asks for.
		for _, asked := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
			if th.Color(theme.ColorNameBackground, asked) != th.Color(theme.ColorNameBackground, c.variant) {
				t.Errorf("%s theme follows the system's variant", c.choice)
			}
		}
		for _, p := range contrastPairs() {
			r := contrast(th.Color(p.fg, c.variant), th.Color(p.bg, c.variant))
			if r < 4.5 {
				t.Errorf("%s theme: %s contrast %.2f < 4.5", c.choice, p.what, r)
			}
		}
		if r := contrast(th.Color(colorNameFocusRing, c.variant), th.Color(theme.ColorNameBackground, c.variant)); r < 3 {
			t.Errorf("%s theme: focus ring contrast %.2f < 3", c.choice, r)
		}
	}
	// The check can fail: Fyne's stock light palette (the orange warning
	// text and grey disabled labels the counter had) does not pass.
	if bad := lowContrast(theme.DefaultTheme(), theme.VariantLight); len(bad) < 3 {
		t.Fatalf("stock theme passes too easily: %v", bad)
	}
}
