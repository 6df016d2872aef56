package ledger

import (
	"strconv"
	"strings"
	"time"
)

// Shop is a tenant of the mall: point-card receipts and invoices name the
// shop that sold (procedures 5.2.9: invoices are issued on a shop's behalf).
type Shop struct {
	ID     int64
	Name   string // 商户名称
	Unit   string // 铺位号, e.g. "B1-012"
	USCC   string // 统一社会信用代码 (GB 32100), validated
	Active bool
}

// Label is how a shop is shown in lists: "B1-012 星巴克".
func (s Shop) Label() string {
	if s.Unit == "" {
		return s.Name
	}
	return s.Unit + " " + s.Name
}

// Free-text fields of shops, members and invoices.
var (
	FieldShopName      = TextField{Label: "商户名称", Min: 1, Max: 40}
	FieldInvoiceTitle  = TextField{Label: "发票抬头", Min: 2, Max: 60}
	FieldInvoiceReason = TextField{Label: "红冲原因", Min: 2, Max: 200}
	FieldPointsNote    = TextField{Label: "调整说明", Min: 2, Max: 100}
	FieldCardGuide     = TextField{Label: "积分卡使用指南", Max: 600}
	FieldFAQ           = TextField{Label: "常见问题", Max: 4000}
)

// NormalizeShopUnit checks a shop's unit number: 1–12 characters of A–Z,
// 0–9 and '-', uppercased ("b1-012" → "B1-012").
func NormalizeShopUnit(s string) (string, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	if !codeChars(u, 1, 12, "-") {
		return "", Errorf(EINVALID, "铺位号格式不正确：%s（例：B1-012）", Quote(s))
	}
	return u, nil
}

// NormalizeReceiptNo checks a shop's receipt (小票) number as printed:
// 1–32 characters of A–Z, 0–9, '-' and '/', uppercased, inner spaces
// dropped (scanners and clerks split long numbers). The same receipt is
// always the same (shop, number) pair.
func NormalizeReceiptNo(s string) (string, error) {
	n := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if !codeChars(n, 1, 32, "-/") {
		return "", Errorf(EINVALID, "小票号格式不正确：%s（只能用字母、数字、- 和 /）", Quote(s))
	}
	return n, nil
}

// codeChars reports whether s has min..max bytes of A–Z, 0–9 and extra,
// starting with a letter or digit.
func codeChars(s string, min, max int, extra string) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || i > 0 && strings.IndexByte(extra, c) >= 0) {
			return false
		}
	}
	return true
}

// ShopReceipt is one shopping receipt (购物小票) the customer shows: the
// shop, its number, the amount and the day of purchase. (Shop, No) is the
// receipt's identity across every desk: it earns points once and is
// invoiced once.
type ShopReceipt struct {
	ShopID   int64
	ShopName string // for display; filled in by the store
	No       string
	Amount   Fen
	Date     string // YYYY-MM-DD, the day of purchase (counter's zone)
}

// Key is the receipt's identity: shop id and number.
func (r ShopReceipt) Key() string { return strconv.FormatInt(r.ShopID, 10) + "/" + r.No }

// Label shows the receipt as "星巴克 小票 A123 ￥88.00".
func (r ShopReceipt) Label() string {
	return strings.TrimSpace(r.ShopName+" 小票 "+r.No) + " " + r.Amount.String()
}

// MaxReceiptAmount bounds one shopping receipt (￥1,000,000.00).
const MaxReceiptAmount = Fen(100_000_000)

// MaxReceiptsPerAction bounds the receipts of one signup, backfill or invoice.
const MaxReceiptsPerAction = 50

// receiptDate reads a purchase date by the shared date rule (ParseDate).
func receiptDate(s string) (time.Time, error) {
	d, err := ParseDate(s)
	if err != nil {
		return time.Time{}, err
	}
	return time.Parse(dateLayout, d)
}

// CleanReceipts normalises receipts and checks each: a shop, a receipt
// number, an amount above zero, a purchase date not after today and not
// more than windowDays before it (0: no limit), and no receipt twice in
// the list. today is the counter's date (YYYY-MM-DD).
func CleanReceipts(rs []ShopReceipt, today string, windowDays int) ([]ShopReceipt, error) {
	if len(rs) == 0 {
		return nil, Errorf(EINVALID, "请至少录入一张购物小票")
	}
	if len(rs) > MaxReceiptsPerAction {
		return nil, Errorf(EINVALID, "一次最多录入%d张购物小票", MaxReceiptsPerAction)
	}
	day, err := receiptDate(today)
	if err != nil {
		return nil, err
	}
	out := make([]ShopReceipt, 0, len(rs))
	seen := map[string]bool{}
	for _, r := range rs {
		if r.ShopID <= 0 {
			return nil, Errorf(EINVALID, "请为小票选择商户")
		}
		no, err := NormalizeReceiptNo(r.No)
		if err != nil {
			return nil, err
		}
		r.No = no
		if r.Amount <= 0 || r.Amount > MaxReceiptAmount {
			return nil, Errorf(EINVALID, "小票 %s 的金额无效", no)
		}
		d, err := receiptDate(r.Date)
		if err != nil {
			return nil, err
		}
		r.Date = d.Format("2006-01-02")
		if d.After(day) {
			return nil, Errorf(EINVALID, "小票 %s 的购物日期 %s 晚于今天", no, r.Date)
		}
		if windowDays > 0 && d.Before(day.AddDate(0, 0, -windowDays)) {
			return nil, Errorf(EINVALID, "小票 %s 的购物日期 %s 已超过%d天补录期限", no, r.Date, windowDays)
		}
		if seen[r.Key()] {
			return nil, Errorf(EINVALID, "小票 %s 重复录入", no)
		}
		seen[r.Key()] = true
		out = append(out, r)
	}
	return out, nil
}

// SumReceipts adds up the receipts' amounts.
func SumReceipts(rs []ShopReceipt) Fen {
	var s Fen
	for _, r := range rs {
		s += r.Amount
	}
	return s
}
