package app

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"servicedesk/assets"
	"servicedesk/devices"
	"servicedesk/ledger"
)

// uiLabels are the domain labels the screens pass through T.
func uiLabels() []string {
	var out []string
	for _, r := range []ledger.Role{ledger.RoleClerk, ledger.RoleSupervisor, ledger.RoleAdmin} {
		out = append(out, r.Label())
	}
	for _, k := range []ledger.ItemKind{ledger.KindUmbrella, ledger.KindStroller} {
		out = append(out, k.Label())
	}
	for _, s := range []ledger.ItemStatus{ledger.ItemIn, ledger.ItemOut, ledger.ItemDamaged, ledger.ItemRetired, ledger.ItemLost} {
		out = append(out, s.Label())
	}
	for _, s := range []ledger.LoanStatus{ledger.LoanOpen, ledger.LoanReturned, ledger.LoanDamaged, ledger.LoanLost} {
		out = append(out, s.Label())
	}
	for _, c := range ledger.MedicineCategories() {
		out = append(out, c.Label())
	}
	for _, k := range []ledger.MedicineMoveKind{ledger.MoveRestock, ledger.MoveDispense, ledger.MoveWriteOff, ledger.MoveCount} {
		out = append(out, k.Label())
	}
	for _, s := range []ledger.FoundStatus{ledger.FoundHeld, ledger.FoundClaimed, ledger.FoundDisposed} {
		out = append(out, s.Label())
	}
	for _, m := range ledger.DisposalMethods() {
		out = append(out, m.Label())
	}
	for _, d := range []ledger.DraftTemplate{ledger.DraftPerson, ledger.DraftItem, ledger.DraftFound} {
		out = append(out, d.Label())
	}
	out = append(out, ledger.LostItem.Label(), ledger.LostPerson.Label(), ledger.LostOpen.Label(), ledger.LostClosed.Label())
	for s := devices.StateOK; s <= devices.StateUnknown; s++ {
		out = append(out, s.Label()) // the status bar's printer field
	}
	for _, k := range ledger.DataKinds() {
		out = append(out, k.Label())
	}
	for _, p := range ledger.Purposes() {
		out = append(out, p.Label())
	}
	for _, r := range []ledger.PersonRecord{{}, {ClosedAt: time.Unix(1, 0)}, {ErasedAt: time.Unix(1, 0), ErasedFor: ledger.ErasedForRetention},
		{ErasedAt: time.Unix(1, 0), ErasedFor: ledger.ErasedForRequest}} {
		out = append(out, r.StatusLabel())
	}
	out = append(out, cardsLabels()...)
	return append(append(out, broadcastLabels()...), feedbackLabels()...)
}

// feedbackLabels are the feedback and handover labels the screens show
// through T.
func feedbackLabels() []string {
	var out []string
	for _, c := range ledger.FeedbackChannels() {
		out = append(out, c.Label())
	}
	for _, c := range ledger.FeedbackCategories() {
		out = append(out, c.Label())
	}
	now := time.Unix(100, 0)
	for _, f := range []ledger.Feedback{{DueAt: now.Add(time.Hour)}, {DueAt: now.Add(-time.Hour)}, {AnsweredAt: now}} {
		out = append(out, f.StatusLabel(now))
	}
	for _, d := range []ledger.Fen{-1, 0, 1} {
		out = append(out, ledger.CashDifferenceLabel(d))
	}
	for _, k := range []ledger.ItemKind{ledger.KindUmbrella, ledger.KindStroller} {
		out = append(out, k.Label()+"（在库）")
	}
	return append(out, "应急药品（件）")
}

var tCall = regexp.MustCompile(`\bT\(("(?:[^"\\]|\\.)*")`)
var verb = regexp.MustCompile(`%[dsv]`)

// TestTranslationsComplete checks that every string the screens pass to T
// has an English and a Chinese entry with the same format verbs.
func TestTranslationsComplete(t *testing.T) {
	tables := map[string]map[string]any{}
	for _, code := range []string{"en", "zh"} {
		raw, err := assets.Translations.ReadFile("translations/" + code + ".json")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s.json: %v", code, err)
		}
		tables[code] = m
	}
	keys := uiLabels()
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range tCall.FindAllStringSubmatch(string(src), -1) {
			k, err := strconv.Unquote(m[1])
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			keys = append(keys, k)
		}
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d UI strings: the scan is broken", len(keys))
	}
	for _, k := range keys {
		for code, table := range tables {
			v, ok := table[k].(string)
			if !ok {
				t.Errorf("%s.json lacks %q", code, k)
				continue
			}
			if strings.Join(verb.FindAllString(v, -1), "") != strings.Join(verb.FindAllString(k, -1), "") {
				t.Errorf("%s.json: %q has other format verbs than %q", code, v, k)
			}
		}
	}
}

// TestEnglishUI runs TestEnglishScreens in a child process with the English
// table loaded (Fyne keeps translations process-wide).
func TestEnglishUI(t *testing.T) {
	if os.Getenv("SD_TEST_LANG") == "en" {
		t.Skip("inside the child")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestEnglish(Screens|ErrorText|ScreensFit|PersonalScreen|MedLostFit|KioskAndHandover|CardsFit)$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "SD_TEST_LANG=en")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestEnglishScreens") || !strings.Contains(string(out), "--- PASS: TestEnglishErrorText") ||
		!strings.Contains(string(out), "--- PASS: TestEnglishScreensFit") || !strings.Contains(string(out), "--- PASS: TestEnglishPersonalScreen") ||
		!strings.Contains(string(out), "--- PASS: TestEnglishMedLostFit") || !strings.Contains(string(out), "--- PASS: TestEnglishKioskAndHandover") ||
		!strings.Contains(string(out), "--- PASS: TestEnglishCardsFit") {
		t.Fatalf("english run: %v\n%s", err, out)
	}
}

// TestEnglishScreens checks the login and counter screens in English; it
// only runs in TestEnglishUI's child process.
func TestEnglishScreens(t *testing.T) {
	if os.Getenv("SD_TEST_LANG") != "en" {
		t.Skip("run by TestEnglishUI")
	}
	h := newHarness(t, true)
	if h.ui.login.submit.Text != "Log in" {
		t.Fatalf("login button = %q", h.ui.login.submit.Text)
	}
	sh := h.mustShell("li")
	if sh.status.staff.Text != "On duty: 李柜员 (Clerk)" {
		t.Fatalf("status = %q", sh.status.staff.Text)
	}
	if got := sh.nav[0].button.Text; got != "F1  Umbrellas" {
		t.Fatalf("nav = %q", got)
	}
	s := h.lending(ledger.KindUmbrella)
	if s.lend.Text != "Lend (Enter)" || !strings.Contains(s.reminder.Text, "￥50.00 deposit") {
		t.Fatalf("lend screen: %q / %q", s.lend.Text, s.reminder.Text)
	}
}
