package sqlstore

import (
	"cmp"
	"context"
	"slices"

	"servicedesk/ledger"
)

// Register lists the invoices of business dates from..to ("" for
// open-ended), newest first, with totals per business day and shop:
// issued (every non-red invoice issued that day), voided, red-letter
// reversals (negative) and the net.
func (s *InvoiceService) Register(ctx context.Context, from, to string) (ledger.InvoiceRegister, error) {
	if from == "" {
		from = "0000-00-00"
	}
	if to == "" {
		to = "9999-99-99"
	}
	rows, err := s.db.db.QueryContext(ctx, "SELECT "+invoiceColumns+` FROM invoices i JOIN shops s ON s.id = i.shop_id
		WHERE i.business_date >= ? AND i.business_date <= ? ORDER BY i.id DESC`, from, to)
	if err != nil {
		return ledger.InvoiceRegister{}, internal("list invoices", err)
	}
	var reg ledger.InvoiceRegister
	for rows.Next() {
		inv, err := scanInvoice(rows)
		if err != nil {
			rows.Close()
			return reg, internal("scan invoice", err)
		}
		reg.Invoices = append(reg.Invoices, inv)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return reg, internal("list invoices", err)
	}
	reg.Totals = RegisterTotals(reg.Invoices)
	return reg, nil
}

// RegisterTotals sums invoices per business day and shop, in date then
// shop order.
func RegisterTotals(invs []ledger.Invoice) []ledger.RegisterRow {
	type key struct{ date, shop string }
	byKey := map[key]*ledger.RegisterRow{}
	var order []key
	for i := len(invs) - 1; i >= 0; i-- {
		inv := invs[i]
		k := key{inv.BusinessDate, inv.ShopName}
		r := byKey[k]
		if r == nil {
			r = &ledger.RegisterRow{Date: inv.BusinessDate, ShopName: inv.ShopName}
			byKey[k] = r
			order = append(order, k)
		}
		r.InvoicesCount++
		switch inv.Status {
		case ledger.InvoiceRed:
			r.Reversed++
			r.RedAmount += inv.Amount
		case ledger.InvoiceVoided:
			r.Issued++
			r.IssuedAmount += inv.Amount
			r.Voided++
			r.VoidedAmount += inv.Amount
		default:
			r.Issued++
			r.IssuedAmount += inv.Amount
		}
		r.NetAmount = r.IssuedAmount - r.VoidedAmount + r.RedAmount
	}
	out := make([]ledger.RegisterRow, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	slices.SortStableFunc(out, func(a, b ledger.RegisterRow) int {
		return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.ShopName, b.ShopName))
	})
	return out
}
