package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// kioskTheme is the counter theme with touch-sized type and controls: a
// customer reads it standing, a finger taps it.
type kioskTheme struct{ fyne.Theme }

// newKioskTheme wraps the desk theme (bundled CJK font, palettes).
func newKioskTheme() fyne.Theme { return kioskTheme{newDeskTheme("")} }

// Size scales text by 1.6 and the touch targets' padding by 1.5.
func (t kioskTheme) Size(n fyne.ThemeSizeName) float32 {
	s := t.Theme.Size(n)
	switch n {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText, theme.SizeNameCaptionText:
		return s * 1.6
	case theme.SizeNameInlineIcon:
		return s * 1.8
	case theme.SizeNamePadding, theme.SizeNameInnerPadding:
		return s * 1.5
	}
	return s
}
