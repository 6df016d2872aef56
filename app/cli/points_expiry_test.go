package cli

import (
	"bytes"
	"context"
	"log/slog"
	"math/rand"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// The running counter writes off points past their validity by itself: a
// member's points earned 731 days ago are gone after the loop's first run,
// journaled as member.expire, and the log names a count, not the member.
func TestExpireLoopWritesOffOldPoints(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var mu sync.Mutex
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	db, err := sqlstore.Open(ctx, filepath.Join(dir, "desk.db"), sqlstore.Options{Now: clock, Rand: rand.New(rand.NewSource(3)), KeysPath: filepath.Join(dir, "desk.keys")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	staff := sqlstore.NewStaffService(db)
	admin, err := staff.Setup(ctx, ledger.SetupRequest{MallName: "测试广场", CounterName: "总服务台", Admin: ledger.NewStaff{Username: "admin", Name: "陈管理", Password: "counter2026"}})
	if err != nil {
		t.Fatal(err)
	}
	members := sqlstore.NewMemberService(db)
	shop, err := members.AddShop(ctx, admin, ledger.Shop{Name: "星光咖啡", Unit: "B1-012", USCC: "91310000MA1FL0000N"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := members.Signup(ctx, admin, ledger.SignupRequest{Name: "王芳", Mobile: "13611112222", ResidentID: "11010519491231002X", CardNo: "CARD0001",
		Receipts: []ledger.ShopReceipt{{ShopID: shop.ID, No: "A1", Amount: ledger.Yuan(300), Date: "2026-11-25"}}})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(731 * 24 * time.Hour)
	mu.Unlock()
	var logBuf bytes.Buffer
	stop := make(chan struct{})
	close(stop) // one run, then stop
	expireLoop(ctx, members, slog.New(slog.NewTextHandler(&logBuf, nil)), stop)
	if got, _ := members.Member(ctx, m.ID); got.Points != 0 {
		t.Fatalf("points after the loop: %d", got.Points)
	}
	if !strings.Contains(logBuf.String(), "members=1") || strings.Contains(logBuf.String(), "CARD0001") {
		t.Fatalf("log: %s", logBuf.String())
	}
}
