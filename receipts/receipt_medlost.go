package receipts

import (
	"strconv"
	"time"
)

// Slips of the medicine and lost-and-found ledgers: the medicine slip
// (应急药品领用单), the found-item bag label (失物标签) and the handover
// receipt signed by the claimant (失物认领交接单). Like the lending
// receipts they carry a signed QR token that opens the record at the
// counter, and personal data arrives masked.

// Rules printed on the slips.
const (
	MedicineSlipRule = "本药品为应急免费提供，请按说明书使用；如症状持续，请及时就医。"
	HandoverRule     = "认领人已核对物品完好无误，签字确认领回。"
	LabelRule        = "请将本标签贴于失物袋上，凭二维码查询登记记录。"
)

// SlipHead is the common head of a slip.
type SlipHead struct {
	No       string // 单号
	Mall     string
	Counter  string
	Staff    string // 经办 (display name)
	Time     time.Time
	Location *time.Location // nil means UTC+8
	Token    string         // signed QR token; "" prints no QR
}

// when formats t in the head's zone.
func (h SlipHead) when(t time.Time) string {
	loc := h.Location
	if loc == nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// head starts a slip with the mall, its title and the number.
func (h SlipHead) head(title, timeLabel string) Document {
	return Document{Lines: []Line{
		{Text: h.Mall, Double: true, Align: Center},
		{Text: title, Bold: true, Align: Center},
		{Text: h.Counter, Align: Center},
		Separator(),
		{Text: "单号：" + h.No},
		{Text: timeLabel + "：" + h.when(h.Time)},
	}}
}

// foot ends a slip with the separator and the QR.
func (h SlipHead) foot(d Document) Document {
	d.Lines = append(d.Lines, Line{Text: "经办：" + h.Staff}, Separator())
	if h.Token != "" {
		d.QR, d.QRCaption = h.Token, h.Token
	}
	return d
}

// field prints "label：value" (the encoder wraps it to the paper); bold
// for the line that matters most.
func field(label, value string, bold bool) []Line {
	return []Line{{Text: label + "：" + value, Bold: bold}}
}

// MedicineSlip is what the medicine slip prints.
type MedicineSlip struct {
	SlipHead
	Medicine  string // name and spec
	Category  string // 内服 / 外用 / 器械
	Quantity  int
	Unit      string
	Batches   []SlipBatch
	Recipient string
	Reason    string
	Phone     string // masked
}

// SlipBatch is one batch a dispense took from.
type SlipBatch struct {
	No, Expiry string
	Qty        string // "1盒"
}

// MedicineDispenseSlip is the slip handed with emergency medicine.
func MedicineDispenseSlip(s MedicineSlip) Document {
	d := s.head("应急药品领用单", "领用时间")
	d.Lines = append(d.Lines, field("药品", s.Medicine, true)...)
	d.Lines = append(d.Lines, Line{Text: "分类：" + s.Category})
	d.Lines = append(d.Lines, Line{Text: "数量", Amount: strconv.Itoa(s.Quantity) + s.Unit, Bold: true})
	for _, b := range s.Batches {
		d.Lines = append(d.Lines, field("批号", b.No, false)...)
		d.Lines = append(d.Lines, Line{Text: "  有效期至 " + b.Expiry, Amount: b.Qty})
	}
	d.Lines = append(d.Lines, field("领用人", s.Recipient, false)...)
	d.Lines = append(d.Lines, field("原因", s.Reason, false)...)
	if p := MaskPhone(s.Phone); p != "" {
		d.Lines = append(d.Lines, Line{Text: "联系电话：" + p})
	}
	d.Lines = append(d.Lines, rule(MedicineSlipRule)...)
	return s.foot(d)
}

// FoundLabel is what the bag label of a found item prints.
type FoundLabel struct {
	SlipHead
	Category    string
	Description string
	FoundAt     time.Time
	FoundPlace  string
	Storage     string
	DueDate     string
	Police      bool
}

// FoundItemLabel is the label for the storage bag: the number large, the
// category, where it is kept and until when, and the QR.
func FoundItemLabel(l FoundLabel) Document {
	d := Document{Lines: []Line{
		{Text: "失物标签", Bold: true, Align: Center},
		{Text: l.No, Double: true, Align: Center},
		{Text: l.Mall + " " + l.Counter, Align: Center},
		Separator(),
	}}
	d.Lines = append(d.Lines, field("类别", l.Category, true)...)
	d.Lines = append(d.Lines, field("物品", l.Description, false)...)
	d.Lines = append(d.Lines, Line{Text: "拾获：" + l.when(l.FoundAt)})
	d.Lines = append(d.Lines, field("地点", l.FoundPlace, false)...)
	d.Lines = append(d.Lines, field("存放", l.Storage, true)...)
	due := l.DueDate
	if l.Police {
		due += "，逾期移交公安"
	}
	d.Lines = append(d.Lines, field("保管至", due, false)...)
	d.Lines = append(d.Lines, Line{Text: "登记：" + l.when(l.Time)})
	d.Lines = append(d.Lines, rule(LabelRule)...)
	return l.foot(d)
}

// Handover is what the claim's handover receipt prints.
type Handover struct {
	SlipHead
	ItemNo      string
	Category    string
	Description string
	Name        string // masked
	Phone       string // masked
	ID          string // masked ID number
}

// HandoverReceipt is the receipt the claimant signs when taking an item.
func HandoverReceipt(h Handover) Document {
	d := h.head("失物认领交接单", "领取时间")
	d.Lines = append(d.Lines, Line{Text: "失物编号：" + h.ItemNo, Bold: true})
	d.Lines = append(d.Lines, field("类别", h.Category, false)...)
	d.Lines = append(d.Lines, field("物品", h.Description, false)...)
	d.Lines = append(d.Lines, field("认领人", h.Name, false)...)
	if p := MaskPhone(h.Phone); p != "" {
		d.Lines = append(d.Lines, Line{Text: "联系电话：" + p})
	}
	if h.ID != "" {
		d.Lines = append(d.Lines, Line{Text: "身份证号：" + h.ID})
	}
	d.Lines = append(d.Lines, rule(HandoverRule)...)
	d.Lines = append(d.Lines, Line{Text: ""}, Line{Text: "认领人签字：________________"}, Line{Text: ""})
	return h.foot(d)
}
