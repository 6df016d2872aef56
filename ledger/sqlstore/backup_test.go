package sqlstore

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore/disktest"
)

// TestBackupDiskFull writes backups into a small tmpfs until it is full:
// the backup is refused with the disk-full message, leaves no file (not
// even a temporary one) and the previous backup whole; freeing space lets
// the next backup through. (SQLite; skipped where a tmpfs cannot be
// mounted.)
func TestBackupDiskFull(t *testing.T) {
	requireSQLite(t)
	ctx := context.Background()
	f := newFixture(t)
	ls := NewLendingService(f.db)
	if err := ls.AddItems(ctx, f.admin, ledger.KindUmbrella, []string{"U-001", "U-002"}); err != nil {
		t.Fatal(err)
	}
	dir := disktest.SmallFS(t, 2048)
	first, err := f.db.Backup(ctx, BackupOptions{Dir: dir, Keep: 5})
	if err != nil {
		t.Fatal(err)
	}
	free := disktest.Fill(t, dir)
	f.clock.Add(1e9)
	_, err = f.db.Backup(ctx, BackupOptions{Dir: dir, Keep: 5})
	if ledger.ErrorCode(err) != ledger.ENOSPACE || ledger.ErrorMessage(err) != ledger.DiskFullMessage {
		t.Fatalf("backup on a full disk: code %q, message %q (%v)", ledger.ErrorCode(err), ledger.ErrorMessage(err), err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	files, _ := BackupFiles(dir)
	if len(files) != 1 || files[0] != first.DB {
		t.Fatalf("after a refused backup: %v", names)
	}
	for _, n := range names {
		if strings.HasSuffix(n, ".tmp") {
			t.Fatalf("temporary file left behind: %v", names)
		}
	}
	checkBackupCopy(t, first.DB)
	free()
	f.clock.Add(1e9)
	second, err := f.db.Backup(ctx, BackupOptions{Dir: dir, Keep: 5})
	if err != nil {
		t.Fatalf("backup after freeing space: %v", err)
	}
	checkBackupCopy(t, second.DB)
}

// TestBackupOnline takes a backup while a second connection holds a write
// transaction open and the desk keeps lending: the backup is the state
// before the open transaction, whole, and verifies.
func TestBackupOnline(t *testing.T) {
	requireSQLite(t)
	ctx := context.Background()
	f := newFixture(t)
	ls := NewLendingService(f.db)
	if err := ls.AddItems(ctx, f.admin, ledger.KindUmbrella, []string{"U-001", "U-002", "U-003"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ls.Lend(ctx, f.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-001"}); err != nil {
		t.Fatal(err)
	}
	before, _ := f.journal.Verify(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := ls.Lend(ctx, f.clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: "U-002"})
		done <- err
	}()
	set, err := f.db.Backup(ctx, BackupOptions{Dir: filepath.Join(t.TempDir(), "b")})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("lend during the backup: %v", err)
	}
	n := checkBackupCopy(t, set.DB)
	if n != before.Count && n != before.Count+1 {
		t.Fatalf("backup holds %d entries; before %d", n, before.Count)
	}
	if _, err := (&DB{path: ""}).Backup(ctx, BackupOptions{Dir: t.TempDir()}); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("backup of a server database: %v", err)
	}
}

// checkBackupCopy opens a backup read-only, verifies it and returns its
// entry count.
func checkBackupCopy(t *testing.T, p string) int64 {
	t.Helper()
	db, err := Open(context.Background(), p, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open backup %s: %v", p, err)
	}
	defer db.Close()
	res, err := NewJournalService(db).Verify(context.Background())
	if err != nil || !res.OK {
		t.Fatalf("backup %s: %+v %v", p, res, err)
	}
	return res.Count
}
