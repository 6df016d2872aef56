package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"servicedesk/assets"
)

// deskTheme is the default theme with the bundled CJK font (so Chinese renders
// on any counter PC) and larger type for a busy counter.
type deskTheme struct {
	font fyne.Resource
}

// newDeskTheme returns the counter theme.
func newDeskTheme() fyne.Theme {
	return &deskTheme{font: fyne.NewStaticResource("DroidSansFallbackFull.ttf", assets.Font)}
}

// Color keeps the default palette, with a calmer primary blue.
func (t *deskTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNamePrimary {
		return color.NRGBA{R: 0x1e, G: 0x63, B: 0xb5, A: 0xff}
	}
	return theme.DefaultTheme().Color(n, v)
}

// Font returns the CJK font for every style (it has no bold face; Fyne
// emboldens it synthetically).
func (t *deskTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return theme.DefaultTheme().Font(s)
	}
	return t.font
}

// Icon keeps the default icons.
func (t *deskTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// Size enlarges text for reading at arm's length.
func (t *deskTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 16
	case theme.SizeNameHeadingText:
		return 26
	case theme.SizeNameSubHeadingText:
		return 20
	}
	return theme.DefaultTheme().Size(n)
}
