package ledger

import (
	"strings"
	"testing"
)

func batches() []MedicineBatch {
	return []MedicineBatch{
		{ID: 1, BatchNo: "A1", Expiry: "2026-11-20", Quantity: 5}, // expired on 2026-11-25
		{ID: 2, BatchNo: "B2", Expiry: "2027-06-30", Quantity: 4},
		{ID: 3, BatchNo: "C3", Expiry: "2026-12-31", Quantity: 2},
		{ID: 4, BatchNo: "D4", Expiry: "2026-12-01", Quantity: 0}, // empty
	}
}

func TestPlanDispenseEarliestExpiryFirst(t *testing.T) {
	plan, err := PlanDispense(batches(), 3, 0, "2026-11-25", "盒")
	if err != nil {
		t.Fatal(err)
	}
	if len(plan) != 2 || plan[0].BatchID != 3 || plan[0].Quantity != 2 || plan[1].BatchID != 2 || plan[1].Quantity != 1 {
		t.Fatalf("plan = %+v", plan)
	}
	if got := TakesText(plan, "盒"); got != "批号 C3（有效期至 2026-12-31）×2盒；批号 B2（有效期至 2027-06-30）×1盒" {
		t.Fatalf("text = %q", got)
	}
	// The expiry day itself is usable.
	plan, err = PlanDispense(batches(), 1, 0, "2026-12-31", "盒")
	if err != nil || plan[0].BatchID != 3 {
		t.Fatalf("on expiry day: %+v %v", plan, err)
	}
}

func TestPlanDispenseRefusals(t *testing.T) {
	for _, tc := range []struct {
		name    string
		bs      []MedicineBatch
		qty     int
		batch   int64
		code    string
		message string
	}{
		{"above usable stock", batches(), 7, 0, ECONFLICT, "未过期库存只有 6盒，不够领用 7盒"},
		{"expired batch chosen", batches(), 1, 1, ECONFLICT, "批号 A1 已于 2026-11-20 过期，不能发放"},
		{"chosen batch short", batches(), 3, 3, ECONFLICT, "批号 C3 只剩 2盒"},
		{"all expired", batches()[:1], 1, 0, ECONFLICT, "库存 5盒 均已过期"},
		{"nothing", nil, 1, 0, ECONFLICT, "已无库存"},
		{"zero", batches(), 0, 0, EINVALID, "领用数量须在1到100之间"},
		{"negative", batches(), -2, 0, EINVALID, "领用数量"},
		{"huge", batches(), 1 << 40, 0, EINVALID, "领用数量"},
		{"unknown batch", batches(), 1, 99, ENOTFOUND, "找不到该批号"},
	} {
		_, err := PlanDispense(tc.bs, tc.qty, tc.batch, "2026-11-25", "盒")
		if ErrorCode(err) != tc.code || !strings.Contains(ErrorMessage(err), tc.message) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestMedicineAlerts(t *testing.T) {
	m := Medicine{ID: 9, Name: "创可贴", Unit: "片", ReorderLevel: 10}
	as := MedicineAlerts(m, batches(), "2026-11-25", 36)
	SortAlerts(as)
	var kinds []string
	for _, a := range as {
		kinds = append(kinds, string(a.Kind)+":"+a.BatchNo)
	}
	// A1 expired; C3 expires within 36 days; B2 does not; usable 6 < 10.
	if strings.Join(kinds, ",") != "expired:A1,expiring:C3,low:" {
		t.Fatalf("alerts = %v", kinds)
	}
	if as[2].Quantity != 6 || !strings.Contains(as[2].Text(), "库存 6片，低于补货线 10片") {
		t.Fatalf("low = %+v %q", as[2], as[2].Text())
	}
	if !strings.Contains(as[0].Text(), "已过期") || !strings.Contains(as[1].Text(), "将于 2026-12-31 过期") {
		t.Fatalf("texts %q %q", as[0].Text(), as[1].Text())
	}
	m.ReorderLevel = 0
	if as := MedicineAlerts(m, batches(), "2026-11-25", 3); len(as) != 1 || as[0].Kind != AlertExpired {
		t.Fatalf("3-day window: %+v", as)
	}
}

func TestRestockNormalize(t *testing.T) {
	ok := RestockRequest{MedicineID: 1, BatchNo: " 20261001 ", Expiry: "2028.03", Quantity: 10, Supplier: "医药公司 发票 123"}
	r, err := ok.Normalize("2026-11-25")
	if err != nil || r.Expiry != "2028-03-31" || r.BatchNo != "20261001" {
		t.Fatalf("%+v %v", r, err)
	}
	for _, tc := range []struct {
		mod  func(*RestockRequest)
		want string
	}{
		{func(r *RestockRequest) { r.Expiry = "2026-11-24" }, "已过期，不能入库"},
		{func(r *RestockRequest) { r.Expiry = "2099-01-01" }, "有效期 2099-01-01 过远"},
		{func(r *RestockRequest) { r.Expiry = "明年" }, "日期格式不正确"},
		{func(r *RestockRequest) { r.Quantity = 0 }, "入库数量须在1到10000之间"},
		{func(r *RestockRequest) { r.Quantity = 10001 }, "入库数量"},
		{func(r *RestockRequest) { r.BatchNo = "" }, "请填写批号"},
		{func(r *RestockRequest) { r.BatchNo = "A\x1b1" }, "控制字符"},
		{func(r *RestockRequest) { r.MedicineID = 0 }, "请选择药品"},
	} {
		r := ok
		tc.mod(&r)
		if _, err := r.Normalize("2026-11-25"); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tc.want) {
			t.Errorf("want %q, got %v", tc.want, err)
		}
	}
}

func TestNewMedicineNormalize(t *testing.T) {
	n, err := NewMedicine{Name: " 布洛芬缓释胶囊 ", Category: MedInternal, Spec: "0.3g×20粒", Unit: "盒", ReorderLevel: 2}.Normalize()
	if err != nil || n.Name != "布洛芬缓释胶囊" {
		t.Fatalf("%+v %v", n, err)
	}
	for _, bad := range []NewMedicine{
		{Name: "", Category: MedInternal, Unit: "盒"},
		{Name: "x", Category: "oral", Unit: "盒"},
		{Name: "x", Category: MedDevice, Unit: ""},
		{Name: "x", Category: MedDevice, Unit: "个", ReorderLevel: -1},
		{Name: strings.Repeat("药", 41), Category: MedDevice, Unit: "个"},
	} {
		if _, err := bad.Normalize(); ErrorCode(err) != EINVALID {
			t.Errorf("%+v accepted: %v", bad, err)
		}
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2027-03-31": "2027-03-31", "2027/3/1": "2027-03-01", "2027.03": "2027-03-31", "202802": "2028-02-29",
		"20270228": "2027-02-28", "2027年3月": "2027-03-31", "2027年3月5日": "2027-03-05", " 2030-12 ": "2030-12-31",
	} {
		if got, err := ParseDate(in); err != nil || got != want {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "2027-02-30", "2027-13", "1999-01-01", "27-03-31", "2027-03-31-01", "abcd-ef", "2027--03", "2027-0x-01", "１２３４"} {
		if got, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) accepted as %q", in, got)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2027-03-31", "2027.03", "202703", "20270331", "2027年3月5日", "2027/2/29", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		again, err := ParseDate(d)
		if err != nil || again != d || len(d) != 10 || d < "2000-01-01" || d > "2099-12-31" {
			t.Fatalf("%q -> %q -> %q %v", s, d, again, err)
		}
	})
}

func FuzzPlanDispense(f *testing.F) {
	f.Add(3, int64(0), 5, 4, 2, "2026-11-20", "2027-06-30", "2026-12-31")
	f.Add(1, int64(2), 0, 1, 9, "2026-11-26", "2026-11-25", "2026-11-24")
	f.Fuzz(func(t *testing.T, qty int, batch int64, q1, q2, q3 int, e1, e2, e3 string) {
		bs := []MedicineBatch{{ID: 1, BatchNo: "a", Expiry: e1, Quantity: q1}, {ID: 2, BatchNo: "b", Expiry: e2, Quantity: q2}, {ID: 3, BatchNo: "c", Expiry: e3, Quantity: q3}}
		plan, err := PlanDispense(bs, qty, batch, "2026-11-25", "盒")
		if err != nil {
			return
		}
		total := 0
		for _, tk := range plan {
			b := bs[tk.BatchID-1]
			if tk.Quantity <= 0 || tk.Quantity > b.Quantity || b.Expired("2026-11-25") {
				t.Fatalf("bad take %+v from %+v", tk, b)
			}
			total += tk.Quantity
		}
		if total != qty {
			t.Fatalf("plan %+v takes %d, want %d", plan, total, qty)
		}
	})
}
