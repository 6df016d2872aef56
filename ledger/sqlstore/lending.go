package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// LendingService implements ledger.LendingService: the umbrella (5.2.11) and
// stroller (5.2.10) ledgers. Every change is a journal entry written in the
// same transaction as the items/loans rows and the receipt's print job.
type LendingService struct{ db *DB }

// NewLendingService returns the lending service on db.
func NewLendingService(db *DB) *LendingService { return &LendingService{db: db} }

var _ ledger.LendingService = (*LendingService)(nil)

// Limits of the lending ledgers.
const (
	maxItemsPerAdd = 500 // numbers accepted by one AddItems call
	defaultPage    = 50  // page size when limit <= 0
	maxPage        = 500 // largest page
)

// validKind refuses anything but umbrellas and strollers.
func validKind(k ledger.ItemKind) error {
	if k != ledger.KindUmbrella && k != ledger.KindStroller {
		return ledger.Errorf(ledger.EINVALID, "未知的借用物品类型")
	}
	return nil
}

// tokenKind maps an item kind to its QR token kind.
func tokenKind(k ledger.ItemKind) string {
	if k == ledger.KindStroller {
		return receipts.KindStroller
	}
	return receipts.KindUmbrella
}

// NormalizeItemNumber trims and upper-cases an item number and checks it:
// 1–16 characters of A–Z, 0–9 and '-', starting with a letter or digit
// (e.g. "U-001", "S-12").
func NormalizeItemNumber(s string) (string, error) {
	n := strings.ToUpper(strings.TrimSpace(s))
	bad := ledger.Errorf(ledger.EINVALID, "编号格式不正确：%s（例：U-001，只能用字母、数字和 -）", ledger.Quote(s))
	if n == "" || len(n) > 16 || n[0] == '-' {
		return "", bad
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return "", bad
		}
	}
	return n, nil
}

const itemColumns = "id, kind, number, status, note, home_desk, desk"

// scanItem reads one items row (itemColumns order).
func scanItem(sc interface{ Scan(...any) error }) (ledger.Item, error) {
	var it ledger.Item
	err := sc.Scan(&it.ID, &it.Kind, &it.Number, &it.Status, &it.Note, &it.HomeDesk, &it.Desk)
	return it, err
}

// AddItems adds numbered items to stock, all or none. Numbers are
// normalised (NormalizeItemNumber); a number already in stock or given twice
// is refused. Journaled as item.add {kind, items: [{id, number}]}.
func (s *LendingService) AddItems(ctx context.Context, actor ledger.Staff, kind ledger.ItemKind, numbers []string) error {
	if err := validKind(kind); err != nil {
		return err
	}
	if len(numbers) == 0 {
		return ledger.Errorf(ledger.EINVALID, "请输入至少一个编号")
	}
	if len(numbers) > maxItemsPerAdd {
		return ledger.Errorf(ledger.EINVALID, "一次最多添加%d个编号", maxItemsPerAdd)
	}
	norm := make([]string, 0, len(numbers))
	seen := map[string]bool{}
	for _, raw := range numbers {
		n, err := NormalizeItemNumber(raw)
		if err != nil {
			return err
		}
		if seen[n] {
			return ledger.Errorf(ledger.EINVALID, "编号 %s 重复输入", n)
		}
		seen[n] = true
		norm = append(norm, n)
	}
	return s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		desk, err := t.desk()
		if err != nil {
			return err
		}
		type added struct {
			ID     int64  `json:"id"`
			Number string `json:"number"`
		}
		list := make([]added, 0, len(norm))
		for _, n := range norm {
			var exists int
			if err := t.QueryRowContext(ctx, "SELECT count(*) FROM items WHERE kind = ? AND number = ?", kind, n).Scan(&exists); err != nil {
				return internal("check item number", err)
			}
			if exists > 0 {
				return ledger.Errorf(ledger.ECONFLICT, "%s %s 已存在", kind.Label(), n)
			}
			var id int64
			if err := t.QueryRowContext(ctx, "INSERT INTO items(kind, number, added_seq, home_desk, desk) VALUES (?, ?, 0, ?, ?) RETURNING id",
				kind, n, desk, desk).Scan(&id); err != nil {
				return internal("insert item", err)
			}
			list = append(list, added{ID: id, Number: n})
		}
		e, err := t.append(actor.ID, "item.add", map[string]any{"kind": kind, "items": list, "desk": desk}, 0)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE items SET added_seq = ? WHERE added_seq = 0", e.Seq); err != nil {
			return internal("update items", err)
		}
		return nil
	})
}

// itemByID loads one item inside a transaction.
func (t *tx) itemByID(id int64) (ledger.Item, error) {
	it, err := scanItem(t.QueryRowContext(t.ctx, "SELECT "+itemColumns+" FROM items WHERE id = ?", id))
	if errNoRows(err) {
		return it, ledger.Errorf(ledger.ENOTFOUND, "找不到该物品")
	} else if err != nil {
		return it, internal("load item", err)
	}
	return it, nil
}

// SetItemStatus moves an item between in stock and damaged/under repair, or
// writes it off (retired) with a supervisor's approval. Items that are out
// must come back through Return; retired items stay retired; lost items may
// be found again (in) or written off. Journaled as item.status
// {item_id, kind, number, from, to, note[, approval]}.
func (s *LendingService) SetItemStatus(ctx context.Context, actor ledger.Staff, itemID int64, status ledger.ItemStatus, note string, approval *ledger.Approval) error {
	note, err := ledger.FieldItemNote.Clean(note)
	if err != nil {
		return err
	}
	switch status {
	case ledger.ItemIn, ledger.ItemDamaged, ledger.ItemRetired:
	case ledger.ItemOut, ledger.ItemLost:
		return ledger.Errorf(ledger.EINVALID, "“%s”状态只能通过借出或归还登记", status.Label())
	default:
		return ledger.Errorf(ledger.EINVALID, "未知的物品状态")
	}
	return s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		desk, err := t.desk()
		if err != nil {
			return err
		}
		it, err := t.itemByID(itemID)
		if err != nil {
			return err
		}
		label := fmt.Sprintf("%s %s", it.Kind.Label(), it.Number)
		switch {
		case it.Desk != desk && it.Status != ledger.ItemOut:
			return ledger.Errorf(ledger.ECONFLICT, "%s 现在在 %s 服务台，只能在那里变更", label, deskLabel(ctx, t, it.Desk))
		case it.Status == ledger.ItemOut:
			return ledger.Errorf(ledger.ECONFLICT, "%s 已借出，须先办理归还", label)
		case it.Status == ledger.ItemRetired:
			return ledger.Errorf(ledger.ECONFLICT, "%s 已报废，不能再变更", label)
		case it.Status == status:
			return ledger.Errorf(ledger.ECONFLICT, "%s 已是“%s”状态", label, status.Label())
		}
		data := map[string]any{"item_id": it.ID, "kind": it.Kind, "number": it.Number, "from": it.Status, "to": status, "note": note, "desk": desk}
		var used []ledger.Approval
		if status == ledger.ItemRetired {
			if used, err = t.useApprovals(ledger.WriteOffApproval(actor.ID, it), approval); err != nil {
				return err
			}
			data["approval"] = used[0]
		}
		e, err := t.append(actor.ID, "item.status", data, 0)
		if err != nil {
			return err
		}
		if err := t.spendApprovals(e.Seq, used...); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE items SET status = ?, note = ? WHERE id = ?", status, note, it.ID); err != nil {
			return internal("update item", err)
		}
		return nil
	})
}

// Items lists a kind's items at this desk or belonging to it (away at
// another desk: Item.Away), by number.
func (s *LendingService) Items(ctx context.Context, kind ledger.ItemKind) ([]ledger.Item, error) {
	if err := validKind(kind); err != nil {
		return nil, err
	}
	desk, err := s.db.deskCode(ctx, s.db.db)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.db.QueryContext(ctx, "SELECT "+itemColumns+" FROM items WHERE kind = ? AND (desk = ? OR home_desk = ? OR ? = '') ORDER BY number",
		kind, desk, desk, desk)
	if err != nil {
		return nil, internal("list items", err)
	}
	defer rows.Close()
	var out []ledger.Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, internal("scan item", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("list items", err)
	}
	return out, nil
}

// Stock counts a kind's items at this desk by status, and the items away
// from home: this desk's at other desks and other desks' here.
func (s *LendingService) Stock(ctx context.Context, kind ledger.ItemKind) (ledger.Stock, error) {
	if err := validKind(kind); err != nil {
		return ledger.Stock{}, err
	}
	desk, err := s.db.deskCode(ctx, s.db.db)
	if err != nil {
		return ledger.Stock{}, err
	}
	rows, err := s.db.db.QueryContext(ctx, `SELECT status, desk = ? OR ? = '', home_desk <> desk, count(*) FROM items
		WHERE kind = ? AND (desk = ? OR home_desk = ? OR ? = '') GROUP BY 1, 2, 3`,
		desk, desk, kind, desk, desk, desk)
	if err != nil {
		return ledger.Stock{}, internal("count stock", err)
	}
	defer rows.Close()
	var st ledger.Stock
	for rows.Next() {
		var status ledger.ItemStatus
		var here, away bool
		var n int
		if err := rows.Scan(&status, &here, &away, &n); err != nil {
			return ledger.Stock{}, internal("scan stock", err)
		}
		if !here {
			st.Away += n // ours, at another desk
			continue
		}
		if away {
			st.Visiting += n // another desk's, here
		}
		switch status {
		case ledger.ItemIn:
			st.OnHand += n
		case ledger.ItemOut:
			st.Out += n
		case ledger.ItemDamaged:
			st.Damaged += n
		case ledger.ItemRetired:
			st.Retired += n
		case ledger.ItemLost:
			st.Lost += n
		}
	}
	if err := rows.Err(); err != nil {
		return ledger.Stock{}, internal("count stock", err)
	}
	return st, nil
}

// signer loads the per-install QR token secret inside a transaction.
func (t *tx) signer() (receipts.Signer, error) {
	var key []byte
	err := t.QueryRowContext(t.ctx, "SELECT value FROM meta WHERE key = 'token_key'").Scan(&key)
	if errNoRows(err) {
		return receipts.Signer{}, ledger.Errorf(ledger.ENOTFOUND, "系统尚未初始化")
	} else if err != nil {
		return receipts.Signer{}, internal("load token key", err)
	}
	if len(key) < receipts.KeySize {
		return receipts.Signer{}, ledger.Errorf(ledger.EINTERNAL, "凭证密钥无效")
	}
	return receipts.Signer{Key: key}, nil
}

// Lend registers a loan of an item in stock: the umbrella deposit from the
// settings (strollers are free), the next receipt number, a signed token
// and the receipt queued for printing, all in one transaction. Journaled as
// umbrella.lend / stroller.lend {loan_id, receipt_no, item_id, item_number,
// deposit, phone_masked, job_id, desk}; of the phone only the mask is
// kept. The item must be at this desk.
func (s *LendingService) Lend(ctx context.Context, actor ledger.Staff, req ledger.LendRequest) (ledger.Loan, error) {
	if err := validKind(req.Kind); err != nil {
		return ledger.Loan{}, err
	}
	number, err := NormalizeItemNumber(req.ItemNumber)
	if err != nil {
		return ledger.Loan{}, err
	}
	var masked string
	if strings.TrimSpace(req.Phone) != "" {
		phone, err := ledger.NormalizeMobile(req.Phone)
		if err != nil {
			return ledger.Loan{}, err
		}
		masked = ledger.MaskMobile(phone) // only the mask is kept
	}
	var loan ledger.Loan
	err = s.db.inTx(ctx, func(t *tx) error {
		clerk, err := t.actor(actor, allRoles...)
		if err != nil {
			return err
		}
		it, err := scanItem(t.QueryRowContext(ctx, "SELECT "+itemColumns+" FROM items WHERE kind = ? AND number = ?", req.Kind, number))
		if errNoRows(err) {
			var other ledger.ItemKind
			if t.QueryRowContext(ctx, "SELECT kind FROM items WHERE number = ? LIMIT 1", number).Scan(&other) == nil {
				return ledger.Errorf(ledger.EINVALID, "%s 是%s，不是%s", number, other.Label(), req.Kind.Label())
			}
			return ledger.Errorf(ledger.ENOTFOUND, "找不到%s %s", req.Kind.Label(), number)
		} else if err != nil {
			return internal("load item", err)
		}
		if it.Status != ledger.ItemIn {
			return ledger.Errorf(ledger.ECONFLICT, "%s %s 当前为“%s”，不能借出", it.Kind.Label(), it.Number, it.Status.Label())
		}
		desk, err := t.desk()
		if err != nil {
			return err
		}
		if it.Desk != desk {
			return ledger.Errorf(ledger.ECONFLICT, "%s %s 现在在 %s 服务台，不能在本台借出", it.Kind.Label(), it.Number, deskLabel(ctx, t, it.Desk))
		}
		set, err := t.settings()
		if err != nil {
			return err
		}
		sig, err := t.signer()
		if err != nil {
			return err
		}
		var deposit ledger.Fen
		if req.Kind == ledger.KindUmbrella {
			deposit = set.UmbrellaDeposit
		}
		receiptNo, err := t.nextReceiptNo(actor.ID)
		if err != nil {
			return err
		}
		loan = ledger.Loan{Kind: it.Kind, ItemID: it.ID, ItemNumber: it.Number, ReceiptNo: receiptNo,
			LentAt: t.now, LentBy: actor.ID, PhoneMasked: masked, Deposit: deposit, Status: ledger.LoanOpen, Desk: desk}
		// The journal entry's seq is needed on the row and the row's id in
		// the entry: insert with a placeholder seq, then fill both in.
		if err := t.QueryRowContext(ctx, `INSERT INTO loans(kind, item_id, receipt_no, lent_at, lent_by, phone_masked, deposit, lend_seq, desk, return_desk)
			VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, '') RETURNING id`, loan.Kind, loan.ItemID, receiptNo, formatTime(t.now), actor.ID, masked, deposit, desk).Scan(&loan.ID); err != nil {
			return internal("insert loan", err)
		}
		loan.Token = sig.Sign(tokenKind(loan.Kind), loan.ID)
		job, err := t.enqueueDocument(receiptNo, lendDocument(set, loan, clerk))
		if err != nil {
			return err
		}
		e, err := t.append(actor.ID, string(loan.Kind)+".lend", map[string]any{
			"loan_id": loan.ID, "receipt_no": receiptNo, "item_id": it.ID, "item_number": it.Number,
			"deposit": deposit, "phone_masked": masked, "job_id": job.ID, "desk": desk}, 0)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE loans SET token = ?, lend_seq = ? WHERE id = ?", loan.Token, e.Seq, loan.ID); err != nil {
			return internal("update loan", err)
		}
		if _, err := t.ExecContext(ctx, "UPDATE items SET status = 'out' WHERE id = ? AND status = 'in'", it.ID); err != nil {
			return internal("update item", err)
		}
		return nil
	})
	if err != nil {
		return ledger.Loan{}, err
	}
	return loan, nil
}

// openLoan loads a loan that is still open, with the settings, inside the
// transaction; a closed loan is a conflict that says when it was closed.
func (t *tx) openLoan(id int64) (ledger.Loan, ledger.Settings, error) {
	loan, err := loadLoan(t.ctx, t, "l.id = ?", id)
	if err != nil {
		return loan, ledger.Settings{}, err
	}
	set, err := t.settings()
	if err != nil {
		return loan, set, err
	}
	if loan.Status != ledger.LoanOpen {
		return loan, set, closedConflict(loan, set)
	}
	return loan, set, nil
}

// closedConflict names when a closed loan was closed.
func closedConflict(l ledger.Loan, set ledger.Settings) error {
	when := l.ClosedAt.In(set.Location()).Format("2006-01-02 15:04")
	if l.Status == ledger.LoanLost {
		return ledger.Errorf(ledger.ECONFLICT, "该借用已于 %s 登记遗失，不能重复归还", when)
	}
	if l.Status == ledger.LoanVoided {
		return ledger.Errorf(ledger.ECONFLICT, "该借用已于 %s 冲正，不能再办理", when)
	}
	return ledger.Errorf(ledger.ECONFLICT, "该借用已于 %s 归还，不能重复归还", when)
}

// Return closes an open loan exactly once. Fine: full refund, item back in
// stock. Damaged umbrella: the charge of the price-list item req.Damage is
// taken from the deposit (refund = deposit − charge, or the shortfall is
// collected), item damaged. Lost: deposit forfeited with a supervisor's
// approval, item lost. Strollers carry no money; a damaged stroller keeps
// req.Damage as a free-text note. The return slip gets its own receipt
// number and print job in the same transaction. Journaled as
// umbrella.return / stroller.return {loan_id, receipt_no, return_no,
// item_id, item_number, outcome, deposit, refund, charge, collected,
// forfeit, damage, job_id, desk, lend_desk[, approval]}. Any desk may take
// a return: its drawer pays the refund and the item is in stock there.
func (s *LendingService) Return(ctx context.Context, actor ledger.Staff, req ledger.ReturnRequest) (ledger.Loan, error) {
	switch req.Outcome {
	case ledger.ReturnFine, ledger.ReturnDamaged, ledger.ReturnLost:
	default:
		return ledger.Loan{}, ledger.Errorf(ledger.EINVALID, "请选择归还结果")
	}
	damage, err := ledger.FieldDamageNote.Clean(req.Damage)
	if err != nil {
		return ledger.Loan{}, err
	}
	var loan ledger.Loan
	err = s.db.inTx(ctx, func(t *tx) error {
		clerk, err := t.actor(actor, allRoles...)
		if err != nil {
			return err
		}
		var set ledger.Settings
		if loan, set, err = t.openLoan(req.LoanID); err != nil {
			return err
		}
		itemStatus := ledger.ItemIn
		var used []ledger.Approval
		loan.Damage = ""
		switch req.Outcome {
		case ledger.ReturnFine:
			loan.Status, loan.Refund = ledger.LoanReturned, loan.Deposit
		case ledger.ReturnDamaged:
			loan.Status, itemStatus = ledger.LoanDamaged, ledger.ItemDamaged
			if loan.Kind == ledger.KindUmbrella {
				price, ok := findPrice(set.DamagePrices, damage)
				if !ok {
					if damage == "" {
						return ledger.Errorf(ledger.EINVALID, "请选择损坏情况")
					}
					return ledger.Errorf(ledger.EINVALID, "赔偿价目中没有%s", ledger.Quote(damage))
				}
				loan.Damage, loan.Charge = price.Name, price.Price
				loan.Refund = max(0, loan.Deposit-loan.Charge)
				loan.Collected = max(0, loan.Charge-loan.Deposit)
			} else {
				loan.Damage = damage
				loan.Refund = loan.Deposit
			}
		case ledger.ReturnLost:
			loan.Status, itemStatus = ledger.LoanLost, ledger.ItemLost
			if used, err = t.useApprovals(ledger.ForfeitApproval(actor.ID, loan), req.Approval); err != nil {
				return err
			}
			loan.Forfeit, loan.ApproverID = loan.Deposit, used[0].ApproverID
		}
		if loan.ReturnNo, err = t.nextReceiptNo(actor.ID); err != nil {
			return err
		}
		if loan.ReturnDesk, err = t.desk(); err != nil {
			return err
		}
		loan.ClosedAt, loan.ClosedBy = t.now, actor.ID
		job, err := t.enqueueDocument(loan.ReturnNo, returnDocument(set, loan, clerk))
		if err != nil {
			return err
		}
		data := map[string]any{
			"loan_id": loan.ID, "receipt_no": loan.ReceiptNo, "return_no": loan.ReturnNo,
			"item_id": loan.ItemID, "item_number": loan.ItemNumber, "outcome": req.Outcome,
			"deposit": loan.Deposit, "refund": loan.Refund, "charge": loan.Charge, "collected": loan.Collected,
			"forfeit": loan.Forfeit, "damage": loan.Damage, "job_id": job.ID,
			"desk": loan.ReturnDesk, "lend_desk": loan.Desk}
		if len(used) > 0 {
			data["approval"] = used[0]
		}
		e, err := t.append(actor.ID, string(loan.Kind)+".return", data, 0)
		if err != nil {
			return err
		}
		if err := t.spendApprovals(e.Seq, used...); err != nil {
			return err
		}
		return t.closeLoan(loan, e.Seq, itemStatus)
	})
	if err != nil {
		return ledger.Loan{}, err
	}
	return loan, nil
}

// closeLoan writes the close of an open loan at desk l.ReturnDesk (exactly
// once: the WHERE and the loans_closed_final trigger refuse a closed one)
// and moves its item from out to itemStatus, at that desk.
func (t *tx) closeLoan(l ledger.Loan, closeSeq int64, itemStatus ledger.ItemStatus) error {
	res, err := t.ExecContext(t.ctx, `UPDATE loans SET status = ?, closed_at = ?, closed_by = ?, refund = ?, charge = ?,
		collected = ?, forfeit = ?, damage = ?, approver_id = ?, return_no = ?, return_seq = ?, return_desk = ? WHERE id = ? AND status = 'open'`,
		l.Status, formatTime(l.ClosedAt), l.ClosedBy, l.Refund, l.Charge, l.Collected, l.Forfeit,
		l.Damage, l.ApproverID, l.ReturnNo, closeSeq, l.ReturnDesk, l.ID)
	if err != nil {
		return internal("close loan", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return internal("close loan", fmt.Errorf("loan %d not open", l.ID))
	}
	if _, err := t.ExecContext(t.ctx, "UPDATE items SET status = ?, desk = ? WHERE id = ? AND status = 'out'", itemStatus, l.ReturnDesk, l.ItemID); err != nil {
		return internal("update item", err)
	}
	return nil
}

// findPrice looks a damage description up in the price list.
func findPrice(list []ledger.PriceItem, name string) (ledger.PriceItem, bool) {
	for _, p := range list {
		if strings.TrimSpace(p.Name) == name && name != "" {
			return p, true
		}
	}
	return ledger.PriceItem{}, false
}
