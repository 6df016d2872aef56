package sqlstore

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
)

// A database from before the trust migration holds full mobile numbers in
// loans.phone, open and closed loans alike. The migration erases them
// (the closed-row trigger steps aside for that statement only), drops the
// column, and journals the erasure by count; the closed rows are final
// again afterwards and the chain verifies. Fails on the old code (the
// numbers stayed forever).
func TestMigrationErasesStoredPhoneNumbers(t *testing.T) {
	requireSQLite(t) // builds the old file with SQLite; the PostgreSQL twin runs the same statements
	ctx := context.Background()
	clock := &clock{t: time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)}
	ms, err := loadMigrations(sqliteDialect{}.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	trust := 0
	for i, m := range ms {
		if strings.HasSuffix(m.name, "_trust.sql") {
			trust = i
		}
	}
	// The file as the old program left it: the schema before the trust
	// migration, a journal entry, and loans with full numbers.
	old := filepath.Join(t.TempDir(), "before.db")
	oldDatabase(t, old, trust)
	raw := rawDB(t, old)
	e := ledger.Entry{Seq: 1, At: clock.Now(), StaffID: 1, Kind: "test.before", Data: json.RawMessage(`{"n":1}`), PrevHash: ledger.GenesisHash}
	e.Hash = e.ComputeHash()
	for _, q := range []string{
		`INSERT INTO staff(id, username, name, role, password_hash) VALUES (1, 'li', '李', 'clerk', 'x')`,
		`INSERT INTO items(id, kind, number, status, added_seq) VALUES (1, 'umbrella', 'U-001', 'in', 1), (2, 'umbrella', 'U-002', 'out', 1)`,
		`INSERT INTO loans(id, kind, item_id, receipt_no, lent_at, lent_by, phone, phone_masked, deposit, status, closed_at, closed_by, refund, return_no, lend_seq, return_seq)
			VALUES (1, 'umbrella', 1, '20261124-0001', '2026-11-24T01:00:00Z', 1, '13812345678', '138****5678', 5000, 'returned', '2026-11-24T02:00:00Z', 1, 5000, '20261124-0002', 2, 3)`,
		`INSERT INTO loans(id, kind, item_id, receipt_no, lent_at, lent_by, phone, phone_masked, deposit, lend_seq)
			VALUES (2, 'umbrella', 2, '20261124-0003', '2026-11-24T03:00:00Z', 1, '13900001111', '139****1111', 5000, 4)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := raw.Exec("INSERT INTO journal(seq, at, staff_id, kind, data, reverses, prev_hash, hash) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
		e.Seq, formatTime(e.At), e.StaffID, e.Kind, string(e.Data), e.PrevHash, e.Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("UPDATE journal_head SET last_seq = 1, last_hash = ? WHERE id = 1", e.Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("UPDATE loans SET phone = '' WHERE id = 1"); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("old schema lets a closed loan change: %v", err)
	}
	raw.Close()

	db, err := Open(ctx, old, Options{Now: clock.Now, BackupDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.SQL().Query("SELECT * FROM loans")
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		rows.Scan(ptrs...)
		for i, v := range vals {
			if s := toString(v); strings.Contains(s, "12345678") || strings.Contains(s, "00001111") {
				t.Fatalf("column %s still holds %q", cols[i], s)
			}
		}
	}
	rows.Close()
	for _, c := range cols {
		if c == "phone" {
			t.Fatal("loans.phone still exists")
		}
	}
	var masked string
	db.SQL().QueryRow("SELECT phone_masked FROM loans WHERE id = 1").Scan(&masked)
	if masked != "138****5678" {
		t.Fatalf("mask lost: %q", masked)
	}
	// Journaled by count, never the numbers.
	es, _ := NewJournalService(db).Entries(ctx, 0, 100)
	last := es[len(es)-1]
	var d struct {
		What string `json:"what"`
		Rows int    `json:"rows"`
	}
	if last.Kind != "privacy.erase" || json.Unmarshal(last.Data, &d) != nil || d.What != "loans.phone" || d.Rows != 2 || strings.Contains(string(last.Data), "138") {
		t.Fatalf("last entry %s %s", last.Kind, last.Data)
	}
	// The chain verifies (the rows above were written without entries, so
	// the state check rightly names them; the chain itself is whole).
	if res, err := NewJournalService(db).Verify(ctx); err != nil || res.BadSeq != 0 || res.Count != 2 {
		t.Fatalf("verify after the migration: %+v %v", res, err)
	}
	// The closed-row trigger is back.
	if _, err := db.SQL().Exec("UPDATE loans SET damage = 'x' WHERE id = 1"); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("closed loan changed after the migration: %v", err)
	}
	// A fresh database's migration journals nothing (no numbers to erase).
	fresh, err := Open(ctx, filepath.Join(t.TempDir(), "fresh.db"), Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if es, _ := NewJournalService(fresh).Entries(ctx, 0, 10); len(es) != 0 {
		t.Fatalf("fresh database journal: %v", es)
	}
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return ""
}
