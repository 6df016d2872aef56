package ledger

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"reflect"
	"strings"
	"testing"
	"time"
)

var lfNow = time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)

func TestWords(t *testing.T) {
	for in, want := range map[string]string{
		"黑色的钱包":           "黑色,钱包",
		"黑色钱包，内有身份证":      "黑色,色钱,钱包,内,身份,份证",
		"iPhone 13 蓝色手机壳": "iphone,13,蓝色,色手,手机,机壳",
		"ＩＰＨＯＮＥ１３":        "iphone13",
		"":                "",
		"！！！":             "",
		"包":               "包",
		"黑色钱包 黑色钱包":       "黑色,色钱,钱包",
	} {
		if got := strings.Join(Words(in), ","); got != want {
			t.Errorf("Words(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMatchScore(t *testing.T) {
	r := LostReport{Category: "钱包", Description: "黑色皮钱包，内有身份证", Place: "三楼美食广场",
		From: lfNow.Add(-3 * time.Hour), To: lfNow.Add(-2 * time.Hour)}
	good := FoundItem{Category: "钱包", Description: "黑色钱包一个，有身份证和银行卡", FoundPlace: "三楼美食广场", FoundAt: lfNow.Add(-time.Hour)}
	other := FoundItem{Category: "钥匙", Description: "一串钥匙", FoundPlace: "停车场", FoundAt: lfNow.Add(-time.Hour)}
	late := good
	late.FoundAt = lfNow.Add(5 * 24 * time.Hour)
	before := good
	before.FoundAt = r.From.Add(-3 * time.Hour)
	sg, why := MatchScore(r, good)
	so, _ := MatchScore(r, other)
	sl, _ := MatchScore(r, late)
	sb, _ := MatchScore(r, before)
	if sg < 90 || sg > 100 || !strings.Contains(strings.Join(why, "|"), "类别相同|时间吻合|相同字词：黑色") {
		t.Fatalf("good: %d %v", sg, why)
	}
	if so >= 40 || sl >= sg || sl < 50 || sb != 0 {
		t.Fatalf("other %d late %d before %d (good %d)", so, sl, sb, sg)
	}
}

func FuzzMatchScore(f *testing.F) {
	f.Add("黑色钱包", "三楼", "黑色钱包一个", "美食广场", int64(3600), "钱包", "钱包")
	f.Add("", "", "", "", int64(-99999), "", "x")
	f.Fuzz(func(t *testing.T, rd, rp, fd, fp string, dt int64, rc, fc string) {
		r := LostReport{Category: rc, Description: rd, Place: rp, From: lfNow, To: lfNow.Add(time.Hour)}
		it := FoundItem{Category: fc, Description: fd, FoundPlace: fp, FoundAt: lfNow.Add(time.Duration(dt) * time.Second)}
		s, why := MatchScore(r, it)
		if s < 0 || s > 100 || (s == 0) != (len(why) == 0) {
			t.Fatalf("score %d why %v", s, why)
		}
		for _, w := range Words(rd) {
			if w == "" {
				t.Fatal("empty word")
			}
		}
	})
}

func TestValidateCategories(t *testing.T) {
	if err := ValidateCategories(DefaultLostFoundCategories()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cats []LostFoundCategory
		want string
	}{
		{nil, "失物类别须有1到30个"},
		{[]LostFoundCategory{{Name: "证件", RetentionDays: 1}, {Name: "证件", RetentionDays: 2}}, "失物类别重复"},
		{[]LostFoundCategory{{Name: "证件", RetentionDays: 0}}, "保管天数须在1到3650之间"},
		{[]LostFoundCategory{{Name: "", RetentionDays: 3}}, "请填写类别名称"},
		{[]LostFoundCategory{{Name: " 证件", RetentionDays: 3}}, "前后不能有空格"},
		{[]LostFoundCategory{{Name: "证\u202e件", RetentionDays: 3}}, "控制字符"},
		{[]LostFoundCategory{{Name: "手机 电子", RetentionDays: 3}}, "中间不能有空格"},
		{[]LostFoundCategory{{Name: "手机\u3000电子", RetentionDays: 3}}, "中间不能有空格"},
	} {
		if err := ValidateCategories(tc.cats); !strings.Contains(ErrorMessage(err), tc.want) {
			t.Errorf("%+v: %v", tc.cats, err)
		}
	}
	s := DefaultSettings()
	s.LostFoundCategories = []LostFoundCategory{{Name: "证件", RetentionDays: 0}}
	if s.Validate() == nil {
		t.Fatal("settings with a bad category accepted")
	}
	s = DefaultSettings()
	if s.MedicineWarn() != 30 || len(s.Categories()) != len(DefaultLostFoundCategories()) {
		t.Fatal("defaults")
	}
	s.MedicineWarnDays = 400
	if s.Validate() == nil {
		t.Fatal("warn days 400 accepted")
	}
}

// The category editor's text: one category a line, 名称 保管天数 [公安];
// what is written is read back the same.
func TestParseCategories(t *testing.T) {
	cats, err := ParseCategories("证件 15 公安\n\n  钥匙\t30 \r\n雨伞 7 Police\n")
	want := []LostFoundCategory{{Name: "证件", RetentionDays: 15, Police: true}, {Name: "钥匙", RetentionDays: 30}, {Name: "雨伞", RetentionDays: 7, Police: true}}
	if err != nil || !reflect.DeepEqual(cats, want) {
		t.Fatalf("%+v %v", cats, err)
	}
	if again, err := ParseCategories(FormatCategories(DefaultLostFoundCategories())); err != nil || !reflect.DeepEqual(again, DefaultLostFoundCategories()) {
		t.Fatalf("defaults do not read back: %+v %v", again, err)
	}
	for text, msg := range map[string]string{
		"":                          "失物类别须有1到30个",
		"证件":                        "第1行格式不正确",
		"钥匙 30\n证件 15 警察":           "第2行格式不正确",
		"钥匙 三十":                     "第1行的保管天数须为整数",
		"钥匙 0":                      "保管天数须在1到3650之间",
		"钥匙 30\n钥匙 7":               "失物类别重复",
		strings.Repeat("a 1\n", 31): "失物类别须有1到30个",
	} {
		if _, err := ParseCategories(text); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), msg) {
			t.Errorf("%q: %v, want %q", text, err, msg)
		}
	}
}

func jpegOf(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 60}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckPhoto(t *testing.T) {
	if err := CheckPhoto(jpegOf(t, 320, 240)); err != nil {
		t.Fatal(err)
	}
	var p bytes.Buffer
	img := image.NewGray(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.White)
	png.Encode(&p, img)
	for name, b := range map[string][]byte{
		"png":       p.Bytes(),
		"too big":   jpegOf(t, 641, 10),
		"garbage":   []byte("\xff\xd8\xff not a jpeg"),
		"truncated": jpegOf(t, 64, 64)[:200],
		"huge":      bytes.Repeat([]byte{0xff}, MaxPhotoBytes+1),
	} {
		if err := CheckPhoto(b); ErrorCode(err) != EINVALID {
			t.Errorf("%s accepted: %v", name, err)
		}
	}
}

func FuzzCheckPhoto(f *testing.F) {
	f.Add(jpegOf(f, 8, 8))
	f.Add([]byte("\xff\xd8\xff\xe0"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if CheckPhoto(b) != nil {
			return
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
		if err != nil || format != "jpeg" || cfg.Width > MaxPhotoSide || len(b) > MaxPhotoBytes {
			t.Fatalf("accepted %v %s %v", cfg, format, err)
		}
	})
}

func TestRegisterFoundNormalize(t *testing.T) {
	cats := DefaultLostFoundCategories()
	ok := RegisterFoundRequest{Category: "钱包", Description: " 黑色钱包 ", FoundAt: lfNow.Add(-time.Hour), FoundPlace: "三楼",
		Finder: "保洁员", Storage: "A柜-3", Photo: jpegOf(t, 100, 80)}
	r, err := ok.Normalize(cats, lfNow)
	if err != nil || r.Description != "黑色钱包" {
		t.Fatalf("%+v %v", r, err)
	}
	for _, tc := range []struct {
		mod  func(*RegisterFoundRequest)
		want string
	}{
		{func(r *RegisterFoundRequest) { r.Category = "宠物" }, "请选择失物类别"},
		{func(r *RegisterFoundRequest) { r.Description = "" }, "请填写物品描述"},
		{func(r *RegisterFoundRequest) { r.FoundAt = time.Time{} }, "请填写拾获时间"},
		{func(r *RegisterFoundRequest) { r.FoundAt = lfNow.Add(time.Hour) }, "不能晚于现在"},
		{func(r *RegisterFoundRequest) { r.FoundAt = lfNow.AddDate(-2, 0, 0) }, "早于一年前"},
		{func(r *RegisterFoundRequest) { r.Storage = "" }, "请填写存放位置"},
		{func(r *RegisterFoundRequest) { r.Finder = "" }, "请填写送交人"},
		{func(r *RegisterFoundRequest) { r.Photo = []byte("x") }, "JPEG"},
	} {
		r := ok
		tc.mod(&r)
		if _, err := r.Normalize(cats, lfNow); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tc.want) {
			t.Errorf("want %q, got %v", tc.want, err)
		}
	}
}

func TestClaimNormalize(t *testing.T) {
	ok := ClaimRequest{ItemID: 1, Description: "黑色钱包，里面有身份证", Matches: true, Name: "张三", Mobile: "13812345678", ResidentID: "11010519491231002X"}
	if _, err := ok.Normalize(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		mod  func(*ClaimRequest)
		want string
	}{
		{func(c *ClaimRequest) { c.Matches = false }, "请先核对"},
		{func(c *ClaimRequest) { c.ResidentID = "110105194912310021" }, "身份证号码无效"},
		{func(c *ClaimRequest) { c.ResidentID = "" }, "请填写认领人身份证号"},
		{func(c *ClaimRequest) { c.Mobile = "12345" }, "手机号码无效"},
		{func(c *ClaimRequest) { c.Name = "" }, "请填写认领人姓名"},
		{func(c *ClaimRequest) { c.ItemID = 0 }, "请先选择失物"},
		{func(c *ClaimRequest) { c.Description = "" }, "请填写认领人描述"},
	} {
		c := ok
		tc.mod(&c)
		if _, err := c.Normalize(); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tc.want) {
			t.Errorf("want %q, got %v", tc.want, err)
		}
	}
}

func TestDrafts(t *testing.T) {
	r := LostReport{ID: 3, Kind: LostItem, Description: "黑色双肩包", Place: "三楼美食广场"}
	d := DraftFromReport(r, "一楼总服务台")
	if d.Template != DraftItem || d.Text != "各位顾客请注意，有顾客在三楼美食广场遗失黑色双肩包，如有拾到，请送到一楼总服务台，谢谢您的合作。" {
		t.Fatalf("%+v", d)
	}
	p := LostReport{ID: 4, Kind: LostPerson, Description: "红色上衣、蓝色牛仔裤", NameMasked: "张*"}
	d = DraftFromReport(p, "一楼总服务台")
	if d.Template != DraftPerson || d.Fields["name"] != "张*" || d.Text != "各位顾客请注意，现在广播寻人：张*，身穿红色上衣、蓝色牛仔裤，听到广播后请到一楼总服务台，您的家人正在那里等您。" {
		t.Fatalf("%+v", d)
	}
	if _, err := d.Announcement().Normalize(); err != nil {
		t.Fatalf("person draft not accepted by the broadcast console: %v", err)
	}
	long := DraftFromReport(LostReport{Kind: LostItem, Description: strings.Repeat("长", 200), Place: strings.Repeat("地", 40)}, strings.Repeat("台", 40))
	if _, err := long.Announcement().Normalize(); err != nil {
		t.Fatalf("longest draft not accepted by the broadcast console: %v", err)
	}
	f := FoundItem{ID: 5, Category: "证件", OwnerMasked: "李*", FoundPlace: "二楼电梯口"}
	d = DraftFromFound(f, "一楼总服务台")
	if d.Template != DraftFound || d.Text != "各位顾客请注意，本商场在二楼电梯口拾到姓名为李*的证件，请失主到一楼总服务台认领。" {
		t.Fatalf("%+v", d)
	}
}
