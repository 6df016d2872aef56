package ledger

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestNormalizeCardNo(t *testing.T) {
	for in, want := range map[string]string{
		"0a00c3f5e1":     "0A00C3F5E1",
		" 0012 842465 ":  "0012842465",
		"1234":           "1234",
		"ABCDEFGHIJ0123": "ABCDEFGHIJ0123",
	} {
		if got, err := NormalizeCardNo(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, in := range []string{"", "123", "12345678901234567890X", "195,62945", "卡1234", "12-34", "0A00C3F5E1\x00", "ＡＢＣＤ"} {
		if got, err := NormalizeCardNo(in); err == nil {
			t.Errorf("%q accepted as %q", in, got)
		}
	}
}

func TestNormalizeReceiptNo(t *testing.T) {
	for in, want := range map[string]string{"a123": "A123", " 2026 1125 0001 ": "202611250001", "POS1/0007-3": "POS1/0007-3"} {
		if got, err := NormalizeReceiptNo(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, in := range []string{"", "-A1", "/1", "A_1", "小票1", strings.Repeat("9", 33), "A1\u202e"} {
		if _, err := NormalizeReceiptNo(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestNormalizeInvoiceNo(t *testing.T) {
	for in, want := range map[string]string{"12345678": "12345678", "2611 2500 0000 0000 0001": "26112500000000000001"} {
		if got, err := NormalizeInvoiceNo(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, in := range []string{"", "1234567", "123456789", "00000000", "1234567A", "１２３４５６７８", strings.Repeat("1", 21)} {
		if _, err := NormalizeInvoiceNo(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	if got := AssignedInvoiceNo("2026-11-25", 7); got != "20261125000000000007" {
		t.Errorf("assigned %q", got)
	}
	if _, err := NormalizeInvoiceNo(AssignedInvoiceNo("2026-11-25", 123456)); err != nil {
		t.Errorf("assigned number refused: %v", err)
	}
}

func TestNormalizeBirthday(t *testing.T) {
	for in, want := range map[string]string{"": "", "03-15": "03-15", "1990-03-15": "03-15", "02-29": "02-29", " 12-31 ": "12-31"} {
		if got, err := NormalizeBirthday(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, in := range []string{"02-30", "13-01", "3-15", "1990-02-29", "1899-01-01", "0315", "03/15", "2026-1-1"} {
		if got, err := NormalizeBirthday(in); err == nil {
			t.Errorf("%q accepted as %q", in, got)
		}
	}
}

func TestNormalizeShopUnit(t *testing.T) {
	if got, err := NormalizeShopUnit(" b1-012 "); err != nil || got != "B1-012" {
		t.Errorf("%q %v", got, err)
	}
	for _, in := range []string{"", "-B1", "B1 012", "一楼", "B1-0123456789"} {
		if _, err := NormalizeShopUnit(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestCleanReceipts(t *testing.T) {
	ok := ShopReceipt{ShopID: 1, No: " a1 ", Amount: Yuan(10), Date: "2026-11-25"}
	got, err := CleanReceipts([]ShopReceipt{ok, {ShopID: 2, No: "A1", Amount: 1, Date: "2026-10-26"}}, "2026-11-25", 30)
	if err != nil || got[0].No != "A1" || len(got) != 2 {
		t.Fatalf("%+v %v", got, err)
	}
	for name, c := range map[string]struct {
		rs   []ShopReceipt
		want string
	}{
		"none":       {nil, "请至少录入一张购物小票"},
		"no shop":    {[]ShopReceipt{{No: "A1", Amount: 1, Date: "2026-11-25"}}, "请为小票选择商户"},
		"zero":       {[]ShopReceipt{{ShopID: 1, No: "A1", Date: "2026-11-25"}}, "金额无效"},
		"negative":   {[]ShopReceipt{{ShopID: 1, No: "A1", Amount: -1, Date: "2026-11-25"}}, "金额无效"},
		"huge":       {[]ShopReceipt{{ShopID: 1, No: "A1", Amount: MaxReceiptAmount + 1, Date: "2026-11-25"}}, "金额无效"},
		"future":     {[]ShopReceipt{{ShopID: 1, No: "A1", Amount: 1, Date: "2026-11-26"}}, "晚于今天"},
		"too old":    {[]ShopReceipt{{ShopID: 1, No: "A1", Amount: 1, Date: "2026-10-25"}}, "已超过30天补录期限"},
		"bad date":   {[]ShopReceipt{{ShopID: 1, No: "A1", Amount: 1, Date: "2026-02-30"}}, "日期格式不正确"},
		"twice":      {[]ShopReceipt{ok, {ShopID: 1, No: "A1", Amount: 5, Date: "2026-11-24"}}, "重复录入"},
		"bad number": {[]ShopReceipt{{ShopID: 1, No: "A 1?", Amount: 1, Date: "2026-11-25"}}, "小票号格式不正确"},
	} {
		if _, err := CleanReceipts(c.rs, "2026-11-25", 30); err == nil || !strings.Contains(ErrorMessage(err), c.want) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := CleanReceipts(make([]ShopReceipt, MaxReceiptsPerAction+1), "2026-11-25", 0); err == nil {
		t.Error("too many receipts accepted")
	}
}

func TestEligibleAndPoints(t *testing.T) {
	m := DefaultMemberSettings()
	day := func(d string, yuan ...int64) []ShopReceipt {
		var out []ShopReceipt
		for _, y := range yuan {
			out = append(out, ShopReceipt{Amount: Yuan(y), Date: d})
		}
		return out
	}
	for name, c := range map[string]struct {
		rs []ShopReceipt
		ok bool
	}{
		"one of 200":                {day("2026-11-25", 200), true},
		"one of 199.99":             {[]ShopReceipt{{Amount: 19999, Date: "2026-11-25"}}, false},
		"same day 500":              {day("2026-11-25", 150, 150, 199, 1), true},
		"same day 499":              {day("2026-11-25", 150, 150, 199), false},
		"two days of 300 and 250":   {append(day("2026-11-24", 150, 150), day("2026-11-25", 199, 51)...), false},
		"one big among small ones":  {append(day("2026-11-24", 10), day("2026-11-25", 250)...), true},
		"nothing":                   {nil, false},
		"exactly 500 over 3 slips":  {day("2026-11-25", 100, 200, 200), true},
		"other day reaches nothing": {append(day("2026-11-24", 199, 199), day("2026-11-25", 199)...), false},
	} {
		if err := m.Eligible(c.rs); (err == nil) != c.ok {
			t.Errorf("%s: %v", name, err)
		}
	}
	if m.Points(19999) != 199 || m.Points(0) != 0 || m.Points(-500) != 0 {
		t.Error("points")
	}
	m.PointsPerYuan = 2
	if m.Points(Yuan(3)) != 6 {
		t.Error("points per yuan")
	}
}

func TestMemberSettingsValidate(t *testing.T) {
	if err := DefaultMemberSettings().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*MemberSettings){
		"no threshold":  func(m *MemberSettings) { m.MinSingle = 0 },
		"points":        func(m *MemberSettings) { m.PointsPerYuan = 0 },
		"fee":           func(m *MemberSettings) { m.ReissueFee = -1 },
		"window":        func(m *MemberSettings) { m.BackfillDays = 0 },
		"expiry":        func(m *MemberSettings) { m.ExpireDays = -1 },
		"guide control": func(m *MemberSettings) { m.Guide = "指南\u202e" },
		"faq control":   func(m *MemberSettings) { m.FAQ = "问：a\n答：\x07" },
		"faq long":      func(m *MemberSettings) { m.FAQ = strings.Repeat("问", 4001) },
	} {
		m := DefaultMemberSettings()
		mod(&m)
		if err := m.Validate(); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

func TestFAQItems(t *testing.T) {
	items := DefaultMemberSettings().FAQItems()
	if len(items) != 4 || items[0].Q != "积分卡怎么办理？" || !strings.HasPrefix(items[0].A, "凭当日单张满200元") {
		t.Fatalf("%+v", items)
	}
	items = MemberSettings{FAQ: "前言\nQ: lost card?\nA: report it\nmore"}.FAQItems()
	if len(items) != 2 || items[0].A != "前言" || items[1].Q != "lost card?" || items[1].A != "report it\nmore" {
		t.Fatalf("%+v", items)
	}
}

func TestExpiredPoints(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	cut := t0.AddDate(1, 0, 0)
	e := func(k PointKind, p int64, days int) PointEntry {
		return PointEntry{Kind: k, Points: p, At: t0.AddDate(0, 0, days)}
	}
	for name, c := range map[string]struct {
		es   []PointEntry
		want int64
	}{
		"all old":             {[]PointEntry{e(PointsEarn, 100, 0), e(PointsBackfill, 50, 10)}, 150},
		"old partly spent":    {[]PointEntry{e(PointsEarn, 100, 0), e(PointsAdjust, -30, 20)}, 70},
		"spent more than old": {[]PointEntry{e(PointsEarn, 100, 0), e(PointsEarn, 100, 400), e(PointsAdjust, -150, 401)}, 0},
		"new only":            {[]PointEntry{e(PointsEarn, 100, 400)}, 0},
		"already expired":     {[]PointEntry{e(PointsEarn, 100, 0), e(PointsExpire, -100, 366)}, 0},
		"moved to new card":   {[]PointEntry{e(PointsEarn, 100, 0), e(PointsMoveOut, -100, 30), e(PointsMoveIn, 100, 30)}, 100},
		"moved then earned":   {[]PointEntry{e(PointsEarn, 100, 0), e(PointsMoveOut, -100, 30), e(PointsMoveIn, 100, 30), e(PointsEarn, 5, 400)}, 100},
	} {
		if got := ExpiredPoints(c.es, cut); got != c.want {
			t.Errorf("%s: %d, want %d", name, got, c.want)
		}
	}
}

func TestInvoiceBuyer(t *testing.T) {
	for name, c := range map[string]struct {
		req   InvoiceRequest
		title string
		tax   string
		want  string
	}{
		"company":           {InvoiceRequest{Buyer: BuyerCompany, Title: " 某某有限公司 ", TaxNo: "91350100m000100y43"}, "某某有限公司", "91350100M000100Y43", ""},
		"company bad check": {InvoiceRequest{Buyer: BuyerCompany, Title: "某某有限公司", TaxNo: "91350100M000100Y44"}, "", "", "购买方税号无效"},
		"company no tax":    {InvoiceRequest{Buyer: BuyerCompany, Title: "某某有限公司"}, "", "", "须填写税号"},
		"company no title":  {InvoiceRequest{Buyer: BuyerCompany, TaxNo: "91350100M000100Y43"}, "", "", "发票抬头"},
		"personal":          {InvoiceRequest{Buyer: BuyerPersonal, Title: "张三"}, "", "", ""},
		"personal with tax": {InvoiceRequest{Buyer: BuyerPersonal, TaxNo: "91350100M000100Y43"}, "", "", "个人发票不填税号"},
		"no buyer":          {InvoiceRequest{}, "", "", "请选择购买方类型"},
	} {
		title, tax, err := c.req.CleanBuyer()
		if c.want == "" && (err != nil || title != c.title || tax != c.tax) || c.want != "" && (err == nil || !strings.Contains(ErrorMessage(err), c.want)) {
			t.Errorf("%s: %q %q %v", name, title, tax, err)
		}
	}
}

// FuzzCardNumbers: the card, receipt and invoice number normalisers never
// panic, and what they accept is canonical (normalising it again gives the
// same) and made of the allowed characters.
func FuzzCardNumbers(f *testing.F) {
	for _, s := range []string{"0a00c3f5e1", " 0012 842465 ", "POS1/0007-3", "2611 2500 0000 0000 0001", "\u202e1234", "１２３４５６７８", "-A1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, fn := range []func(string) (string, error){NormalizeCardNo, NormalizeReceiptNo, NormalizeInvoiceNo, NormalizeShopUnit} {
			got, err := fn(s)
			if err != nil {
				continue
			}
			again, err := fn(got)
			if err != nil || again != got {
				t.Fatalf("%q → %q not canonical (%q, %v)", s, got, again, err)
			}
			if strings.Trim(got, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/") != "" || got == "" {
				t.Fatalf("%q → %q", s, got)
			}
		}
	})
}

// FuzzNormalizeBirthday: a birthday is kept as a real MM-DD or not at all.
func FuzzNormalizeBirthday(f *testing.F) {
	for _, s := range []string{"03-15", "1990-03-15", "02-29", "02-30", "1990-02-29", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeBirthday(s)
		if err != nil || got == "" {
			return
		}
		if _, perr := time.Parse("2006-01-02", "2000-"+got); perr != nil || len(got) != 5 {
			t.Fatalf("%q → %q", s, got)
		}
	})
}

// FuzzCleanReceipts: whatever the clerk types, accepted receipts are
// unique, positive, dated within the window, and sum without overflow.
func FuzzCleanReceipts(f *testing.F) {
	f.Add("a1", int64(100), "2026-11-25", "A1", int64(5), "2026-11-01", 30)
	f.Add("x", int64(-1), "2026-02-30", "y", int64(0), "", 0)
	f.Fuzz(func(t *testing.T, no1 string, amt1 int64, d1, no2 string, amt2 int64, d2 string, window int) {
		if window < 0 || window > 400 {
			window = 30
		}
		rs := []ShopReceipt{{ShopID: 1, No: no1, Amount: Fen(amt1), Date: d1}, {ShopID: 1, No: no2, Amount: Fen(amt2), Date: d2}}
		got, err := CleanReceipts(rs, "2026-11-25", window)
		if err != nil {
			if !utf8.ValidString(ErrorMessage(err)) {
				t.Fatal("message not UTF-8")
			}
			return
		}
		if got[0].Key() == got[1].Key() || got[0].Amount <= 0 || got[1].Amount <= 0 || SumReceipts(got) <= 0 {
			t.Fatalf("%+v", got)
		}
		for _, r := range got {
			if r.Date > "2026-11-25" {
				t.Fatalf("future %+v", r)
			}
		}
	})
}

// FuzzInvoiceBuyer: an accepted company buyer always has a valid tax
// number and a clean title.
func FuzzInvoiceBuyer(f *testing.F) {
	f.Add("company", "某某有限公司", "91350100M000100Y43")
	f.Add("personal", "", "")
	f.Add("company", "x\u202e", "91350100M000100Y44")
	f.Fuzz(func(t *testing.T, buyer, title, tax string) {
		req := InvoiceRequest{Buyer: BuyerType(buyer), Title: title, TaxNo: tax}
		gotTitle, gotTax, err := req.CleanBuyer()
		if err != nil || req.Buyer != BuyerCompany {
			return
		}
		if _, err := ValidateUSCC(gotTax); err != nil || gotTax == "" {
			t.Fatalf("tax %q accepted", gotTax)
		}
		if _, err := FieldInvoiceTitle.Clean(gotTitle); err != nil {
			t.Fatalf("title %q accepted", gotTitle)
		}
	})
}
