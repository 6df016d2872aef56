package sqlstore

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand"
	"strings"
	"testing"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// After signups, look-ups by mobile, a reissue and personal invoices, no
// whole ID number, full mobile or name is anywhere in the database file
// (and WAL) or in a printed slip: only masks and keyed hashes.
func TestCardsKeepNoPersonalDataWhole(t *testing.T) {
	f := newCardsFixture(t)
	ctx := context.Background()
	r := rand.New(rand.NewSource(16))
	var people []person
	for i := 0; i < 12; i++ {
		p := genPerson(r)
		people = append(people, p)
		m, err := f.members.Signup(ctx, f.clerk, ledger.SignupRequest{Name: p.name, Mobile: p.mobile, ResidentID: p.id,
			CardNo: "CARD" + strings.Repeat("0", 3) + string(rune('A'+i)), Receipts: []ledger.ShopReceipt{rc(f.shopA, "R"+string(rune('A'+i)), 300)}})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := f.members.Find(ctx, f.clerk, p.mobile); err != nil || got.ID != m.ID {
			t.Fatalf("find by mobile: %v", err)
		}
		if i%3 == 0 {
			if _, err := f.members.Reissue(ctx, f.clerk, m.ID, "NEW"+strings.Repeat("0", 3)+string(rune('A'+i))); err != nil {
				t.Fatal(err)
			}
			if _, err := f.invoices.Issue(ctx, f.clerk, ledger.InvoiceRequest{ShopID: f.shopB.ID, Buyer: ledger.BuyerPersonal, Title: p.name, Mobile: p.mobile,
				Receipts: []ledger.ShopReceipt{{No: "I" + string(rune('A'+i)), Amount: 100, Date: "2026-11-25"}}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	dump := dbDump(t, f.db)
	jobs, err := NewPrintQueue(f.db).Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var slips bytes.Buffer
	for _, j := range jobs {
		slips.Write(j.Document)
		slips.WriteString(strings.Join(mustDoc(t, j.Document).Text(), "\n"))
	}
	for _, p := range people {
		for what, v := range map[string]string{"ID number": p.id, "mobile": p.mobile, "name": p.name} {
			if bytes.Contains(dump, []byte(v)) {
				t.Errorf("%s %s whole in the database", what, v)
			}
			if bytes.Contains(slips.Bytes(), []byte(v)) {
				t.Errorf("%s %s whole on a slip", what, v)
			}
		}
	}
}

// mustDoc decodes a queued receipt document.
func mustDoc(t *testing.T, raw []byte) receipts.Document {
	t.Helper()
	var d receipts.Document
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	return d
}
