package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"servicedesk/assets"
)

// aboutBox holds the About box's widgets for tests.
type aboutBox struct {
	// licences opens the licence and third-party notices.
	licences *widget.Button
	// notices lists assets.Notices line by line once opened.
	notices *widget.List
	lines   []string
}

// showAbout shows the About box: version, database, the licence and a
// button for the third-party notices.
func (u *UI) showAbout() {
	label := widget.NewLabel(u.aboutText())
	label.Wrapping = fyne.TextWrapWord
	note := widget.NewLabel(T("本程序以 MIT 许可证发布，并使用了开源组件（各自的许可证见声明）。"))
	note.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	u.about.licences = widget.NewButton(T("许可证与第三方声明"), func() {
		d.Hide()
		u.showNotices()
	})
	content := container.NewGridWrap(fyne.NewSize(460, 180), container.NewVBox(label, note, u.about.licences))
	d = dialog.NewCustom(T("关于"), T("知道了"), content, u.win)
	u.showMessage(d)
}

// showNotices shows assets.Notices (several thousand lines) in a list that
// only lays out the visible lines.
func (u *UI) showNotices() {
	u.about.lines = strings.Split(strings.ReplaceAll(assets.Notices, "\r\n", "\n"), "\n")
	lines := u.about.lines
	u.about.notices = widget.NewList(
		func() int { return len(lines) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(lines[i]) },
	)
	box := container.NewGridWrap(fyne.NewSize(860, 560), u.about.notices)
	u.showMessage(dialog.NewCustom(T("许可证与第三方声明"), T("关闭"), box, u.win))
}
