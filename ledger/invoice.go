package ledger

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Invoices (代开发票, procedures 5.2.9): the counter issues invoices on a
// shop's behalf from shopping receipts, each receipt invoiced once; a
// mistake is voided (作废) the same business day with a supervisor's
// approval, later reversed by a red-letter invoice (红冲) naming the
// original.

// BuyerType is who the invoice is made out to.
type BuyerType string

// Buyer types.
const (
	BuyerCompany  BuyerType = "company"  // 企业：抬头 + 税号
	BuyerPersonal BuyerType = "personal" // 个人
)

// Label is the Chinese name.
func (b BuyerType) Label() string {
	switch b {
	case BuyerCompany:
		return "企业"
	case BuyerPersonal:
		return "个人"
	}
	return string(b)
}

// InvoiceStatus is where an invoice stands.
type InvoiceStatus string

// Invoice states.
const (
	InvoiceIssued   InvoiceStatus = "issued"   // 已开具
	InvoiceVoided   InvoiceStatus = "voided"   // 已作废（当日）
	InvoiceReversed InvoiceStatus = "reversed" // 已红冲
	InvoiceRed      InvoiceStatus = "red"      // 红字发票（冲销原票）
)

// Label is the Chinese state.
func (s InvoiceStatus) Label() string {
	switch s {
	case InvoiceIssued:
		return "已开具"
	case InvoiceVoided:
		return "已作废"
	case InvoiceReversed:
		return "已红冲"
	case InvoiceRed:
		return "红字发票"
	}
	return string(s)
}

// NormalizeInvoiceNo checks an invoice number typed from the paper: 8
// digits (发票号码) or 20 digits (全面数字化电子发票), spaces dropped.
func NormalizeInvoiceNo(s string) (string, error) {
	n := strings.Join(strings.Fields(s), "")
	if len(n) != 8 && len(n) != 20 || strings.Trim(n, "0123456789") != "" {
		return "", Errorf(EINVALID, "发票号码须为8位或20位数字：%s", Quote(s))
	}
	if strings.Trim(n, "0") == "" {
		return "", Errorf(EINVALID, "发票号码不能全为0")
	}
	return n, nil
}

// AssignedInvoiceNo is the 20-digit number the counter assigns when none is
// typed: the business date and the invoice's record id.
func AssignedInvoiceNo(businessDate string, id int64) string {
	d := strings.ReplaceAll(businessDate, "-", "")
	id %= 1_000_000_000_000
	return d + strings.Repeat("0", 12-len(strconv.FormatInt(id, 10))) + strconv.FormatInt(id, 10)
}

// InvoiceRequest asks to issue an invoice for a shop's receipts.
type InvoiceRequest struct {
	ShopID    int64
	Buyer     BuyerType
	Title     string // company name (company) or the person's name (personal, optional)
	TaxNo     string // company's unified social credit code
	Mobile    string // optional contact (personal data store)
	Receipts  []ShopReceipt
	InvoiceNo string // "" to assign one
}

// CleanBuyer checks the buyer part: a company needs a title and a valid
// tax number (GB 32100); a personal invoice takes an optional name.
func (r InvoiceRequest) CleanBuyer() (title, taxNo string, err error) {
	switch r.Buyer {
	case BuyerCompany:
		if title, err = FieldInvoiceTitle.Clean(r.Title); err != nil {
			return "", "", err
		}
		if strings.TrimSpace(r.TaxNo) == "" {
			return "", "", Errorf(EINVALID, "企业发票须填写税号（统一社会信用代码）")
		}
		if taxNo, err = ValidateUSCC(r.TaxNo); err != nil {
			return "", "", Errorf(EINVALID, "购买方税号无效：%s（统一社会信用代码校验位不符）", Quote(r.TaxNo))
		}
		return title, taxNo, nil
	case BuyerPersonal:
		if strings.TrimSpace(r.TaxNo) != "" {
			return "", "", Errorf(EINVALID, "个人发票不填税号")
		}
		return "", "", nil
	}
	return "", "", Errorf(EINVALID, "请选择购买方类型（企业或个人）")
}

// Invoice is one issued (or red-letter) invoice.
type Invoice struct {
	ID           int64
	No           string
	ShopID       int64
	ShopName     string
	ShopUSCC     string
	Buyer        BuyerType
	Title        string // company title, or the masked personal name, or 个人
	TaxNo        string
	PersonID     string
	Amount       Fen // negative on a red-letter invoice
	Status       InvoiceStatus
	IssuedAt     time.Time
	IssuedBy     int64
	BusinessDate string
	DayID        int64
	Receipts     []ShopReceipt
	ReversesID   int64 // red-letter: the original
	ReversedByID int64 // original: its red-letter invoice
	Reason       string
	VoidedAt     time.Time
	ApproverName string
	Token        string
	// SlipNo is the receipt number of the slip the action printed.
	SlipNo string
}

// VoidInvoiceApproval is the request to void invoice inv.
func VoidInvoiceApproval(actorID int64, inv Invoice) ApprovalRequest {
	return ApprovalRequest{Action: ActionInvoiceVoid, Record: "invoice:" + strconv.FormatInt(inv.ID, 10), Amount: inv.Amount, ActorID: actorID,
		Detail: "发票 " + inv.No + "，" + inv.ShopName + "，" + inv.Amount.String()}
}

// RegisterRow totals one shop's invoices on one business day.
type RegisterRow struct {
	Date          string
	ShopName      string
	Issued        int
	IssuedAmount  Fen
	Voided        int
	VoidedAmount  Fen
	Reversed      int
	RedAmount     Fen // the red-letter invoices' amounts (negative)
	NetAmount     Fen // issued − voided + red
	InvoicesCount int
}

// InvoiceRegister is the invoice register (发票登记簿) of a period.
type InvoiceRegister struct {
	Invoices []Invoice // newest first
	Totals   []RegisterRow
}

// InvoiceService issues, voids and reverses invoices.
type InvoiceService interface {
	// Issue issues an invoice for receipts of one shop (each receipt
	// invoiced once across all invoices and desks) and queues its slip.
	Issue(ctx context.Context, actor Staff, req InvoiceRequest) (Invoice, error)
	// Void voids an invoice of the open business day with approval; its
	// receipts become invoiceable again.
	Void(ctx context.Context, actor Staff, id int64, approval *Approval) (Invoice, error)
	// Reverse issues the red-letter invoice for an invoice of an earlier
	// day, with a reason; only this releases its receipts.
	Reverse(ctx context.Context, actor Staff, id int64, reason, redNo string) (Invoice, error)
	// Invoice returns one invoice with its receipts.
	Invoice(ctx context.Context, id int64) (Invoice, error)
	// InvoiceByNo finds an invoice by its number.
	InvoiceByNo(ctx context.Context, no string) (Invoice, error)
	// InvoiceByToken verifies a slip's QR token and returns its invoice.
	InvoiceByToken(ctx context.Context, token string) (Invoice, error)
	// Register lists the invoices of business dates from..to with totals
	// per shop and day.
	Register(ctx context.Context, from, to string) (InvoiceRegister, error)
}
