package app

import (
	"fmt"

	"fyne.io/fyne/v2/lang"

	"servicedesk/assets"
)

// LoadLanguage registers the app's translations for code ("zh" or "en").
// UI strings are written in Chinese and used as translation keys. The chosen
// table is registered for the PC's own locale, so the counter's setting wins
// whatever language Windows or Linux is set to. Fyne keeps translations
// process-wide: call once at start, before building any screen.
func LoadLanguage(code string) error {
	file := "translations/zh.json"
	if code == "en" {
		file = "translations/en.json"
	}
	data, err := assets.Translations.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read translations: %w", err)
	}
	if err := lang.AddTranslationsForLocale(data, lang.SystemLocale()); err != nil {
		return fmt.Errorf("load translations: %w", err)
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
