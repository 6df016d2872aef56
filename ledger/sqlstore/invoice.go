package sqlstore

import (
	"context"
	"strings"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// InvoiceService implements ledger.InvoiceService: invoices issued on the
// shops' behalf (代开发票). A receipt is invoiced once while its invoice
// stands (the invoice_receipts_once index, across every desk); a same-day
// void or a later red-letter reversal releases it through its own entry.
type InvoiceService struct{ db *DB }

// NewInvoiceService returns the invoice service on db.
func NewInvoiceService(db *DB) *InvoiceService { return &InvoiceService{db: db} }

var _ ledger.InvoiceService = (*InvoiceService)(nil)

const invoiceColumns = `i.id, i.invoice_no, i.shop_id, s.name, s.uscc, i.buyer, i.title, i.tax_no, i.person_id, i.amount, i.status, i.issued_at,
	i.issued_by, i.day_id, i.business_date, i.reverses_id, i.reversed_by, i.reason, i.voided_at, i.token,
	coalesce((SELECT st.name FROM staff st WHERE st.id = i.approver_id), '')`

// scanInvoice reads one invoice row (invoiceColumns order).
func scanInvoice(sc interface{ Scan(...any) error }) (ledger.Invoice, error) {
	var inv ledger.Invoice
	var issued, voided string
	if err := sc.Scan(&inv.ID, &inv.No, &inv.ShopID, &inv.ShopName, &inv.ShopUSCC, &inv.Buyer, &inv.Title, &inv.TaxNo, &inv.PersonID,
		&inv.Amount, &inv.Status, &issued, &inv.IssuedBy, &inv.DayID, &inv.BusinessDate, &inv.ReversesID, &inv.ReversedByID,
		&inv.Reason, &voided, &inv.Token, &inv.ApproverName); err != nil {
		return inv, err
	}
	var err error
	if inv.IssuedAt, err = parseTime(issued); err != nil {
		return inv, err
	}
	inv.VoidedAt, err = parseTime(voided)
	return inv, err
}

// loadInvoice reads one invoice with its receipts.
func loadInvoice(ctx context.Context, q queryer, where string, args ...any) (ledger.Invoice, error) {
	inv, err := scanInvoice(q.QueryRowContext(ctx, "SELECT "+invoiceColumns+" FROM invoices i JOIN shops s ON s.id = i.shop_id WHERE "+where, args...))
	if errNoRows(err) {
		return inv, ledger.Errorf(ledger.ENOTFOUND, "找不到该发票")
	} else if err != nil {
		return inv, internal("load invoice", err)
	}
	id := inv.ID
	if inv.ReversesID != 0 {
		id = inv.ReversesID // a red-letter invoice covers the original's receipts
	}
	rows, err := q.QueryContext(ctx, `SELECT r.shop_id, s.name, r.receipt_no, r.amount, r.bought_on FROM invoice_receipts r JOIN shops s ON s.id = r.shop_id
		WHERE r.invoice_id = ? ORDER BY r.id`, id)
	if err != nil {
		return inv, internal("load invoice receipts", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r ledger.ShopReceipt
		if err := rows.Scan(&r.ShopID, &r.ShopName, &r.No, &r.Amount, &r.Date); err != nil {
			return inv, internal("scan invoice receipt", err)
		}
		inv.Receipts = append(inv.Receipts, r)
	}
	return inv, rows.Err()
}

// Invoice returns one invoice with its receipts.
func (s *InvoiceService) Invoice(ctx context.Context, id int64) (ledger.Invoice, error) {
	return loadInvoice(ctx, s.db.db, "i.id = ?", id)
}

// InvoiceByNo finds an invoice by its number.
func (s *InvoiceService) InvoiceByNo(ctx context.Context, no string) (ledger.Invoice, error) {
	n, err := ledger.NormalizeInvoiceNo(no)
	if err != nil {
		return ledger.Invoice{}, err
	}
	return loadInvoice(ctx, s.db.db, "i.invoice_no = ?", n)
}

// InvoiceByToken verifies a slip's QR token and returns its invoice.
func (s *InvoiceService) InvoiceByToken(ctx context.Context, token string) (ledger.Invoice, error) {
	id, err := tokenID(ctx, s.db, token, receipts.KindInvoice, ledger.Errorf(ledger.EINVALID, "这不是发票凭证"))
	if err != nil {
		return ledger.Invoice{}, err
	}
	return s.Invoice(ctx, id)
}

// invoiceNo checks a typed number for use, or assigns the day's next one.
func (t *tx) invoiceNo(typed, businessDate string) (string, error) {
	if strings.TrimSpace(typed) != "" {
		no, err := ledger.NormalizeInvoiceNo(typed)
		if err != nil {
			return "", err
		}
		var n int
		if err := t.QueryRowContext(t.ctx, "SELECT count(*) FROM invoices WHERE invoice_no = ?", no).Scan(&n); err != nil {
			return "", internal("check invoice number", err)
		}
		if n > 0 {
			return "", ledger.Errorf(ledger.ECONFLICT, "发票号码 %s 已使用", no)
		}
		return no, nil
	}
	var n int64
	if err := t.QueryRowContext(t.ctx, "SELECT count(*) FROM invoices WHERE business_date = ?", businessDate).Scan(&n); err != nil {
		return "", internal("count invoices", err)
	}
	for {
		n++
		no := ledger.AssignedInvoiceNo(businessDate, n)
		var used int
		if err := t.QueryRowContext(t.ctx, "SELECT count(*) FROM invoices WHERE invoice_no = ?", no).Scan(&used); err != nil {
			return "", internal("check invoice number", err)
		}
		if used == 0 {
			return no, nil
		}
	}
}

// invoiceSlip queues an invoice slip in the transaction.
func (t *tx) invoiceSlip(set ledger.Settings, clerk ledger.Staff, receiptNo, title string, inv ledger.Invoice, text string) (ledger.PrintJob, error) {
	fields := [][2]string{{"发票号码", inv.No}, {"开票商户", inv.ShopName}, {"购买方", inv.Buyer.Label() + " " + inv.Title}, {"税号", inv.TaxNo}}
	var money []receipts.Line
	for _, r := range inv.Receipts {
		money = append(money, receipts.MoneyLine("小票 "+r.No+"（"+r.Date+"）", r.Amount, false))
	}
	money = append(money, receipts.MoneyLine("发票金额", inv.Amount, true))
	return t.slip(set, clerk, receiptNo, receipts.SlipInfo{Title: title, Fields: fields, Money: money, Text: text, Token: inv.Token})
}

// Issue issues an invoice for receipts of one shop: the buyer checked
// (company title and tax number by GB 32100, or a personal invoice), every
// receipt clean and of the issuing shop and not covered by a standing
// invoice at any desk, the amount summed from them, the number typed or
// assigned, and the slip queued. A personal buyer's name and mobile, if
// given, go to the personal-data store. Journaled as invoice.issue
// {invoice_id, invoice_no, shop_id, shop_name, buyer, title, tax_no,
// amount, receipts, business_date, receipt_no, job_id}.
func (s *InvoiceService) Issue(ctx context.Context, actor ledger.Staff, req ledger.InvoiceRequest) (ledger.Invoice, error) {
	title, taxNo, err := req.CleanBuyer()
	if err != nil {
		return ledger.Invoice{}, err
	}
	var inv ledger.Invoice
	err = s.db.inTx(ctx, func(t *tx) error {
		clerk, err := t.actor(actor, allRoles...)
		if err != nil {
			return err
		}
		set, err := t.settings()
		if err != nil {
			return err
		}
		shop, err := t.shopByID(req.ShopID)
		if err != nil {
			return err
		}
		for i := range req.Receipts {
			if req.Receipts[i].ShopID == 0 {
				req.Receipts[i].ShopID = shop.ID
			}
			if req.Receipts[i].ShopID != shop.ID {
				return ledger.Errorf(ledger.EINVALID, "小票 %s 不是 %s 的小票：一张发票只能开一个商户的小票", req.Receipts[i].No, shop.Name)
			}
		}
		rs, err := ledger.CleanReceipts(req.Receipts, t.today(set), 0)
		if err != nil {
			return err
		}
		for i, r := range rs {
			rs[i].ShopName = shop.Name
			var no string
			err := t.QueryRowContext(ctx, `SELECT i.invoice_no FROM invoice_receipts r JOIN invoices i ON i.id = r.invoice_id
				WHERE r.shop_id = ? AND r.receipt_no = ? AND r.released_seq = 0`, r.ShopID, r.No).Scan(&no)
			if err == nil {
				return ledger.Errorf(ledger.ECONFLICT, "%s 小票 %s 已开具发票 %s，不能重复开票", shop.Name, r.No, no)
			} else if !errNoRows(err) {
				return internal("check invoiced receipt", err)
			}
		}
		receiptNo, err := t.nextReceiptNo(actor.ID)
		if err != nil {
			return err
		}
		day, err := t.openDay(actor.ID)
		if err != nil {
			return err
		}
		no, err := t.invoiceNo(req.InvoiceNo, day.Date)
		if err != nil {
			return err
		}
		inv = ledger.Invoice{No: no, ShopID: shop.ID, ShopName: shop.Name, ShopUSCC: shop.USCC, Buyer: req.Buyer, Title: title, TaxNo: taxNo,
			Amount: ledger.SumReceipts(rs), Status: ledger.InvoiceIssued, IssuedAt: t.now, IssuedBy: actor.ID, BusinessDate: day.Date, DayID: day.ID, Receipts: rs}
		if req.Buyer == ledger.BuyerPersonal {
			inv.Title = "个人"
			vals := map[ledger.DataKind]string{ledger.DataName: req.Title, ledger.DataMobile: req.Mobile}
			if strings.TrimSpace(req.Title) != "" || strings.TrimSpace(req.Mobile) != "" {
				p, err := t.collectPerson(actor.ID, ledger.CollectRequest{Purpose: ledger.PurposeInvoice, Values: vals})
				if err != nil {
					return err
				}
				inv.PersonID = p.ID
				if m := p.Masked(ledger.DataName); m != "" {
					inv.Title = m
				}
			}
		}
		if err := t.QueryRowContext(ctx, `INSERT INTO invoices(invoice_no, shop_id, buyer, title, tax_no, person_id, amount, status, issued_at, issued_by,
			day_id, business_date, issue_seq) VALUES (?, ?, ?, ?, ?, ?, ?, 'issued', ?, ?, ?, ?, 0) RETURNING id`, no, shop.ID, inv.Buyer, inv.Title,
			taxNo, inv.PersonID, inv.Amount, formatTime(t.now), actor.ID, day.ID, day.Date).Scan(&inv.ID); err != nil {
			return internal("insert invoice", err)
		}
		for _, r := range rs {
			if _, err := t.ExecContext(ctx, "INSERT INTO invoice_receipts(invoice_id, shop_id, receipt_no, amount, bought_on) VALUES (?, ?, ?, ?, ?)",
				inv.ID, r.ShopID, r.No, r.Amount, r.Date); err != nil {
				return internal("insert invoice receipt", err)
			}
		}
		sig, err := t.signer()
		if err != nil {
			return err
		}
		inv.Token, inv.SlipNo = sig.Sign(receipts.KindInvoice, inv.ID), receiptNo
		job, err := t.invoiceSlip(set, clerk, receiptNo, "代开发票凭证", inv, "请核对发票抬头、税号和金额。当日开具的发票如需作废，请于当日到总服务台办理。")
		if err != nil {
			return err
		}
		e, err := t.append(actor.ID, "invoice.issue", map[string]any{"invoice_id": inv.ID, "invoice_no": no, "shop_id": shop.ID, "shop_name": shop.Name,
			"buyer": inv.Buyer, "title": inv.Title, "tax_no": taxNo, "amount": inv.Amount, "receipts": refs(rs, ledger.MemberSettings{PointsPerYuan: 0}),
			"business_date": day.Date, "receipt_no": receiptNo, "job_id": job.ID}, 0)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE invoices SET issue_seq = ?, token = ? WHERE id = ?", e.Seq, inv.Token, inv.ID); err != nil {
			return internal("update invoice", err)
		}
		return nil
	})
	if err != nil {
		return ledger.Invoice{}, err
	}
	return inv, nil
}

// standingInvoice loads an issued invoice that may still be voided or
// reversed; anything else is a conflict saying why.
func (t *tx) standingInvoice(id int64) (ledger.Invoice, error) {
	inv, err := loadInvoice(t.ctx, t, "i.id = ?", id)
	if err != nil {
		return inv, err
	}
	switch inv.Status {
	case ledger.InvoiceVoided:
		return inv, ledger.Errorf(ledger.ECONFLICT, "发票 %s 已作废", inv.No)
	case ledger.InvoiceReversed:
		return inv, ledger.Errorf(ledger.ECONFLICT, "发票 %s 已红冲", inv.No)
	case ledger.InvoiceRed:
		return inv, ledger.Errorf(ledger.ECONFLICT, "发票 %s 是红字发票，不能作废或红冲", inv.No)
	}
	return inv, nil
}

// sameBusinessDay reports whether inv's business day is still open (not
// yet closed by its desk's day close): the day an invoice may be voided.
func (t *tx) sameBusinessDay(inv ledger.Invoice) (bool, error) {
	var closeSeq int64
	err := t.QueryRowContext(t.ctx, "SELECT close_seq FROM business_days WHERE id = ?", inv.DayID).Scan(&closeSeq)
	if err != nil {
		return false, internal("load business day", err)
	}
	return closeSeq == 0, nil
}

// releaseReceipts makes an invoice's receipts invoiceable again, by the
// journal entry seq that voided or reversed it.
func (t *tx) releaseReceipts(invoiceID, seq int64) error {
	if _, err := t.ExecContext(t.ctx, "UPDATE invoice_receipts SET released_seq = ? WHERE invoice_id = ? AND released_seq = 0", seq, invoiceID); err != nil {
		return internal("release receipts", err)
	}
	return nil
}

// Void voids an invoice of the open business day (作废) with a
// supervisor's approval bound to the invoice and its amount; its receipts
// are released by this entry. An invoice of an earlier day is refused (it
// needs a red-letter reversal). Journaled as invoice.void {invoice_id,
// invoice_no, shop_name, amount, approval}.
func (s *InvoiceService) Void(ctx context.Context, actor ledger.Staff, id int64, approval *ledger.Approval) (ledger.Invoice, error) {
	var inv ledger.Invoice
	err := s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		var err error
		if inv, err = t.standingInvoice(id); err != nil {
			return err
		}
		same, err := t.sameBusinessDay(inv)
		if err != nil {
			return err
		}
		if !same {
			return ledger.Errorf(ledger.ECONFLICT, "发票 %s 开具于营业日 %s，已过开票当日，不能作废，只能红冲", inv.No, inv.BusinessDate)
		}
		used, err := t.useApprovals(ledger.VoidInvoiceApproval(actor.ID, inv), approval)
		if err != nil {
			return err
		}
		e, err := t.append(actor.ID, "invoice.void", map[string]any{"invoice_id": inv.ID, "invoice_no": inv.No, "shop_name": inv.ShopName,
			"amount": inv.Amount, "approval": used[0]}, 0)
		if err != nil {
			return err
		}
		if err := t.spendApprovals(e.Seq, used...); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE invoices SET status = 'voided', voided_at = ?, approver_id = ?, end_seq = ? WHERE id = ? AND status = 'issued'",
			formatTime(t.now), used[0].ApproverID, e.Seq, inv.ID); err != nil {
			return internal("void invoice", err)
		}
		inv.Status, inv.VoidedAt, inv.ApproverName = ledger.InvoiceVoided, t.now, used[0].ApproverName
		return t.releaseReceipts(inv.ID, e.Seq)
	})
	return inv, err
}

// Reverse issues the red-letter invoice (红冲) for an invoice of an earlier
// business day, with a reason: a new invoice of the negative amount naming
// the original, whose receipts this entry releases. A same-day invoice is
// voided instead. Journaled as invoice.reverse {invoice_id, invoice_no,
// red_id, red_no, shop_name, amount, reason, receipt_no, job_id}.
func (s *InvoiceService) Reverse(ctx context.Context, actor ledger.Staff, id int64, reason, redNo string) (ledger.Invoice, error) {
	reason, err := ledger.FieldInvoiceReason.Clean(reason)
	if err != nil {
		return ledger.Invoice{}, err
	}
	var red ledger.Invoice
	err = s.db.inTx(ctx, func(t *tx) error {
		clerk, err := t.actor(actor, allRoles...)
		if err != nil {
			return err
		}
		orig, err := t.standingInvoice(id)
		if err != nil {
			return err
		}
		same, err := t.sameBusinessDay(orig)
		if err != nil {
			return err
		}
		if same {
			return ledger.Errorf(ledger.ECONFLICT, "发票 %s 是本营业日开具的，请作废（须主管审批），不能红冲", orig.No)
		}
		set, err := t.settings()
		if err != nil {
			return err
		}
		receiptNo, err := t.nextReceiptNo(actor.ID)
		if err != nil {
			return err
		}
		day, err := t.openDay(actor.ID)
		if err != nil {
			return err
		}
		no, err := t.invoiceNo(redNo, day.Date)
		if err != nil {
			return err
		}
		red = ledger.Invoice{No: no, ShopID: orig.ShopID, ShopName: orig.ShopName, ShopUSCC: orig.ShopUSCC, Buyer: orig.Buyer, Title: orig.Title,
			TaxNo: orig.TaxNo, PersonID: orig.PersonID, Amount: -orig.Amount, Status: ledger.InvoiceRed, IssuedAt: t.now, IssuedBy: actor.ID,
			BusinessDate: day.Date, DayID: day.ID, ReversesID: orig.ID, Reason: reason, Receipts: orig.Receipts}
		if err := t.QueryRowContext(ctx, `INSERT INTO invoices(invoice_no, shop_id, buyer, title, tax_no, person_id, amount, status, issued_at, issued_by,
			day_id, business_date, reverses_id, reason, issue_seq) VALUES (?, ?, ?, ?, ?, ?, ?, 'red', ?, ?, ?, ?, ?, ?, 0) RETURNING id`, no, red.ShopID,
			red.Buyer, red.Title, red.TaxNo, red.PersonID, red.Amount, formatTime(t.now), actor.ID, day.ID, day.Date, orig.ID, reason).Scan(&red.ID); err != nil {
			return internal("insert red invoice", err)
		}
		sig, err := t.signer()
		if err != nil {
			return err
		}
		red.Token, red.SlipNo = sig.Sign(receipts.KindInvoice, red.ID), receiptNo
		job, err := t.invoiceSlip(set, clerk, receiptNo, "红字发票（红冲）凭证", red, "冲销原发票 "+orig.No+"（"+orig.BusinessDate+"）。原因："+reason)
		if err != nil {
			return err
		}
		var origSeq int64
		if err := t.QueryRowContext(ctx, "SELECT issue_seq FROM invoices WHERE id = ?", orig.ID).Scan(&origSeq); err != nil {
			return internal("load invoice entry", err)
		}
		e, err := t.append(actor.ID, "invoice.reverse", map[string]any{"invoice_id": orig.ID, "invoice_no": orig.No, "red_id": red.ID, "red_no": no,
			"shop_name": orig.ShopName, "amount": orig.Amount, "reason": reason, "receipt_no": receiptNo, "job_id": job.ID}, origSeq)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE invoices SET issue_seq = ?, token = ? WHERE id = ?", e.Seq, red.Token, red.ID); err != nil {
			return internal("update red invoice", err)
		}
		if _, err := t.ExecContext(ctx, "UPDATE invoices SET status = 'reversed', reversed_by = ?, reason = ?, end_seq = ? WHERE id = ? AND status = 'issued'",
			red.ID, reason, e.Seq, orig.ID); err != nil {
			return internal("reverse invoice", err)
		}
		return t.releaseReceipts(orig.ID, e.Seq)
	})
	return red, err
}
