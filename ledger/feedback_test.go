package ledger

import (
	"strings"
	"testing"
	"time"
)

func TestFeedbackRequestNormalize(t *testing.T) {
	ok := FeedbackRequest{Channel: FeedbackOral, Category: CategoryCleaning, Text: "  洗手间没有纸巾 ", ContactName: " 张三 ", ContactMobile: "+86 138-1234-5678"}
	got, err := ok.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != "洗手间没有纸巾" || got.Due != DefaultFeedbackDue || got.ContactName != "张三" || got.ContactMobile != "13812345678" {
		t.Fatalf("normalized %+v", got)
	}
	for name, c := range map[string]struct {
		mut  func(*FeedbackRequest)
		want string
	}{
		"channel":      {func(r *FeedbackRequest) { r.Channel = "" }, "请选择意见来源"},
		"category":     {func(r *FeedbackRequest) { r.Category = "complaint" }, "请选择意见类别"},
		"short text":   {func(r *FeedbackRequest) { r.Text = "好" }, "意见内容"},
		"bidi":         {func(r *FeedbackRequest) { r.Text = "好评\u202e差评" }, "意见内容"},
		"due":          {func(r *FeedbackRequest) { r.Due = 59 * time.Minute }, "跟进期限"},
		"mobile":       {func(r *FeedbackRequest) { r.ContactMobile = "1381234567" }, "手机"},
		"long name":    {func(r *FeedbackRequest) { r.ContactName = strings.Repeat("名", 33) }, "姓名"},
		"control name": {func(r *FeedbackRequest) { r.ContactName = "张\x00三" }, "姓名"},
	} {
		r := ok
		c.mut(&r)
		_, err := r.Normalize()
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), c.want) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if r, err := (FeedbackRequest{Channel: FeedbackWritten, Category: CategoryPraise, Text: "很好"}).Normalize(); err != nil || r.Contact() != nil {
		t.Fatalf("no contact: %+v %v", r, err)
	}
}

// FuzzFeedbackNormalize: an accepted request is clean (channel, category,
// text and contact by their rules, due within bounds) and accepted again
// unchanged; nothing panics.
func FuzzFeedbackNormalize(f *testing.F) {
	f.Add("oral", "cleaning", "三楼洗手间没有纸巾", "张三", "13812345678", int64(0))
	f.Add("written", "praise", "  李柜员很耐心  ", "", "", int64(48*3600))
	f.Add("oral", "other", "好\u202e评", "\u200b", "+86 139 0000 1111", int64(3599))
	f.Add("email", "service", "x", "王", "1", int64(-1))
	f.Fuzz(func(t *testing.T, ch, cat, text, name, mobile string, dueS int64) {
		req := FeedbackRequest{Channel: FeedbackChannel(ch), Category: FeedbackCategory(cat), Text: text,
			ContactName: name, ContactMobile: mobile, Due: time.Duration(dueS) * time.Second}
		got, err := req.Normalize()
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("error without the invalid code: %v", err)
			}
			return
		}
		if !got.Channel.Valid() || !got.Category.Valid() || got.Due < time.Hour || got.Due > MaxFeedbackDue {
			t.Fatalf("accepted %+v", got)
		}
		clean(t, "text", got.Text, FieldFeedbackText.Max)
		clean(t, "name", got.ContactName, MaxPersonNameRunes)
		if got.ContactMobile != "" && len(got.ContactMobile) != 11 {
			t.Fatalf("mobile %q", got.ContactMobile)
		}
		again, err := got.Normalize()
		if err != nil || again != got {
			t.Fatalf("not stable: %+v → %+v, %v", got, again, err)
		}
	})
}

// FuzzHandoverNormalize: an accepted handover request has its cash and
// counts in range, a clean note, a trimmed account name and a password,
// and is accepted again unchanged; nothing panics.
func FuzzHandoverNormalize(f *testing.F) {
	f.Add(int64(25000), 25, 6, "U-013 伞骨松动", " wang ", "demo1234")
	f.Add(int64(-1), 0, 0, "", "li", "x")
	f.Add(int64(1_000_000_001), 100001, -1, "\u202e", "", "")
	f.Fuzz(func(t *testing.T, cash int64, umbrellas, strollers int, note, user, pass string) {
		req := HandoverRequest{CashCounted: Fen(cash), Counted: map[string]int{"umbrella": umbrellas, "stroller": strollers},
			Note: note, Username: user, Password: pass}
		got, err := req.Normalize()
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("error without the invalid code: %v", err)
			}
			return
		}
		if got.CashCounted < 0 || got.CashCounted > Yuan(maxHandoverCash) || got.Username == "" || got.Password == "" {
			t.Fatalf("accepted %+v", got)
		}
		for w, n := range got.Counted {
			if n < 0 || n > maxHandoverCount {
				t.Fatalf("count %s = %d accepted", w, n)
			}
		}
		clean(t, "note", got.Note, FieldHandoverNote.Max)
		clean(t, "username", got.Username, len(got.Username))
		again, err := got.Normalize()
		if err != nil || again.Note != got.Note || again.Username != got.Username || again.CashCounted != got.CashCounted {
			t.Fatalf("not stable: %+v → %+v, %v", got, again, err)
		}
	})
}
