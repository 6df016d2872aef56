package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// lfFixture is a fixture with the lost-and-found service and a second supervisor.
type lfFixture struct {
	*fixture
	lf   *LostFoundService
	sup2 ledger.Staff
}

func newLFFixture(t *testing.T) *lfFixture {
	t.Helper()
	f := &lfFixture{fixture: newFixture(t)}
	f.lf = NewLostFoundService(f.db)
	var err error
	f.sup2, err = f.staff.AddStaff(context.Background(), f.admin, ledger.NewStaff{Username: "zhao", Name: "赵主管", Role: ledger.RoleSupervisor, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// register registers a found item found an hour ago.
func (f *lfFixture) register(t *testing.T, cat, desc, place, storage string) ledger.FoundItem {
	t.Helper()
	it, err := f.lf.Register(context.Background(), f.clerk, ledger.RegisterFoundRequest{Category: cat, Description: desc,
		FoundAt: f.clock.Now().Add(-time.Hour), FoundPlace: place, Finder: "保洁员", Storage: storage})
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func TestLostFoundRegisterLabel(t *testing.T) {
	f := newLFFixture(t)
	ctx := context.Background()
	it, err := f.lf.Register(ctx, f.clerk, ledger.RegisterFoundRequest{Category: "证件", Description: "身份证一张",
		FoundAt: f.clock.Now().Add(-30 * time.Minute), FoundPlace: "二楼电梯口", Finder: "保洁员", OwnerName: "李四", Storage: "A柜-1"})
	if err != nil {
		t.Fatal(err)
	}
	// 证件: 15 days, to the police; found 2026-11-25 (Shanghai).
	if it.No != "A-20261125-0001" || it.DueDate != "2026-12-10" || !it.Police || it.OwnerMasked != "李*" || it.Status != ledger.FoundHeld {
		t.Fatalf("item %+v", it)
	}
	job, err := NewPrintQueue(f.db).Original(ctx, it.No)
	if err != nil {
		t.Fatal(err)
	}
	var doc receipts.Document
	if err := json.Unmarshal(job.Document, &doc); err != nil {
		t.Fatal(err)
	}
	raw, err := receipts.EncodeESCPOS(doc, receipts.ESCPOSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dec, err := receipts.DecodeESCPOS(raw)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(dec.Texts(), "\n")
	for _, want := range []string{"失物标签", "20261125-0001", "类别：证件", "存放：A柜-1", "保管至：2026-12-10，逾期移交公安"} {
		if !strings.Contains(text, want) {
			t.Errorf("label lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "李四") {
		t.Fatalf("the label shows the owner's name:\n%s", text)
	}
	got, err := f.lf.ItemByToken(ctx, dec.QR())
	if err != nil || got.ID != it.ID {
		t.Fatalf("label QR: %+v %v", got, err)
	}
	if _, err := f.lf.ItemByToken(ctx, receipts.Signer{Key: make([]byte, 32)}.Sign(receipts.KindLostFound, it.ID)); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("token of another key: %v", err)
	}
	key, _ := f.settings.TokenKey(ctx)
	if _, err := f.lf.ItemByToken(ctx, receipts.Signer{Key: key}.Sign(receipts.KindMedicine, it.ID)); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("token of another kind: %v", err)
	}
	if _, err := f.lf.ItemByNo(ctx, "20261125-0001"); err != nil {
		t.Fatal(err)
	}
	j, err := f.lf.ReprintLabel(ctx, f.clerk, it.ID)
	if err != nil || !j.Copy {
		t.Fatalf("reprint %+v %v", j, err)
	}
	// The journal keeps the masked owner name only.
	es, _ := f.journal.Entries(ctx, 0, 1000)
	for _, e := range es {
		if strings.Contains(string(e.Data), "李四") {
			t.Fatalf("journal entry %d holds the name: %s", e.Seq, e.Data)
		}
	}
}

func TestLostFoundSearch(t *testing.T) {
	f := newLFFixture(t)
	ctx := context.Background()
	f.register(t, "钱包", "黑色皮钱包，内有银行卡", "三楼美食广场", "A柜-3")
	f.clock.Add(24 * time.Hour)
	f.register(t, "手机/电子", "iPhone 13 蓝色手机壳", "一楼大厅", "保险柜")
	f.clock.Add(24 * time.Hour)
	f.register(t, "钱包", "棕色钱包 50%新", "停车场", "A柜-4")
	for i := 0; i < 25; i++ {
		f.register(t, "衣物", fmt.Sprintf("外套%d号", i), "二楼", "B架")
	}
	for _, tc := range []struct {
		q    ledger.FoundSearch
		want int
	}{
		{ledger.FoundSearch{Category: "钱包"}, 2},
		{ledger.FoundSearch{Words: "钱包 黑色"}, 1},
		{ledger.FoundSearch{Words: "IPHONE"}, 1},
		{ledger.FoundSearch{Words: "50%"}, 1},
		{ledger.FoundSearch{Words: "%"}, 1},
		{ledger.FoundSearch{Words: "_"}, 0},
		{ledger.FoundSearch{Storage: "a柜"}, 2},
		{ledger.FoundSearch{From: "2026-11-26", To: "2026-11-26"}, 1},
		{ledger.FoundSearch{From: "2026-11-27"}, 26},
		{ledger.FoundSearch{To: "2026-11-25"}, 1},
		{ledger.FoundSearch{Status: ledger.FoundClaimed}, 0},
		{ledger.FoundSearch{}, 28},
	} {
		items, total, err := f.lf.Search(ctx, tc.q)
		if err != nil || total != tc.want || len(items) != min(total, 50) {
			t.Errorf("%+v: %d items, total %d, %v; want %d", tc.q, len(items), total, err, tc.want)
		}
	}
	page1, total, _ := f.lf.Search(ctx, ledger.FoundSearch{Category: "衣物", Limit: 10})
	page3, _, _ := f.lf.Search(ctx, ledger.FoundSearch{Category: "衣物", Limit: 10, Offset: 20})
	if total != 25 || len(page1) != 10 || len(page3) != 5 || page1[0].Description != "外套24号" || page3[4].Description != "外套0号" {
		t.Fatalf("pages: total %d, %d, %d", total, len(page1), len(page3))
	}
	if _, _, err := f.lf.Search(ctx, ledger.FoundSearch{From: "2026-12-01", To: "2026-11-01"}); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("reversed dates: %v", err)
	}
	if _, _, err := f.lf.Search(ctx, ledger.FoundSearch{From: "yesterday"}); ledger.ErrorCode(err) != ledger.EINVALID {
		t.Fatalf("bad date: %v", err)
	}
}

func TestLostFoundMatches(t *testing.T) {
	f := newLFFixture(t)
	ctx := context.Background()
	wallet := f.register(t, "钱包", "黑色皮钱包，内有银行卡", "三楼美食广场", "A柜-3")
	f.register(t, "钥匙", "一串钥匙", "停车场", "A柜-5")
	other := f.register(t, "钱包", "红色零钱包", "一楼", "A柜-6")
	r, err := f.lf.Report(ctx, f.clerk, ledger.LostReportRequest{Kind: ledger.LostItem, Category: "钱包", Description: "黑色钱包，有银行卡",
		Place: "美食广场", From: f.clock.Now().Add(-3 * time.Hour), To: f.clock.Now().Add(-2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := f.lf.Matches(ctx, r.ID, 10)
	if err != nil || len(ms) != 2 || ms[0].Item.ID != wallet.ID || ms[1].Item.ID != other.ID || ms[0].Score <= ms[1].Score {
		t.Fatalf("matches %+v %v", ms, err)
	}
	d, err := f.lf.DraftFromReport(ctx, f.clerk, r.ID)
	if err != nil || !strings.Contains(d.Text, "有顾客在美食广场遗失黑色钱包，有银行卡，如有拾到，请送到北门服务台") {
		t.Fatalf("draft %+v %v", d, err)
	}
	ds, _ := f.lf.Drafts(ctx, 10)
	sum, _ := f.lf.Summary(ctx)
	if len(ds) != 1 || ds[0].Text != d.Text || sum.Held != 3 || sum.Open != 1 || sum.Drafts != 1 || sum.Due != 0 {
		t.Fatalf("drafts %+v summary %+v", ds, sum)
	}
	// The draft goes to the broadcast console's queue once, as drafted.
	q, err := f.lf.QueueDraft(ctx, f.clerk, d.ID)
	if err != nil || q.Status != ledger.DraftQueued || q.BroadcastID == 0 {
		t.Fatalf("queue draft %+v %v", q, err)
	}
	queue, err := NewBroadcastService(f.db).Queue(ctx)
	if err != nil || len(queue) != 1 || queue[0].ID != q.BroadcastID || queue[0].Text != d.Text || queue[0].Kind != "item" {
		t.Fatalf("broadcast queue %+v %v", queue, err)
	}
	if _, err := f.lf.QueueDraft(ctx, f.clerk, d.ID); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("second queue: %v", err)
	}
	if _, err := f.db.db.Exec("UPDATE lostfound_drafts SET text = 'x' WHERE id = ?", d.ID); err == nil {
		t.Fatal("a queued draft changed")
	}
	if err := f.lf.CloseReport(ctx, f.clerk, r.ID, "顾客已找到"); err != nil {
		t.Fatal(err)
	}
	if err := f.lf.CloseReport(ctx, f.clerk, r.ID, "再关"); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("second close: %v", err)
	}
	if _, err := f.lf.DraftFromReport(ctx, f.clerk, r.ID); ledger.ErrorCode(err) != ledger.ECONFLICT {
		t.Fatalf("draft of a closed report: %v", err)
	}
}

func TestLostFoundDisposalTwoApprovers(t *testing.T) {
	f := newLFFixture(t)
	ctx := context.Background()
	keys := f.register(t, "钥匙", "一串钥匙", "停车场", "A柜-5")
	card := f.register(t, "证件", "学生证", "二楼", "A柜-1")
	grant := func(f2 ledger.FoundItem, m ledger.DisposalMethod, user string) *ledger.Approval {
		return f.grant(t, ledger.DisposalApproval(f.clerk.ID, f2, m), user, "期满处置")
	}
	req := ledger.DisposeRequest{ItemID: keys.ID, Method: ledger.DisposeDestroy, DisposedTo: "按规定销毁",
		Approvals: []*ledger.Approval{grant(keys, ledger.DisposeDestroy, "wang"), grant(keys, ledger.DisposeDestroy, "zhao")}}
	if _, err := f.lf.Dispose(ctx, f.clerk, req); ledger.ErrorCode(err) != ledger.ECONFLICT || !strings.Contains(ledger.ErrorMessage(err), "未到期") {
		t.Fatalf("before due: %v", err)
	}
	f.clock.Add(31 * 24 * time.Hour)
	due, total, err := f.lf.Due(ctx, 0, 10)
	if err != nil || total != 2 || due[0].ID != card.ID {
		t.Fatalf("due %d %+v %v", total, due, err)
	}
	// Approvals expire after a few minutes: fresh ones for each case.
	fresh := func() []*ledger.Approval {
		return []*ledger.Approval{grant(keys, ledger.DisposeDestroy, "wang"), grant(keys, ledger.DisposeDestroy, "zhao")}
	}
	forged := &ledger.Approval{ApproverID: f.sup.ID, ApproverName: f.sup.Name, Reason: "期满"}
	for name, approvals := range map[string][]*ledger.Approval{
		"one approver":        {grant(keys, ledger.DisposeDestroy, "wang")},
		"same twice":          {grant(keys, ledger.DisposeDestroy, "wang"), grant(keys, ledger.DisposeDestroy, "wang")},
		"for another method":  {grant(keys, ledger.DisposeDestroy, "wang"), grant(keys, ledger.DisposeDonate, "zhao")},
		"for another item":    {grant(keys, ledger.DisposeDestroy, "wang"), grant(card, ledger.DisposeDestroy, "zhao")},
		"built by the caller": {grant(keys, ledger.DisposeDestroy, "wang"), forged},
		"nobody":              nil,
	} {
		r := req
		r.Approvals = approvals
		if _, err := f.lf.Dispose(ctx, f.clerk, r); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A clerk cannot approve; the actor cannot approve their own disposal.
	if _, err := f.staff.Approve(ctx, ledger.DisposalApproval(f.clerk.ID, keys, ledger.DisposeDestroy), "li", testPassword, "期满"); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("clerk approval: %v", err)
	}
	if _, err := f.staff.Approve(ctx, ledger.DisposalApproval(f.sup.ID, keys, ledger.DisposeDestroy), "wang", testPassword, "期满"); ledger.ErrorCode(err) != ledger.EFORBIDDEN {
		t.Fatalf("self approval: %v", err)
	}
	req.Approvals = fresh()
	bad := req
	bad.ItemID, bad.Method = card.ID, ledger.DisposeDonate
	bad.Approvals = []*ledger.Approval{grant(card, ledger.DisposeDonate, "wang"), grant(card, ledger.DisposeDonate, "zhao")}
	if _, err := f.lf.Dispose(ctx, f.clerk, bad); ledger.ErrorCode(err) != ledger.EINVALID || !strings.Contains(ledger.ErrorMessage(err), "须移交公安机关") {
		t.Fatalf("ID card donated: %v", err)
	}
	got, err := f.lf.Dispose(ctx, f.clerk, req)
	if err != nil || got.Status != ledger.FoundDisposed || strings.Join(got.Approvers, ",") != "王主管,赵主管" {
		t.Fatalf("dispose %+v %v", got, err)
	}
	req.Approvals = fresh()
	if _, err := f.lf.Dispose(ctx, f.clerk, req); ledger.ErrorCode(err) != ledger.ECONFLICT || !strings.Contains(ledger.ErrorMessage(err), "已于") {
		t.Fatalf("second disposal: %v", err)
	}
	stored, _ := f.lf.Item(ctx, keys.ID)
	if stored.DisposedTo != "按规定销毁" || len(stored.Approvers) != 2 {
		t.Fatalf("stored %+v", stored)
	}
	// The database refuses a change to a disposed item.
	if _, err := f.db.db.Exec("UPDATE found_items SET status = 'held', dispose_seq = 0 WHERE id = ?", keys.ID); err == nil {
		t.Fatal("disposed item changed")
	}
	if _, err := f.db.db.Exec("DELETE FROM found_items"); err == nil {
		t.Fatal("found items deleted")
	}
	if res, _ := f.journal.Verify(ctx); !res.OK {
		t.Fatalf("verify %+v", res)
	}
}

func TestLostFoundRegisterRefusals(t *testing.T) {
	f := newLFFixture(t)
	ctx := context.Background()
	before := 0
	f.db.db.QueryRow("SELECT count(*) FROM journal").Scan(&before)
	for _, r := range []ledger.RegisterFoundRequest{
		{Category: "宠物", Description: "小狗", FoundAt: f.clock.Now(), FoundPlace: "门口", Finder: "顾客", Storage: "A"},
		{Category: "钱包", Description: "钱包", FoundAt: f.clock.Now().Add(time.Hour), FoundPlace: "门口", Finder: "顾客", Storage: "A"},
		{Category: "钱包", Description: "钱包", FoundAt: f.clock.Now(), FoundPlace: "门口", Finder: "顾客", Storage: "A", Photo: []byte("not a photo")},
		{Category: "钱包", Description: strings.Repeat("长", 201), FoundAt: f.clock.Now(), FoundPlace: "门口", Finder: "顾客", Storage: "A"},
	} {
		if _, err := f.lf.Register(ctx, f.clerk, r); ledger.ErrorCode(err) != ledger.EINVALID {
			t.Errorf("%+v: %v", r.Category, err)
		}
	}
	after := 0
	f.db.db.QueryRow("SELECT count(*) FROM journal").Scan(&after)
	if after != before {
		t.Fatalf("journal grew %d -> %d", before, after)
	}
}
