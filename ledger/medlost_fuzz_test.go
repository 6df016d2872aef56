package ledger

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets for the medicine and lost-and-found request validators: an
// accepted request is clean (no forbidden characters, no outer spaces,
// within the field limits) and accepted again unchanged; nothing panics.
// Seed corpora are under testdata/fuzz.

// clean reports whether s is what TextField.Clean leaves.
func clean(t *testing.T, what, s string, max int) {
	t.Helper()
	if !utf8.ValidString(s) || strings.TrimSpace(s) != s || utf8.RuneCountInString(s) > max {
		t.Fatalf("%s not clean: %q", what, s)
	}
	for _, r := range s {
		if Forbidden(r) {
			t.Fatalf("%s keeps %U: %q", what, r, s)
		}
	}
}

func FuzzParseCategories(f *testing.F) {
	f.Add(FormatCategories(DefaultLostFoundCategories()))
	f.Add("证件 15 公安\n\n钥匙 30\n")
	f.Add("手机 电子 30")
	f.Add("雨伞\u3000 7 police")
	f.Add("证件 +015 公安\r\n钱包 30")
	f.Fuzz(func(t *testing.T, text string) {
		cats, err := ParseCategories(text)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		if ValidateCategories(cats) != nil {
			t.Fatalf("parsed an invalid list %+v", cats)
		}
		again, err := ParseCategories(FormatCategories(cats))
		if err != nil || !reflect.DeepEqual(again, cats) {
			t.Fatalf("%q -> %+v -> %q -> %+v %v", text, cats, FormatCategories(cats), again, err)
		}
	})
}

func FuzzRestockNormalize(f *testing.F) {
	f.Add(int64(1), "B2611", "2027-06", 20, "商场医务室")
	f.Add(int64(1), " B 1 ", "2026.11.24", 1, "")
	f.Add(int64(0), "", "", 0, "\u202e")
	f.Fuzz(func(t *testing.T, id int64, batch, expiry string, qty int, supplier string) {
		const today = "2026-11-25"
		r, err := RestockRequest{MedicineID: id, BatchNo: batch, Expiry: expiry, Quantity: qty, Supplier: supplier}.Normalize(today)
		if err != nil {
			return
		}
		clean(t, "batch", r.BatchNo, FieldBatchNo.Max)
		clean(t, "supplier", r.Supplier, FieldSupplierNote.Max)
		if r.Expiry < today || r.Quantity <= 0 || r.Quantity > MaxMedicineQty || r.MedicineID <= 0 {
			t.Fatalf("accepted %+v", r)
		}
		if again, err := r.Normalize(today); err != nil || again != r {
			t.Fatalf("not stable: %+v -> %+v %v", r, again, err)
		}
	})
}

func FuzzDispenseNormalize(f *testing.F) {
	f.Add(int64(1), 2, "顾客（女，约30岁）", "头痛求助")
	f.Add(int64(1), 0, " ", "x\x00")
	f.Fuzz(func(t *testing.T, id int64, qty int, who, why string) {
		r, err := DispenseRequest{MedicineID: id, Quantity: qty, Recipient: who, Reason: why}.Normalize()
		if err != nil {
			return
		}
		clean(t, "recipient", r.Recipient, FieldRecipient.Max)
		clean(t, "reason", r.Reason, FieldDispenseWhy.Max)
		if r.Quantity <= 0 || r.Quantity > MaxDispenseQty || r.MedicineID <= 0 {
			t.Fatalf("accepted %+v", r)
		}
		if again, err := r.Normalize(); err != nil || again != r {
			t.Fatalf("not stable: %+v -> %+v %v", r, again, err)
		}
	})
}

func FuzzRegisterFoundNormalize(f *testing.F) {
	f.Add("钱包", "黑色钱包", int64(-3600), "三楼", "保洁员", "A柜-3")
	f.Add("宠物", "", int64(600), "", "", "")
	f.Add("证件", "身份证\u200b一张", int64(-400*86400), "一楼", "顾客", "A柜-1")
	f.Fuzz(func(t *testing.T, cat, desc string, ago int64, place, finder, storage string) {
		cats := DefaultLostFoundCategories()
		req := RegisterFoundRequest{Category: cat, Description: desc, FoundAt: lfNow.Add(time.Duration(ago) * time.Second),
			FoundPlace: place, Finder: finder, Storage: storage}
		r, err := req.Normalize(cats, lfNow)
		if err != nil {
			return
		}
		if _, ok := CategoryByName(cats, r.Category); !ok {
			t.Fatalf("unknown category accepted: %q", r.Category)
		}
		clean(t, "description", r.Description, FieldFoundDesc.Max)
		clean(t, "place", r.FoundPlace, FieldFoundPlace.Max)
		clean(t, "finder", r.Finder, FieldFinder.Max)
		clean(t, "storage", r.Storage, FieldStorage.Max)
		if r.FoundAt.After(lfNow.Add(5*time.Minute)) || r.FoundAt.Before(lfNow.AddDate(-1, 0, 0)) {
			t.Fatalf("found at %v accepted", r.FoundAt)
		}
		if again, err := r.Normalize(cats, lfNow); err != nil || !reflect.DeepEqual(again, r) {
			t.Fatalf("not stable: %+v -> %+v %v", r, again, err)
		}
	})
}

func FuzzLostReportNormalize(f *testing.F) {
	f.Add("item", "钱包", "黑色钱包，有银行卡", "美食广场", int64(-7200), int64(3600), "")
	f.Add("person", "", "穿红衣服的男孩，约5岁", "二楼", int64(-600), int64(0), "张小明")
	f.Add("person", "", "x", "", int64(0), int64(-1), "")
	f.Fuzz(func(t *testing.T, kind, cat, desc, place string, from, span int64, name string) {
		req := LostReportRequest{Kind: LostKind(kind), Category: cat, Description: desc, Place: place, Name: name,
			From: lfNow.Add(time.Duration(from) * time.Second)}
		req.To = req.From.Add(time.Duration(span) * time.Second)
		r, err := req.Normalize(DefaultLostFoundCategories(), lfNow)
		if err != nil {
			return
		}
		clean(t, "description", r.Description, FieldLostDesc.Max)
		clean(t, "place", r.Place, FieldLostPlace.Max)
		if r.To.Before(r.From) || r.From.After(lfNow.Add(5*time.Minute)) || (r.Kind == LostPerson && (r.Name == "" || r.Category != "")) {
			t.Fatalf("accepted %+v", r)
		}
		if again, err := r.Normalize(DefaultLostFoundCategories(), lfNow); err != nil || !reflect.DeepEqual(again, r) {
			t.Fatalf("not stable: %+v -> %+v %v", r, again, err)
		}
	})
}

func FuzzClaimNormalize(f *testing.F) {
	f.Add(int64(1), "黑色钱包，里面有两张银行卡", true, "李四", "13711111111", "11010519491231002X")
	f.Add(int64(1), "钱包", true, "李四", "13711111111", "110105194912310021")
	f.Add(int64(1), "钱包", false, "", "", "")
	f.Fuzz(func(t *testing.T, id int64, desc string, matches bool, name, mobile, rid string) {
		c, err := ClaimRequest{ItemID: id, Description: desc, Matches: matches, Name: name, Mobile: mobile, ResidentID: rid}.Normalize()
		if err != nil {
			return
		}
		clean(t, "description", c.Description, FieldClaimDesc.Max)
		if !c.Matches || c.ItemID <= 0 || c.Name == "" {
			t.Fatalf("accepted %+v", c)
		}
		if _, err := ValidateResidentID(c.ResidentID); err != nil {
			t.Fatalf("bad ID accepted: %q %v", c.ResidentID, err)
		}
		if _, err := NormalizeMobile(c.Mobile); err != nil {
			t.Fatalf("bad mobile accepted: %q %v", c.Mobile, err)
		}
	})
}
