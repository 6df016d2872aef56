package app

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// closeDayThroughScreen closes the day through F-screen: wang counts, zhao
// approves.
func (h *harness) closeDayThroughScreen(counted string) *dayCloseScreen {
	h.t.Helper()
	s := h.dayClose()
	test.Type(s.counted, counted)
	test.Tap(s.close)
	if s.confirm == nil {
		h.t.Fatalf("no confirmation: %q", h.ui.LastError())
	}
	s.confirm.Confirm()
	d := h.ui.lastApproval
	test.Type(d.username, "zhao")
	test.Type(d.password, pw)
	test.Type(d.reason, "复点无误")
	test.Tap(d.approve)
	if s.closed == nil {
		h.t.Fatalf("not closed: %q / %q", d.message.Text, h.ui.LastError())
	}
	return s
}

// waitBackup waits for the backup after the last close.
func (s *dayCloseScreen) waitBackup(d time.Duration) bool {
	if s.backupDone == nil {
		return false
	}
	select {
	case <-s.backupDone:
		return true
	case <-time.After(d):
		return false
	}
}

// TestDayCloseDailyBackup closes a day through the screen and finds the
// automatic backup written afterwards: a whole copy (with the keys file)
// whose journal ends with that close and verifies.
func TestDayCloseDailyBackup(t *testing.T) {
	h := newHarness(t, true)
	dir := filepath.Join(t.TempDir(), "backups")
	keys := filepath.Join(filepath.Dir(h.db.Path()), "desk.keys")
	if err := h.db.EnsurePersonalKeys(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.ui.cfg.AfterDayClose = func(dc ledger.DayClose) (string, error) {
		set, err := h.db.Backup(context.Background(), sqlstore.BackupOptions{Dir: dir, KeysFile: keys, Keep: 14})
		return set.DB, err
	}
	h.mustShell("wang")
	h.lendThroughScreen(h.lending(ledger.KindUmbrella), "U-003", "")
	s := h.closeDayThroughScreen("50")
	if !s.waitBackup(30 * time.Second) {
		t.Fatal("no backup after the close")
	}
	files, err := sqlstore.BackupFiles(dir)
	if err != nil || len(files) != 1 {
		t.Fatalf("backups %v %v (%q)", files, err, h.ui.LastError())
	}
	if !strings.Contains(s.result.Text, "已自动备份："+files[0]) {
		t.Fatalf("result %q does not name the backup", s.result.Text)
	}
	k1, _ := os.ReadFile(keys)
	k2, err := os.ReadFile(strings.TrimSuffix(files[0], ".db") + ".keys")
	if err != nil || len(k1) == 0 || !bytes.Equal(k1, k2) {
		t.Fatalf("keys copy: %v", err)
	}
	b, err := sqlstore.Open(context.Background(), files[0], sqlstore.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	j := sqlstore.NewJournalService(b)
	res, err := j.Verify(context.Background())
	if err != nil || !res.OK {
		t.Fatalf("backup verify %+v %v", res, err)
	}
	entries, _ := j.Entries(context.Background(), res.Count-1, 1)
	if len(entries) != 1 || entries[0].Kind != "day.close" {
		t.Fatalf("backup's last entry %+v", entries)
	}
}

// TestDayCloseBackupFailureShown: a failing backup leaves the close
// recorded and tells the clerk what to do.
func TestDayCloseBackupFailureShown(t *testing.T) {
	h := newHarness(t, true)
	h.ui.cfg.AfterDayClose = func(ledger.DayClose) (string, error) {
		return "", ledger.DiskFull(errors.New("no space left on device"))
	}
	h.mustShell("wang")
	h.lendThroughScreen(h.lending(ledger.KindUmbrella), "U-003", "")
	s := h.closeDayThroughScreen("50")
	if !s.waitBackup(30 * time.Second) {
		t.Fatal("backup hook not run")
	}
	if e := h.ui.LastError(); !strings.Contains(e, "自动备份失败") || !strings.Contains(e, "磁盘") {
		t.Fatalf("error shown %q", e)
	}
	if s.closed == nil {
		t.Fatal("close lost")
	}
	h.verify()
}
