// Package localefix keeps the GUI toolkit quiet about POSIX locales.
//
// Fyne's translation package reads the locale from the environment while
// the program initialises and logs three "Fyne error: Error parsing user
// locale C" lines when it is "C.UTF-8" (Debian's and Docker's default): the
// "C" language is not a language tag. Every command-line subcommand would
// print them. This package's init runs before Fyne's (Go initialises
// packages in import-path order once their imports are ready, and Fyne's
// translations wait for text/template, which sorts after servicedesk/...),
// and sets LANGUAGE=en for such locales, which the locale lookup then uses
// instead. Nothing else changes: the counter's language is its own setting,
// and programs started from here see LANGUAGE only while the locale is C,
// where gettext ignores it.
//
// Import it for its side effect, before any Fyne package, from the
// command-line entry point: import _ "servicedesk/app/cli/localefix".
package localefix

import (
	"os"
	"strings"
)

func init() { Apply(os.Getenv, os.Setenv) }

// Apply sets LANGUAGE=en when the effective locale (LC_ALL, LC_MESSAGES or
// LANG, the first one set) names the POSIX locale with an encoding or
// modifier ("C.UTF-8", "POSIX.utf8", "C@euro") and LANGUAGE is unset.
// It reports whether it changed anything.
func Apply(getenv func(string) string, setenv func(string, string) error) bool {
	loc := ""
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = getenv(name); loc != "" {
			break
		}
	}
	if loc == "" || loc == "C" || loc == "POSIX" || getenv("LANGUAGE") != "" {
		return false
	}
	lang := strings.FieldsFunc(loc, func(r rune) bool { return r == '.' || r == '@' || r == '_' })
	if len(lang) == 0 || lang[0] == "C" || lang[0] == "POSIX" {
		return setenv("LANGUAGE", "en") == nil
	}
	return false
}
