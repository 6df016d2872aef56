package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"servicedesk/ledger"
)

func TestAdminAddsResetsAndDisablesStaff(t *testing.T) {
	h := newHarness(t, true)
	sh := h.mustShell("admin")
	sh.open("staff")
	s := sh.screens["staff"].(*staffScreen)
	if len(s.staff) != 4 {
		t.Fatalf("accounts listed = %d", len(s.staff))
	}
	test.Type(s.username, "zhou")
	test.Type(s.name, "周新人")
	s.role.SetSelectedIndex(0)
	test.Type(s.password, "short")
	test.Tap(s.add)
	if s.message.Text != "密码须为8到128个字符" || len(s.staff) != 4 {
		t.Fatalf("bad password: %q, %d accounts", s.message.Text, len(s.staff))
	}
	s.password.SetText("welcome2026")
	test.Tap(s.add)
	if len(s.staff) != 5 || !strings.Contains(s.message.Text, "周新人") {
		t.Fatalf("add: %q, %d accounts", s.message.Text, len(s.staff))
	}
	if !strings.Contains(s.line(s.staff[4]), "待改密码") {
		t.Fatalf("new account must change its password: %s", s.line(s.staff[4]))
	}
	// Disable the clerk; accounts are never deleted.
	for i, st := range s.staff {
		if st.Username == "li" {
			s.list.Select(i)
		}
	}
	test.Tap(s.disable)
	if !strings.Contains(s.message.Text, "已停用") {
		t.Fatalf("disable: %q", s.message.Text)
	}
	h.ui.Logout()
	h.login("li", pw)
	if h.ui.login.message.Text != "该账户已停用，请联系管理员" {
		t.Fatalf("disabled login: %q", h.ui.login.message.Text)
	}
	// The new member must choose a password at first login.
	h.login("zhou", "welcome2026")
	if h.ui.passwd == nil || h.win.Content() != h.ui.passwd.root {
		t.Fatal("first login did not force a password change")
	}
}

func TestSettingsScreenValidatesAndSaves(t *testing.T) {
	h := newHarness(t, true)
	sh := h.mustShell("admin")
	sh.open("settings")
	s := sh.screens["settings"].(*settingsScreen)
	if s.deposit.Text != "50.00" || s.idle.Text != "5" {
		t.Fatalf("form: deposit=%q idle=%q", s.deposit.Text, s.idle.Text)
	}
	before := len(h.journalKinds())
	s.deposit.SetText("-3")
	test.Tap(s.save)
	if !strings.Contains(s.message.Text, "金额格式不正确") || len(h.journalKinds()) != before {
		t.Fatalf("bad deposit: %q", s.message.Text)
	}
	s.deposit.SetText("30")
	s.prices.SetText("伞骨折断=20\n伞面破损")
	test.Tap(s.save)
	if !strings.Contains(s.message.Text, "第 2 行") || len(h.journalKinds()) != before {
		t.Fatalf("bad price list: %q", s.message.Text)
	}
	s.prices.SetText("伞骨折断=25\n伞面破损=15")
	s.idle.SetText("2")
	test.Tap(s.save)
	set, _ := h.svc.Settings.Settings(h.ui.ctx)
	if set.UmbrellaDeposit != ledger.Yuan(30) || len(set.DamagePrices) != 2 || set.DamagePrices[0].Price != ledger.Yuan(25) || set.IdleLock.Minutes() != 2 {
		t.Fatalf("saved settings = %+v (%q)", set, s.message.Text)
	}
	kinds := h.journalKinds()
	if kinds[len(kinds)-1] != "settings.update" {
		t.Fatalf("settings change not journaled: %v", kinds[len(kinds)-3:])
	}
	// The lending screen now asks for the new deposit.
	u := h.lending(ledger.KindUmbrella)
	if !strings.Contains(u.reminder.Text, "￥30.00") {
		t.Fatalf("reminder = %q", u.reminder.Text)
	}
}

func TestAboutShowsVersion(t *testing.T) {
	h := newHarness(t, true)
	h.ui.cfg.Version = "v1.2.3"
	h.ui.cfg.DataPath = "/data/servicedesk.db"
	sh := h.mustShell("li")
	test.Tap(sh.status.about)
	if h.ui.message == nil {
		t.Fatal("no About box")
	}
	if txt := h.ui.aboutText(); !strings.Contains(txt, "版本：v1.2.3") || !strings.Contains(txt, "/data/servicedesk.db") {
		t.Fatalf("about = %q", txt)
	}
}
