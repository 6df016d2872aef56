package ledger

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Desk is one counter PC of the mall (1F main desk, B1 by the car park, the
// entrance kiosk): it has its own cash drawer and float, business days and
// day close, print queue and devices. Every desk shares one journal.
type Desk struct {
	Code string // short code printed in receipt numbers: "1F", "B1", "KIOSK"
	Name string // the counter name on receipts and reports
}

// DefaultDeskCode is the desk a database from before desks existed becomes
// (and the first desk when setup names none).
const DefaultDeskCode = "A"

// maxDeskCode is the longest desk code: it is printed in every receipt
// number on 58 mm paper.
const maxDeskCode = 6

// NormalizeDeskCode trims and upper-cases a desk code and checks it: 1–6
// characters of A–Z and 0–9 ("1F", "B1", "KIOSK").
func NormalizeDeskCode(s string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(s))
	if c == "" {
		return "", Errorf(EINVALID, "请输入服务台代码（例：1F、B1、KIOSK）")
	}
	if len(c) > maxDeskCode {
		return "", Errorf(EINVALID, "服务台代码最多%d个字符：%s", maxDeskCode, Quote(s))
	}
	for i := 0; i < len(c); i++ {
		if ch := c[i]; !(ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9') {
			return "", Errorf(EINVALID, "服务台代码只能用字母和数字：%s", Quote(s))
		}
	}
	return c, nil
}

// ReceiptNo formats the n-th receipt of a desk's business day as
// 1F-20261125-0007: the desk code makes it unique in the whole mall.
func ReceiptNo(desk, date string, n int64) string {
	return fmt.Sprintf("%s-%s-%04d", desk, compactDate(date), n)
}

// compactDate turns 2026-11-25 into 20261125 (anything else stays as is).
func compactDate(date string) string {
	if t, err := time.Parse("2006-01-02", date); err == nil {
		return t.Format("20060102")
	}
	return date
}

// DeskOfReceipt returns the desk code a receipt number starts with ("" for
// numbers from before desks: 20261125-0007).
func DeskOfReceipt(no string) string {
	code, rest, ok := strings.Cut(no, "-")
	if !ok || len(rest) < 8 || code == "" || len(code) > maxDeskCode || strings.Count(no, "-") != 2 {
		return ""
	}
	if _, err := NormalizeDeskCode(code); err != nil || code != strings.ToUpper(code) {
		return ""
	}
	return code
}

// DeskService manages the mall's desks.
type DeskService interface {
	// Desks lists every desk, by code.
	Desks(ctx context.Context) ([]Desk, error)
	// Current returns the desk this program runs as.
	Current(ctx context.Context) (Desk, error)
	// AddDesk registers another desk (admin only), journaled desk.add.
	AddDesk(ctx context.Context, actor Staff, d Desk) (Desk, error)
}
