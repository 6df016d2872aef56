package app

import (
	"fmt"

	"fyne.io/fyne/v2/lang"

	"servicedesk/assets"
)

// LoadLanguage registers the app's translations. The UI strings are written
// in Chinese and used as translation keys, so Chinese needs no table. For
// English the English table is registered for the system's own locale, so
// it wins whatever the PC's locale is. Fyne keeps translations process-wide:
// call once at start, before building any screen.
func LoadLanguage(code string) error {
	if code != "en" {
		return nil
	}
	data, err := assets.Translations.ReadFile("translations/en.json")
	if err != nil {
		return fmt.Errorf("read english translations: %w", err)
	}
	if err := lang.AddTranslationsForLocale(data, lang.SystemLocale()); err != nil {
		return fmt.Errorf("load english translations: %w", err)
	}
	return nil
}

// T translates a Chinese UI string (and formats it with args, if any).
func T(s string, args ...any) string {
	tr := lang.L(s)
	if len(args) > 0 {
		return fmt.Sprintf(tr, args...)
	}
	return tr
}
