// Package assets embeds the files the app ships with: the CJK font, the icon,
// chimes and translations.
package assets

import (
	"embed"
	_ "embed"
)

// Font is DroidSansFallbackFull.ttf (Apache-2.0): one TrueType font with CJK
// glyphs used by the GUI and the PDF.
//
//go:embed DroidSansFallbackFull.ttf
var Font []byte

// Translations holds the fyne/v2/lang JSON files (zh.json, en.json).
//
//go:embed translations
var Translations embed.FS

// Chime is the PA chime played before an announcement: four rising bell
// notes, 22.05 kHz mono WAV, built by scripts/make-chime.sh.
//
//go:embed chime.wav
var Chime []byte

// Notices is THIRD_PARTY_NOTICES.txt: the project's licence and the licence
// texts of every component linked into the program, generated from the
// module graph by scripts/notices (make notices) and shown in the About box.
//
//go:embed THIRD_PARTY_NOTICES.txt
var Notices string
