package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"servicedesk/assets"
)

// Theme choices stored in the settings (ledger.Settings.Theme).
const (
	themeSystem = ""      // follow the system (or FYNE_THEME)
	themeLight  = "light" // light, whatever the system says
	themeDark   = "dark"  // dark, whatever the system says
)

// Colour names of our own.
const (
	// colorNameFocusRing outlines the focused action button.
	colorNameFocusRing fyne.ThemeColorName = "servicedesk.focusRing"
	// colorNameCollect is the amount the clerk collects (应收, red).
	colorNameCollect fyne.ThemeColorName = "servicedesk.collect"
	// colorNameRefund is the amount the clerk pays out (应退, green).
	colorNameRefund fyne.ThemeColorName = "servicedesk.refund"
)

// deskTheme is the default theme with the bundled CJK font (so Chinese renders
// on any counter PC), larger type for a busy counter, and a palette whose
// warning, status and disabled text stay readable (contrast ≥ 4.5:1) in
// both variants. choice fixes the variant ("light", "dark") or follows the
// system ("").
type deskTheme struct {
	font   fyne.Resource
	choice string
}

// newDeskTheme returns the counter theme for a theme choice.
func newDeskTheme(choice string) fyne.Theme {
	return &deskTheme{font: fyne.NewStaticResource("DroidSansFallbackFull.ttf", assets.Font), choice: choice}
}

// palettes holds the colours that differ from Fyne's defaults, per variant.
var palettes = map[fyne.ThemeVariant]map[fyne.ThemeColorName]color.NRGBA{
	theme.VariantLight: {
		theme.ColorNamePrimary:             {R: 0x1e, G: 0x63, B: 0xb5, A: 0xff},
		theme.ColorNameForeground:          {R: 0x21, G: 0x21, B: 0x21, A: 0xff},
		theme.ColorNameForegroundOnPrimary: {R: 0xff, G: 0xff, B: 0xff, A: 0xff},
		theme.ColorNameWarning:             {R: 0xa8, G: 0x4b, B: 0x00, A: 0xff},
		theme.ColorNameForegroundOnWarning: {R: 0xff, G: 0xff, B: 0xff, A: 0xff},
		theme.ColorNameSuccess:             {R: 0x1b, G: 0x6e, B: 0x2a, A: 0xff},
		theme.ColorNameForegroundOnSuccess: {R: 0xff, G: 0xff, B: 0xff, A: 0xff},
		theme.ColorNameError:               {R: 0xc2, G: 0x1f, B: 0x1f, A: 0xff},
		theme.ColorNameForegroundOnError:   {R: 0xff, G: 0xff, B: 0xff, A: 0xff},
		theme.ColorNameDisabled:            {R: 0x5c, G: 0x5c, B: 0x5c, A: 0xff},
		theme.ColorNameDisabledButton:      {R: 0xe6, G: 0xe6, B: 0xe6, A: 0xff},
		theme.ColorNamePlaceHolder:         {R: 0x63, G: 0x63, B: 0x63, A: 0xff},
		theme.ColorNameFocus:               {R: 0x1e, G: 0x63, B: 0xb5, A: 0x55},
		colorNameFocusRing:                 {R: 0xd8, G: 0x43, B: 0x15, A: 0xff},
		colorNameCollect:                   {R: 0xc2, G: 0x1f, B: 0x1f, A: 0xff},
		colorNameRefund:                    {R: 0x1b, G: 0x6e, B: 0x2a, A: 0xff},
	},
	theme.VariantDark: {
		theme.ColorNamePrimary:             {R: 0x6c, G: 0xa8, B: 0xf0, A: 0xff},
		theme.ColorNameForeground:          {R: 0xf3, G: 0xf3, B: 0xf3, A: 0xff},
		theme.ColorNameForegroundOnPrimary: {R: 0x10, G: 0x10, B: 0x12, A: 0xff},
		theme.ColorNameWarning:             {R: 0xff, G: 0xb3, B: 0x4d, A: 0xff},
		theme.ColorNameForegroundOnWarning: {R: 0x10, G: 0x10, B: 0x12, A: 0xff},
		theme.ColorNameSuccess:             {R: 0x6f, G: 0xd3, B: 0x7a, A: 0xff},
		theme.ColorNameForegroundOnSuccess: {R: 0x10, G: 0x10, B: 0x12, A: 0xff},
		theme.ColorNameError:               {R: 0xff, G: 0x7a, B: 0x70, A: 0xff},
		theme.ColorNameForegroundOnError:   {R: 0x10, G: 0x10, B: 0x12, A: 0xff},
		theme.ColorNameDisabled:            {R: 0xa6, G: 0xa6, B: 0xa6, A: 0xff},
		theme.ColorNameDisabledButton:      {R: 0x30, G: 0x31, B: 0x36, A: 0xff},
		theme.ColorNamePlaceHolder:         {R: 0xb2, G: 0xb2, B: 0xb2, A: 0xff},
		theme.ColorNameFocus:               {R: 0x6c, G: 0xa8, B: 0xf0, A: 0x55},
		colorNameFocusRing:                 {R: 0xff, G: 0xc1, B: 0x07, A: 0xff},
		colorNameCollect:                   {R: 0xff, G: 0x7a, B: 0x70, A: 0xff},
		colorNameRefund:                    {R: 0x6f, G: 0xd3, B: 0x7a, A: 0xff},
	},
}

// variant is the variant to draw: the fixed choice, or v from the system.
func (t *deskTheme) variant(v fyne.ThemeVariant) fyne.ThemeVariant {
	switch t.choice {
	case themeLight:
		return theme.VariantLight
	case themeDark:
		return theme.VariantDark
	}
	return v
}

// Color returns the counter palette over Fyne's defaults.
func (t *deskTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	v = t.variant(v)
	if c, ok := palettes[v][n]; ok {
		return c
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
