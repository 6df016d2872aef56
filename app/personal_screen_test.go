package app

import (
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// seedPeople collects a member and a feedback contact with the same mobile,
// and another member, through the store as the counter's services would.
func (h *harness) seedPeople() (member ledger.PersonRecord) {
	h.t.Helper()
	ctx := context.Background()
	var err error
	member, err = h.svc.Personal.Collect(ctx, h.clerk, ledger.CollectRequest{Purpose: ledger.PurposeMember, UniqueResidentID: true,
		Values: map[ledger.DataKind]string{ledger.DataName: "张三", ledger.DataMobile: "13812345678", ledger.DataResidentID: "11010519491231002X"}})
	if err != nil {
		h.t.Fatal(err)
	}
	for _, req := range []ledger.CollectRequest{
		{Purpose: ledger.PurposeFeedback, Values: map[ledger.DataKind]string{ledger.DataName: "张三", ledger.DataMobile: "13812345678", ledger.DataNote: "投诉停车收费"}},
		{Purpose: ledger.PurposeMember, Values: map[ledger.DataKind]string{ledger.DataName: "李四", ledger.DataMobile: "13900001111"}},
	} {
		if _, err := h.svc.Personal.Collect(ctx, h.clerk, req); err != nil {
			h.t.Fatal(err)
		}
	}
	return member
}

// personal opens the personal-data screen.
func (h *harness) personal() *personalScreen {
	h.t.Helper()
	h.ui.shell.open("personal")
	s, ok := h.ui.shell.screens["personal"].(*personalScreen)
	if !ok {
		h.t.Fatal("no personal-data screen")
	}
	return s
}

// listText is every row of the screen's list as rendered.
func (s *personalScreen) listText() string {
	var rows []string
	for _, r := range s.records {
		rows = append(rows, s.line(r))
	}
	return strings.Join(rows, "\n")
}

// approveAs fills the open approval dialog and taps approve.
func (h *harness) approveAs(user, reason string) *approvalDialog {
	h.t.Helper()
	d := h.ui.lastApproval
	if d == nil {
		h.t.Fatal("no approval dialog")
	}
	d.username.SetText("")
	test.Type(d.username, user)
	test.Type(d.password, pw)
	d.reason.SetText("")
	test.Type(d.reason, reason)
	test.Tap(d.approve)
	return d
}

func TestPersonalScreenFindRevealExportErase(t *testing.T) {
	h := newHarness(t, true)
	member := h.seedPeople()
	sh := h.mustShell("wang")
	var navLabels []string
	for _, it := range sh.nav {
		if it.button != nil {
			navLabels = append(navLabels, it.button.Text)
		}
	}
	if !strings.Contains(strings.Join(navLabels, "|"), "|个人信息") {
		t.Fatalf("no 个人信息 entry for a supervisor: %v", navLabels)
	}
	s := h.personal()
	if sh.heading.Text != "个人信息" {
		t.Errorf("heading %q", sh.heading.Text)
	}
	if !strings.Contains(s.keyState.Text, "密钥正常") {
		t.Fatalf("key state %q", s.keyState.Text)
	}
	// The latest records, masked only.
	text := s.listText()
	if len(s.records) != 3 || !strings.Contains(text, "张*") || !strings.Contains(text, "138****5678") ||
		!strings.Contains(text, "1***************2X") || strings.Contains(text, "张三") || strings.Contains(text, "13812345678") {
		t.Fatalf("list:\n%s", text)
	}
	if !s.reveal.Disabled() || !s.erase.Disabled() || !s.exportPDF.Disabled() {
		t.Fatal("actions enabled before anything was chosen")
	}
	// Find by ID number, then by mobile (Enter in the box).
	test.Type(s.query, "11010519491231002x")
	test.Tap(s.search)
	if len(s.records) != 1 || s.records[0].ID != member.ID || !strings.Contains(s.message.Text, "查到 1 条记录") {
		t.Fatalf("find by ID: %d records, %q", len(s.records), s.message.Text)
	}
	if strings.Contains(s.message.Text, "11010519491231002") || s.query.Text != "" {
		t.Fatalf("the number stays on screen: %q / %q", s.message.Text, s.query.Text)
	}
	test.Type(s.query, "138 1234 5678")
	s.query.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(s.records) != 2 || !strings.Contains(s.message.Text, "138****5678") {
		t.Fatalf("find by mobile: %d, %q", len(s.records), s.message.Text)
	}
	// Full view: the acting supervisor cannot approve it; another can.
	s.list.Select(0)
	if s.reveal.Disabled() {
		t.Fatal("reveal disabled with a record selected")
	}
	before := len(h.journalKinds())
	test.Tap(s.reveal)
	d := h.ui.lastApproval
	if !strings.Contains(d.what.Text, "查看完整个人信息") || !strings.Contains(d.what.Text, s.records[0].ID) {
		t.Fatalf("approval shows %q", d.what.Text)
	}
	h.approveAs("wang", "顾客来电要求回电")
	if !strings.Contains(d.message.Text, "不能审批自己的操作") || s.shownText != "" {
		t.Fatalf("self-approval: %q", d.message.Text)
	}
	if kinds := h.journalKinds(); strings.Contains(strings.Join(kinds[before:], ","), "personal.reveal") {
		t.Fatal("refused look journaled as a look")
	}
	h.approveAs("zhao", "顾客来电要求回电")
	if h.ui.message == nil || !strings.Contains(s.shownText, "13812345678") || !strings.Contains(s.shownText, "张三") {
		t.Fatalf("full view: %q (%q)", s.shownText, d.message.Text)
	}
	kinds := h.journalKinds()
	if kinds[len(kinds)-1] != "personal.reveal" {
		t.Fatalf("last entry %s", kinds[len(kinds)-1])
	}
	entries, _ := h.svc.Journal.Entries(h.ui.ctx, 0, 100000)
	last := entries[len(entries)-1]
	if last.StaffID != h.sup.ID || !strings.Contains(string(last.Data), "赵主管") || !strings.Contains(string(last.Data), "顾客来电要求回电") {
		t.Fatalf("reveal entry %s", last.Data)
	}
	h.ui.globalKey(fyne.KeyEscape) // Esc closes the full view
	if h.ui.message != nil {
		t.Fatal("Esc did not close the full view")
	}
	// The person's copy as PDF, with approval.
	test.Tap(s.exportPDF)
	h.approveAs("zhao", "本人书面申请查阅")
	if s.lastExport == "" || !strings.Contains(s.message.Text, s.lastExport) {
		t.Fatalf("export: %q", s.message.Text)
	}
	st, err := os.Stat(s.lastExport)
	if err != nil || st.Mode().Perm() != 0o600 || filepath.Ext(s.lastExport) != ".pdf" {
		t.Fatalf("export file %v %v", st, err)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command("pdftotext", s.lastExport, "-").Output()
		text := strings.Join(strings.Fields(string(out)), "")
		if err != nil || !strings.Contains(text, "13812345678") || !strings.Contains(text, "1***************2X") ||
			!strings.Contains(text, "投诉停车收费") || strings.Contains(text, "11010519491231002X") {
			t.Fatalf("export PDF text: %v\n%s", err, text)
		}
	}
	test.Tap(s.exportTxt)
	h.approveAs("zhao", "本人书面申请查阅")
	if filepath.Ext(s.lastExport) != ".txt" {
		t.Fatalf("text export %q", s.lastExport)
	}
	// Erase at the person's request: confirm, then another supervisor.
	test.Tap(s.erase)
	if h.ui.pending == nil {
		t.Fatal("no confirmation before erasing")
	}
	h.ui.globalKey(fyne.KeyReturn)
	d = h.approveAs("zhao", "本人要求删除")
	if !strings.Contains(s.message.Text, "已删除 2 条记录") {
		t.Fatalf("erase: %q / %q", s.message.Text, d.message.Text)
	}
	if text := s.listText(); strings.Count(text, "已删除（应本人要求）") != 2 || !strings.Contains(text, "138****5678") {
		t.Fatalf("after erasure:\n%s", text)
	}
	if !s.erase.Disabled() {
		t.Error("erase still enabled with nothing held")
	}
	h.verify()
}

func TestPersonalScreenRetentionAndPurge(t *testing.T) {
	h := newHarness(t, true)
	ctx := context.Background()
	if _, err := h.svc.Personal.Collect(ctx, h.clerk, ledger.CollectRequest{Purpose: ledger.PurposeMissing,
		Values: map[ledger.DataKind]string{ledger.DataName: "小明", ledger.DataNote: "蓝色外套"}}); err != nil {
		t.Fatal(err)
	}
	h.mustShell("wang")
	s := h.personal()
	if s.retention[ledger.PurposeMissing].Text != "30" || !strings.Contains(s.due.Text, "0 条") {
		t.Fatalf("retention %q due %q", s.retention[ledger.PurposeMissing].Text, s.due.Text)
	}
	// A bad value is refused and changes nothing.
	s.retention[ledger.PurposeMissing].SetText("0")
	test.Tap(s.saveRet)
	if s.message.Importance != widget.DangerImportance {
		t.Fatalf("0 days accepted: %q", s.message.Text)
	}
	s.retention[ledger.PurposeMissing].SetText("7")
	test.Tap(s.saveRet)
	if set, _ := h.svc.Settings.Settings(ctx); set.Retention.Days(ledger.PurposeMissing) != 7 {
		t.Fatalf("retention not saved: %q", s.message.Text)
	}
	h.clock.Add(7*24*60*60*1e9 + 1)
	s.refresh()
	if !strings.Contains(s.due.Text, "1 条") {
		t.Fatalf("due %q", s.due.Text)
	}
	test.Tap(s.purge)
	if !strings.Contains(s.message.Text, "1 条") || !strings.Contains(s.listText(), "已删除（保存期满）") {
		t.Fatalf("purge: %q\n%s", s.message.Text, s.listText())
	}
	h.verify()
}

func TestPersonalScreenHiddenFromClerks(t *testing.T) {
	h := newHarness(t, true)
	sh := h.mustShell("li")
	for _, it := range sh.nav {
		if it.id == "personal" && it.button != nil {
			t.Fatal("a clerk sees 个人信息")
		}
	}
	sh.open("personal")
	if sh.current == "personal" {
		t.Fatal("a clerk opened 个人信息")
	}
}

// TestPersonalScreenWithoutKeys opens a copy of a set-up database without
// its keys file: the screen shows masked records and says why it cannot
// find, show or export anything.
func TestPersonalScreenWithoutKeys(t *testing.T) {
	h := newHarness(t, true)
	h.seedPeople()
	path := h.db.Path()
	h.db.Close()
	db, err := sqlstore.Open(context.Background(), path, sqlstore.Options{KeysPath: filepath.Join(t.TempDir(), "none.keys")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := Services{Staff: sqlstore.NewStaffService(db), Settings: sqlstore.NewSettingsService(db), Journal: sqlstore.NewJournalService(db),
		Lending: sqlstore.NewLendingService(db), Print: sqlstore.NewPrintQueue(db), Personal: sqlstore.NewPersonalService(db)}
	a := test.NewTempApp(t)
	h.win = a.NewWindow("服务台")
	h.win.Resize(fyne.NewSize(1024, 768))
	h.ui = New(a, h.win, svc, Config{Now: h.clock.Now})
	h.svc = svc
	if err := h.ui.Start(); err != nil {
		t.Fatal(err)
	}
	h.mustShell("wang")
	s := h.personal()
	if !strings.Contains(s.keyState.Text, "缺少个人信息密钥文件") || !strings.Contains(s.keyState.Text, "脱敏") {
		t.Fatalf("key state %q", s.keyState.Text)
	}
	if len(s.records) != 3 || !strings.Contains(s.listText(), "张*") || strings.Contains(s.listText(), "张三") {
		t.Fatalf("masked list:\n%s", s.listText())
	}
	s.list.Select(0)
	for _, b := range []*widget.Button{s.search, s.reveal, s.exportPDF, s.exportTxt, s.erase} {
		if !b.Disabled() {
			t.Errorf("%q enabled without keys", b.Text)
		}
	}
	s.query.SetText("13812345678")
	s.doSearch()
	if !strings.Contains(s.message.Text, "缺少个人信息密钥文件") {
		t.Fatalf("search without keys: %q", s.message.Text)
	}
}

// TestEnglishPersonalScreen checks the 个人信息 screen in English; it runs
// in TestEnglishUI's child process (translations are process-wide).
func TestEnglishPersonalScreen(t *testing.T) {
	if os.Getenv("SD_TEST_LANG") != "en" {
		t.Skip("run by TestEnglishUI")
	}
	h := newHarness(t, true)
	h.seedPeople()
	sh := h.mustShell("wang")
	s := h.personal()
	if sh.heading.Text != "Personal data" || s.search.Text != "Find" || !strings.Contains(s.keyState.Text, "Keys OK") {
		t.Fatalf("heading %q search %q keys %q", sh.heading.Text, s.search.Text, s.keyState.Text)
	}
	if text := s.listText(); !strings.Contains(text, "Point-card member") || !strings.Contains(text, "Mobile 138****5678") || !strings.Contains(text, "In use") {
		t.Fatalf("list:\n%s", text)
	}
	test.Type(s.query, "12345")
	test.Tap(s.search)
	if !strings.Contains(s.message.Text, "full mobile number or 18-digit ID number") {
		t.Fatalf("error %q", s.message.Text)
	}
}

// TestPersonalScreenScreenshot writes docs/screenshots/personal-*.png when
// SD_SCREENSHOT_DIR names a folder (the screen after a search, and the full
// view after approval); skipped otherwise.
func TestPersonalScreenScreenshot(t *testing.T) {
	dir := os.Getenv("SD_SCREENSHOT_DIR")
	if dir == "" {
		t.Skip("set SD_SCREENSHOT_DIR to write screenshots")
	}
	h := newHarness(t, true)
	h.seedPeople()
	h.mustShell("wang")
	s := h.personal()
	test.Type(s.query, "13812345678")
	test.Tap(s.search)
	s.list.Select(0)
	save := func(name string) {
		img := h.win.Canvas().Capture()
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
	}
	save("personal-screen.png")
	test.Tap(s.reveal)
	h.approveAs("zhao", "顾客来电要求回电")
	save("personal-full-view.png")
}
