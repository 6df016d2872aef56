package ledger

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// TemplateKind names an announcement template (寻人寻物广播, procedures 5.1.2.1).
type TemplateKind string

// Announcement templates.
const (
	TplPerson  TemplateKind = "person"  // 寻人
	TplItem    TemplateKind = "item"    // 寻物: a customer lost something
	TplFound   TemplateKind = "found"   // 招领: the desk holds a found item
	TplCar     TemplateKind = "car"     // 挪车
	TplClosing TemplateKind = "closing" // 闭店提醒
	TplFree    TemplateKind = "free"    // 自由广播
)

// TemplateKinds lists the templates in the console's order.
func TemplateKinds() []TemplateKind {
	return []TemplateKind{TplPerson, TplItem, TplFound, TplCar, TplClosing, TplFree}
}

// Label returns the Chinese name of the template.
func (k TemplateKind) Label() string {
	switch k {
	case TplPerson:
		return "寻人"
	case TplItem:
		return "寻物"
	case TplFound:
		return "失物招领"
	case TplCar:
		return "挪车"
	case TplClosing:
		return "闭店提醒"
	case TplFree:
		return "自由广播"
	}
	return string(k)
}

// TemplateField is one input of a template.
type TemplateField struct {
	Key      string // "name", "age" …
	Label    string // Chinese label, e.g. 姓名
	Hint     string // example shown in the empty field
	Max      int    // longest value in characters
	Required bool
}

// Field keys used by the templates.
const (
	FieldName     = "name"
	FieldAge      = "age"
	FieldClothing = "clothing"
	FieldPlace    = "place"
	FieldItem     = "item"
	FieldWhere    = "where"
	FieldPlate    = "plate"
	FieldCar      = "car"
	FieldTime     = "time"
	FieldText     = "text"
)

// Fields returns the template's inputs in display order.
func (k TemplateKind) Fields() []TemplateField {
	switch k {
	case TplPerson:
		return []TemplateField{
			{Key: FieldName, Label: "姓名", Hint: "张小明", Max: 20, Required: true},
			{Key: FieldAge, Label: "年龄", Hint: "6", Max: 3},
			{Key: FieldClothing, Label: "衣着特征", Hint: "红色上衣、蓝色牛仔裤", Max: 40},
			{Key: FieldPlace, Label: "见面地点", Hint: "一楼总服务台", Max: 30, Required: true},
		}
	case TplItem:
		return []TemplateField{
			{Key: FieldItem, Label: "物品", Hint: "黑色双肩包", Max: 30, Required: true},
			{Key: FieldWhere, Label: "遗失地点", Hint: "三楼美食广场", Max: 30},
			{Key: FieldPlace, Label: "送还地点", Hint: "一楼总服务台", Max: 30, Required: true},
		}
	case TplFound:
		return []TemplateField{
			{Key: FieldItem, Label: "物品", Hint: "棕色钱包", Max: 30, Required: true},
			{Key: FieldWhere, Label: "拾到地点", Hint: "二楼电梯口", Max: 30},
			{Key: FieldPlace, Label: "认领地点", Hint: "一楼总服务台", Max: 30, Required: true},
		}
	case TplCar:
		return []TemplateField{
			{Key: FieldPlate, Label: "车牌号", Hint: "京A12345", Max: 10, Required: true},
			{Key: FieldCar, Label: "车型颜色", Hint: "白色轿车", Max: 20},
			{Key: FieldWhere, Label: "停放位置", Hint: "地下一层B区", Max: 30},
		}
	case TplClosing:
		return []TemplateField{
			{Key: FieldTime, Label: "闭店时间", Hint: "22:00", Max: 5, Required: true},
		}
	case TplFree:
		return []TemplateField{
			{Key: FieldText, Label: "广播内容", Hint: "各位顾客请注意……", Max: MaxBroadcastText, Required: true},
		}
	}
	return nil
}

// Announcement is an announcement drafted from a template: chime, speech,
// then optional repeats with an interval between them.
type Announcement struct {
	Template TemplateKind
	Fields   map[string]string
	Repeats  int           // extra plays after the first, 0–5
	Interval time.Duration // silence between plays (music back up), 0 or 5 s–10 min
	Urgent   bool          // interrupts what is playing
}

// Limits of an announcement.
const (
	MaxRepeats  = 5
	MinInterval = 5 * time.Second
	MaxInterval = 10 * time.Minute
)

// Normalize trims every field, normalises the plate, and checks all inputs.
func (a Announcement) Normalize() (Announcement, error) {
	fields := a.Template.Fields()
	if fields == nil {
		return a, Errorf(EINVALID, "未知的广播模板：%s", a.Template)
	}
	out := a
	out.Fields = map[string]string{}
	for k := range a.Fields {
		if !hasField(fields, k) {
			return a, Errorf(EINVALID, "模板“%s”没有字段 %s", a.Template.Label(), k)
		}
	}
	for _, f := range fields {
		v := strings.TrimSpace(strings.ReplaceAll(a.Fields[f.Key], "\u3000", " "))
		v = strings.Join(strings.Fields(v), " ")
		if err := checkText(v, f.Label, f.Max, f.Required); err != nil {
			return a, err
		}
		switch {
		case v == "":
		case f.Key == FieldAge:
			n, err := strconv.Atoi(strings.TrimSuffix(v, "岁"))
			if err != nil || n < 0 || n > 120 {
				return a, Errorf(EINVALID, "年龄须为0到120之间的整数")
			}
			v = strconv.Itoa(n)
		case f.Key == FieldPlate:
			p, err := NormalizePlate(v)
			if err != nil {
				return a, err
			}
			v = p
		case f.Key == FieldTime:
			c, err := ParseClock(v)
			if err != nil {
				return a, err
			}
			v = c.String()
		}
		if v != "" {
			out.Fields[f.Key] = v
		}
	}
	if a.Repeats < 0 || a.Repeats > MaxRepeats {
		return a, Errorf(EINVALID, "重复次数须在0到%d之间", MaxRepeats)
	}
	if a.Interval != 0 && (a.Interval < MinInterval || a.Interval > MaxInterval) {
		return a, Errorf(EINVALID, "重复间隔须为0，或5秒到10分钟之间")
	}
	if a.Repeats == 0 {
		out.Interval = 0
	}
	return out, nil
}

// hasField reports whether fields has key.
func hasField(fields []TemplateField, key string) bool {
	for _, f := range fields {
		if f.Key == key {
			return true
		}
	}
	return false
}

// Text renders the announcement as it is shown and logged. maskName, when
// not nil, replaces the person's name (PIPL: the journal and reports keep
// only a masked name).
func (a Announcement) Text(maskName func(string) string) string {
	f := a.Fields
	name := f[FieldName]
	if maskName != nil && name != "" {
		name = maskName(name)
	}
	opt := func(s, prefix, suffix string) string {
		if s == "" {
			return ""
		}
		return prefix + s + suffix
	}
	switch a.Template {
	case TplPerson:
		return "各位顾客请注意，现在广播寻人：" + name + opt(f[FieldAge], "，", "岁") + opt(f[FieldClothing], "，身穿", "") +
			"，听到广播后请到" + f[FieldPlace] + "，您的家人正在那里等您。"
	case TplItem:
		return "各位顾客请注意，有顾客" + opt(f[FieldWhere], "在", "") + "遗失" + f[FieldItem] +
			"，如有拾到，请送到" + f[FieldPlace] + "，谢谢您的合作。"
	case TplFound:
		return "各位顾客请注意，本商场" + opt(f[FieldWhere], "在", "") + "拾到" + f[FieldItem] +
			"，请失主到" + f[FieldPlace] + "认领。"
	case TplCar:
		return "各位顾客请注意，车牌号为" + f[FieldPlate] + opt(f[FieldCar], "的", "") + "的车主，您的车辆" +
			opt(f[FieldWhere], "停放在", "，") + "需要挪动，请听到广播后尽快前往处理，谢谢合作。"
	case TplClosing:
		c, err := ParseClock(f[FieldTime])
		if err != nil {
			return ""
		}
		return ClosingText(c)
	case TplFree:
		return f[FieldText]
	}
	return ""
}

// SpeechText is Text for the speech engine: a plate is spelled out
// character by character (京A12345 → 京 A 一 二 三 四 五) so it is not read
// as a number.
func (a Announcement) SpeechText() string {
	text := a.Text(nil)
	if p := a.Fields[FieldPlate]; p != "" && a.Template == TplCar {
		text = strings.Replace(text, p, SpellPlate(p), 1)
	}
	return text
}

// ClosingText is the closing reminder for a closing time.
func ClosingText(close ClockTime) string {
	return "各位顾客，本商场将于" + close.String() + "结束营业，请您合理安排购物时间，带好随身物品。感谢您的光临，欢迎再次光临！"
}

// plateProvinces are the province abbreviations that start a civil plate.
const plateProvinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

// plateSuffixes end a special plate (trailer, driving school, police, HK/Macau).
const plateSuffixes = "挂学警港澳"

// NormalizePlate checks a mainland civil licence plate and returns it in
// upper case without separators: 京A12345 (blue/yellow), 粤B·D12345 (new
// energy, 6 characters after the letter), 沪A1234挂. Letters I and O are
// not used on plates.
func NormalizePlate(s string) (string, error) {
	p := strings.ToUpper(strings.Map(func(r rune) rune {
		switch r {
		case ' ', '·', '-', '•', '.', '\u3000':
			return -1
		}
		return r
	}, s))
	bad := Errorf(EINVALID, "车牌号格式不正确：%s（例：京A12345、粤BD12345）", Quote(s))
	r := []rune(p)
	if len(r) < 7 || len(r) > 8 || !strings.ContainsRune(plateProvinces, r[0]) || r[1] < 'A' || r[1] > 'Z' {
		return "", bad
	}
	body := r[2:]
	if strings.ContainsRune(plateSuffixes, body[len(body)-1]) {
		if len(body) != 5 {
			return "", bad
		}
		body = body[:4]
	} else if len(body) != 5 && len(body) != 6 {
		return "", bad
	}
	for _, c := range body {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') || c == 'I' || c == 'O' {
			return "", bad
		}
	}
	if !utf8.ValidString(p) {
		return "", bad
	}
	return p, nil
}

// SpellPlate spaces a plate's characters and reads digits one by one.
func SpellPlate(p string) string {
	const digits = "零一二三四五六七八九"
	var parts []string
	for _, r := range p {
		if r >= '0' && r <= '9' {
			parts = append(parts, string([]rune(digits)[r-'0']))
		} else {
			parts = append(parts, string(r))
		}
	}
	return strings.Join(parts, " ")
}
