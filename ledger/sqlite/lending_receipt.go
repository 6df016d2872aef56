package sqlite

import (
	"servicedesk/ledger"
	"servicedesk/receipts"
)

// lendDocument lays out the lend receipt (deposit card). TEMPORARY until
// receipts.UmbrellaLendReceipt lands.
func lendDocument(set ledger.Settings, l ledger.Loan, actor ledger.Staff) receipts.Document {
	return receipts.Document{Lines: []receipts.Line{{Text: set.MallName}, {Text: l.ReceiptNo}}, QR: l.Token, QRCaption: l.ReceiptNo}
}

// returnDocument lays out the return slip. TEMPORARY.
func returnDocument(set ledger.Settings, l ledger.Loan, actor ledger.Staff) receipts.Document {
	return receipts.Document{Lines: []receipts.Line{{Text: set.MallName}, {Text: l.ReturnNo}}}
}
