package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// statusBar shows who is on duty, the devices' state and the clock.
type statusBar struct {
	u       *UI
	root    fyne.CanvasObject
	staff   *widget.Label
	printer *widget.Label
	reader  *widget.Label
	queue   *widget.Label
	clock   *widget.Label
	logout  *widget.Button
	passwd  *widget.Button
	about   *widget.Button
}

func (u *UI) newStatusBar() *statusBar {
	b := &statusBar{u: u}
	b.staff = widget.NewLabel("")
	b.printer = widget.NewLabel("")
	b.reader = widget.NewLabel("")
	b.queue = widget.NewLabel("")
	b.clock = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})
	b.logout = widget.NewButtonWithIcon(T("交班"), theme.LogoutIcon(), func() { u.startHandover() })
	b.passwd = widget.NewButton(T("改密码"), func() { u.showChangePassword(false) })
	b.about = widget.NewButtonWithIcon("", theme.InfoIcon(), func() { u.showAbout() })
	// The texts share what the buttons leave and shorten with "…" rather
	// than push the buttons off a narrow screen.
	for _, l := range []*widget.Label{b.staff, b.printer, b.reader, b.queue, b.clock} {
		l.Truncation = fyne.TextTruncateEllipsis
	}
	b.root = container.NewBorder(nil, nil, nil,
		container.NewHBox(b.passwd, b.logout, b.about),
		container.New(&shareLayout{weights: []float32{3, 2, 2, 2, 2}}, b.staff, b.printer, b.reader, b.queue, b.clock))
	return b
}

// deviceText formats one device state for the bar.
func deviceText(name string, src func() DeviceState) (string, widget.Importance) {
	if src == nil {
		return name + T("：未配置"), widget.LowImportance
	}
	st := src()
	if st.Off {
		return name + "：" + T(st.Label), widget.LowImportance
	}
	if st.Unknown {
		return name + "：" + T(st.Label), widget.MediumImportance
	}
	if st.OK {
		return name + "：" + T(st.Label), widget.SuccessImportance
	}
	return name + "：" + T(st.Label), widget.DangerImportance
}

// refresh updates every field; the app calls it every second via fyne.Do.
func (b *statusBar) refresh() {
	u := b.u
	st := u.Staff()
	staff := T("当班：%s（%s）", st.Name, T(st.Role.Label()))
	if code := u.sharedDesk(); code != "" {
		staff = T("服务台 %s", code) + " · " + staff
	}
	b.staff.SetText(staff)
	text, imp := deviceText(T("打印机"), u.cfg.Printer)
	b.printer.Importance = imp
	b.printer.SetText(text)
	text, imp = deviceText(T("读卡器"), u.cfg.CardReader)
	b.reader.Importance = imp
	b.reader.SetText(text)
	b.queue.SetText("")
	if u.offline {
		// The shared database is down: say so where the eye goes, in plain
		// words, and what it means for the counter.
		b.queue.Importance = widget.DangerImportance
		b.queue.SetText(T("数据库未连接：暂停借还，恢复后自动继续"))
	} else if u.svc.Print != nil {
		if n, err := u.svc.Print.PendingCount(u.ctx); err == nil && n > 0 {
			b.queue.Importance = widget.WarningImportance
			b.queue.SetText(T("待打印 %d 张", n))
		}
	}
	b.clock.SetText(u.now().Format("01-02 15:04:05"))
}

// aboutText is the About box's content: version and where the data lives.
func (u *UI) aboutText() string {
	v := u.cfg.Version
	if v == "" {
		v = "dev"
	}
	text := T("服务台 Service Desk") + "\n" + T("版本：%s", v)
	if u.cfg.DataPath != "" {
		text += "\n" + T("数据库：%s", u.cfg.DataPath)
	}
	return text
}

// shareLayout places its objects side by side, sharing the width in
// proportion to weights; its minimum width is that of the widest object's
// share, so truncating labels can shrink.
type shareLayout struct{ weights []float32 }

// Layout shares size.Width by the weights.
func (l *shareLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var total float32
	for i := range objs {
		total += l.weights[i]
	}
	x := float32(0)
	for i, o := range objs {
		w := size.Width * l.weights[i] / total
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

// MinSize is the tallest object's height and the narrow objects' widths.
func (l *shareLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		s.Width += m.Width
		s.Height = max(s.Height, m.Height)
	}
	return s
}
