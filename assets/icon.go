package assets

import _ "embed"

// Icon is the 512x512 app icon (assets/icon/icon.png, made by
// scripts/make-icon.sh). Plain `go build` does not read FyneApp.toml, so the
// app sets it itself: a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon)).
// The Windows .exe additionally carries assets/icon/icon.ico as a resource.
//
//go:embed icon/icon.png
var Icon []byte
