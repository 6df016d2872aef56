package printing_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"servicedesk/app/printing"
	"servicedesk/devices"
	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
	"servicedesk/receipts"
)

// printedColumns is the width of a decoded line on paper, counted as the
// printer counts it: one column per ASCII character, two per Chinese
// (GB18030 two-byte) character, twice that for double size.
func printedColumns(l receipts.DecodedLine) int {
	n := 0
	for _, r := range l.Text {
		if r < 0x80 {
			n++
		} else {
			n += 2
		}
	}
	if l.Double {
		n *= 2
	}
	return n
}

// squash drops all whitespace (wrapping breaks lines and drops spaces).
func squash(s string) string { return strings.Join(strings.Fields(s), "") }

// checkColumns encodes doc for every paper width and QR mode, decodes the
// stream with the ESC/POS decoder and fails for any printed line wider
// than the paper, or any of wants missing from the printed text.
func checkColumns(t *testing.T, name string, doc receipts.Document, wants ...string) {
	t.Helper()
	for _, width := range []int{receipts.Width58mm, receipts.Width80mm} {
		for _, raster := range []bool{false, true} {
			b, err := receipts.EncodeESCPOS(doc, receipts.ESCPOSOptions{Width: width, RasterQR: raster})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			d, err := receipts.DecodeESCPOS(b)
			if err != nil {
				t.Fatalf("%s: decode: %v", name, err)
			}
			for _, l := range d.Lines {
				if c := printedColumns(l); c > width {
					t.Errorf("%s at %d columns: %q is %d columns (double %v)", name, width, l.Text, c, l.Double)
				}
				if l.Text != "" && strings.Trim(l.Text, "-") == "" && len(l.Text) != width {
					t.Errorf("%s at %d columns: a rule %d wide", name, width, len(l.Text))
				}
			}
			text := squash(strings.Join(d.Texts(), "\n"))
			for _, w := range wants {
				if !strings.Contains(text, squash(w)) {
					t.Errorf("%s at %d columns lost %q:\n%s", name, width, w, strings.Join(d.Texts(), "\n"))
				}
			}
			if doc.QR != "" && !raster && d.QR() != doc.QR {
				t.Errorf("%s: QR %q", name, d.QR())
			}
		}
	}
}

// longest returns n copies of a Chinese character pattern, cut to n runes.
func longest(pattern string, n int) string {
	r := []rune(strings.Repeat(pattern, n))
	return string(r[:n])
}

// The column checker: every receipt the counter prints, built through the
// services with the longest names the settings allow, printed at 58 and
// 80 mm, native and raster QR: no line is wider than the paper and no name
// is cut. (On the old code the 40-character mall name was 80 columns of
// double-size text and separators stayed 32 wide on 80 mm.)
func TestReceiptColumnsLongestNames(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 2, 30, 0, 0, time.UTC)
	db, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "desk.db"), sqlstore.Options{
		Now: func() time.Time { return now }, Rand: rand.New(rand.NewSource(1))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	staff, settings := sqlstore.NewStaffService(db), sqlstore.NewSettingsService(db)
	lending, queue := sqlstore.NewLendingService(db), sqlstore.NewPrintQueue(db)

	mall := longest("环球国际购物中心", ledger.FieldMallName.Max)
	counter := longest("一楼北门总服务台", ledger.FieldCounterName.Max)
	clerkName := longest("欧阳诸葛慕容", ledger.FieldStaffName.Max)
	price := longest("伞骨折断伞面破损", ledger.FieldPriceName.Max)
	note := longest("车轮脱落，", ledger.FieldDamageNote.Max)
	for _, v := range []struct {
		f ledger.TextField
		s string
	}{{ledger.FieldMallName, mall}, {ledger.FieldCounterName, counter}, {ledger.FieldStaffName, clerkName},
		{ledger.FieldPriceName, price}, {ledger.FieldDamageNote, note}} {
		if _, err := v.f.Clean(v.s); err != nil {
			t.Fatalf("%s is not allowed: %v", v.f.Label, err)
		}
		if _, err := v.f.Clean(v.s + "长"); err == nil {
			t.Fatalf("%s: a longer value is allowed, so this is not the longest", v.f.Label)
		}
	}
	admin, err := staff.Setup(ctx, ledger.SetupRequest{MallName: mall, CounterName: counter,
		Admin: ledger.NewStaff{Username: "admin", Name: "陈管理", Password: "counter2026"}})
	if err != nil {
		t.Fatal(err)
	}
	clerk, err := staff.AddStaff(ctx, admin, ledger.NewStaff{Username: "clerk", Name: clerkName, Role: ledger.RoleClerk, Password: "counter2026"})
	if err != nil {
		t.Fatal(err)
	}
	sup, err := staff.AddStaff(ctx, admin, ledger.NewStaff{Username: "sup", Name: "王主管", Role: ledger.RoleSupervisor, Password: "counter2026"})
	if err != nil {
		t.Fatal(err)
	}
	set, err := settings.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set.UmbrellaDeposit = ledger.Yuan(10000)
	set.DamagePrices = []ledger.PriceItem{{Name: price, Price: ledger.Yuan(10000)}}
	if err := settings.UpdateSettings(ctx, admin, set); err != nil {
		t.Fatal(err)
	}
	var umbrellas, strollers []string
	for i := 0; i < 8; i++ {
		umbrellas = append(umbrellas, fmt.Sprintf("U-%014d", i))
		strollers = append(strollers, fmt.Sprintf("S-%014d", i))
	}
	if err := lending.AddItems(ctx, admin, ledger.KindUmbrella, umbrellas); err != nil {
		t.Fatal(err)
	}
	if err := lending.AddItems(ctx, admin, ledger.KindStroller, strollers); err != nil {
		t.Fatal(err)
	}
	_ = sup
	approve := func(req ledger.ApprovalRequest) *ledger.Approval {
		a, err := staff.Approve(ctx, req, "sup", "counter2026", "顾客称物品遗失")
		if err != nil {
			t.Fatal(err)
		}
		return &a
	}
	lend := func(kind ledger.ItemKind, n string) ledger.Loan {
		l, err := lending.Lend(ctx, clerk, ledger.LendRequest{Kind: kind, ItemNumber: n, Phone: "13812341234"})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	ret := func(l ledger.Loan, o ledger.ReturnOutcome, damage string) {
		req := ledger.ReturnRequest{LoanID: l.ID, Outcome: o, Damage: damage}
		if o == ledger.ReturnLost {
			req.Approval = approve(ledger.ForfeitApproval(clerk.ID, l))
		}
		if _, err := lending.Return(ctx, clerk, req); err != nil {
			t.Fatalf("return %s %s: %v", l.ItemNumber, o, err)
		}
	}
	ret(lend(ledger.KindUmbrella, umbrellas[0]), ledger.ReturnFine, "")
	ret(lend(ledger.KindUmbrella, umbrellas[1]), ledger.ReturnDamaged, price)
	ret(lend(ledger.KindUmbrella, umbrellas[2]), ledger.ReturnLost, "")
	ret(lend(ledger.KindStroller, strollers[0]), ledger.ReturnFine, "")
	ret(lend(ledger.KindStroller, strollers[1]), ledger.ReturnDamaged, note)
	ret(lend(ledger.KindStroller, strollers[2]), ledger.ReturnLost, "")
	voided := lend(ledger.KindUmbrella, umbrellas[3])
	if _, err := lending.Void(ctx, clerk, voided.ID, approve(ledger.VoidApproval(clerk.ID, voided))); err != nil {
		t.Fatal(err)
	}
	// A damage charge above the deposit: the shortfall is collected.
	set.UmbrellaDeposit = ledger.Yuan(1)
	if err := settings.UpdateSettings(ctx, admin, set); err != nil {
		t.Fatal(err)
	}
	ret(lend(ledger.KindUmbrella, umbrellas[4]), ledger.ReturnDamaged, price)
	open := lend(ledger.KindUmbrella, umbrellas[5])
	if _, err := queue.Reprint(ctx, clerk, open.ReceiptNo); err != nil {
		t.Fatal(err)
	}

	jobs, err := queue.Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 18 {
		t.Fatalf("%d receipts queued, want 18", len(jobs))
	}
	for _, j := range jobs {
		var doc receipts.Document
		if err := json.Unmarshal(j.Document, &doc); err != nil {
			t.Fatal(err)
		}
		name := j.ReceiptNo + " " + strings.Join(doc.Text()[1:2], "")
		wants := []string{mall, counter, clerkName}
		if doc.QR != "" {
			wants = append(wants, doc.QR)
		}
		for _, l := range doc.Lines {
			if strings.Contains(l.Text, price) || strings.Contains(l.Text, note) || strings.HasPrefix(l.Amount, "-￥") {
				wants = append(wants, l.Text, l.Amount)
			}
		}
		checkColumns(t, name, doc, wants...)
		// The same receipt resent after a cut-short attempt.
		doc.Copy, doc.CopyNote = true, receipts.IncompleteNote
		checkColumns(t, name+" (补打, first copy incomplete)", doc, append(wants, receipts.CopyBanner, receipts.IncompleteNote)...)
	}

	// The test page, with a long /dev/serial/by-id name.
	port := devices.PortConfig{Name: "/dev/serial/by-id/usb-1a86_USB_Serial_Printer_0123456789ABCDEF-if00-port0", BaudRate: 9600}
	for _, width := range []int{receipts.Width58mm, receipts.Width80mm} {
		opt := receipts.ESCPOSOptions{Width: width}
		page := printing.TestPage(now, mall+" "+counter, port, opt)
		checkColumns(t, fmt.Sprintf("test page %d", width), page, port.Name, printing.TestPageQR, mall)
	}
}
