package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// glance is the right-hand "today at a glance" panel.
type glance struct {
	u         *UI
	root      fyne.CanvasObject
	deposits  *widget.Label
	umbrellas *widget.Label
	strollers *widget.Label
	alerts    *widget.Label
	alertList []string
}

func (u *UI) newGlance() *glance {
	g := &glance{u: u}
	big := fyne.TextStyle{Bold: true}
	g.deposits = widget.NewLabelWithStyle("", fyne.TextAlignLeading, big)
	g.umbrellas = widget.NewLabel("")
	g.strollers = widget.NewLabel("")
	g.umbrellas.Wrapping = fyne.TextWrapWord
	g.strollers.Wrapping = fyne.TextWrapWord
	g.alerts = widget.NewLabel("")
	g.alerts.Wrapping = fyne.TextWrapWord
	g.alerts.Importance = widget.WarningImportance
	box := container.NewVBox(
		widget.NewLabelWithStyle(T("今日概览"), fyne.TextAlignLeading, big),
		widget.NewLabel(T("在押押金")), g.deposits,
		widget.NewSeparator(), g.umbrellas, g.strollers,
		widget.NewSeparator(), widget.NewLabel(T("提醒")), g.alerts)
	scroll := container.NewVScroll(box)
	// Opaque: when folded and opened, the panel covers the work area.
	g.root = container.NewStack(newBackground(theme.ColorNameBackground),
		container.NewBorder(nil, nil, widget.NewSeparator(), nil, scroll))
	return g
}

// gist is the panel in one line for the top bar while it is folded:
// deposits held and the alerts.
func (g *glance) gist() string {
	text := T("在押押金") + " " + g.deposits.Text
	for _, a := range g.alertList {
		text += " · ！" + a
	}
	return text
}

// refresh recomputes the panel from the services.
func (g *glance) refresh() {
	u := g.u
	if u.svc.Lending == nil {
		g.deposits.SetText("—")
		return
	}
	held, err := u.svc.Lending.DepositsHeld(u.ctx)
	if err != nil {
		g.deposits.SetText(T("读取失败"))
	} else {
		g.deposits.SetText(held.String())
	}
	for _, k := range []struct {
		kind  ledger.ItemKind
		label *widget.Label
	}{{ledger.KindUmbrella, g.umbrellas}, {ledger.KindStroller, g.strollers}} {
		st, err := u.svc.Lending.Stock(u.ctx, k.kind)
		if err != nil {
			k.label.SetText(T(k.kind.Label()) + "：" + T("读取失败"))
			continue
		}
		k.label.SetText(T("%s：在库 %d，借出 %d，损坏 %d", T(k.kind.Label()), st.OnHand, st.Out, st.Damaged))
	}
	var alerts []string
	loans, _, err := u.svc.Lending.OpenLoans(u.ctx, "", 0, 1000)
	if err == nil {
		overdue := 0
		for _, l := range loans {
			if l.Overdue(u.cfg.Now(), u.settings.OverdueDays) {
				overdue++
			}
		}
		if overdue > 0 {
			alerts = append(alerts, T("逾期未还 %d 件", overdue))
		}
	}
	alerts = append(alerts, u.medLostAlerts()...)
	if u.svc.Print != nil {
		if n, err := u.svc.Print.PendingCount(u.ctx); err == nil && n > 0 {
			alerts = append(alerts, T("未打印小票 %d 张", n))
		}
	}
	g.alertList = alerts
	if len(alerts) == 0 {
		g.alerts.Importance = widget.MediumImportance
		g.alerts.SetText(T("无"))
		return
	}
	g.alerts.Importance = widget.WarningImportance
	text := ""
	for i, a := range alerts {
		if i > 0 {
			text += "\n"
		}
		text += "！" + a
	}
	g.alerts.SetText(text)
}
