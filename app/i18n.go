package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/lang"

	"servicedesk/assets"
	"servicedesk/ledger"
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

// errText is the clerk's message for err in the UI language: a ledger
// error's format is looked up in the translation table and filled with its
// arguments (nested errors and Chinese labels translated too); anything
// else is the generic internal-error message.
func errText(err error) string {
	if err == nil {
		return ""
	}
	e := ledger.AsError(err)
	if e == nil {
		return T(ledger.InternalMessage)
	}
	if e.Format == "" {
		return T(e.Message)
	}
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		args[i] = trArg(a)
	}
	return fmt.Sprintf(T(e.Format), args...)
}

// trArg translates one argument of an error message: nested errors and
// strings that are translation keys (labels such as 雨伞); other values
// (numbers, amounts, item numbers, names) are shown as they are.
func trArg(a any) any {
	switch v := a.(type) {
	case *ledger.Error:
		return errText(v)
	case string:
		if strings.Contains(v, "{{") {
			return v
		}
		return T(v)
	}
	return a
}
