package ledger

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // photos are JPEG (the screen shrinks and re-encodes them)
	"strings"
	"time"
	"unicode"
)

// FoundStatus is where a found item is (procedures 5.1.2.1 失物登记认领).
type FoundStatus string

// Found item states: held until claimed once or disposed of once.
const (
	FoundHeld     FoundStatus = "held"     // 保管中
	FoundClaimed  FoundStatus = "claimed"  // 已认领
	FoundDisposed FoundStatus = "disposed" // 已处置
)

// Label returns the Chinese name of the status.
func (s FoundStatus) Label() string {
	switch s {
	case FoundHeld:
		return "保管中"
	case FoundClaimed:
		return "已认领"
	case FoundDisposed:
		return "已处置"
	}
	return string(s)
}

// DisposalMethod is where an unclaimed item went after its retention time.
type DisposalMethod string

// Disposal methods.
const (
	DisposeDonate  DisposalMethod = "donate"  // 捐赠
	DisposeDestroy DisposalMethod = "destroy" // 销毁
	DisposePolice  DisposalMethod = "police"  // 移交公安机关
)

// DisposalMethods lists the methods in display order.
func DisposalMethods() []DisposalMethod {
	return []DisposalMethod{DisposePolice, DisposeDonate, DisposeDestroy}
}

// Valid reports whether m is a known method.
func (m DisposalMethod) Valid() bool {
	return m == DisposeDonate || m == DisposeDestroy || m == DisposePolice
}

// Label returns the Chinese name of the method.
func (m DisposalMethod) Label() string {
	switch m {
	case DisposeDonate:
		return "捐赠"
	case DisposeDestroy:
		return "销毁"
	case DisposePolice:
		return "移交公安机关"
	}
	return string(m)
}

// LostFoundCategory is one category of found items with its retention
// time; Police items (identity documents, valuables) go to the police when
// unclaimed.
type LostFoundCategory struct {
	Name          string
	RetentionDays int
	Police        bool
}

// DefaultLostFoundCategories is the category list of a fresh install.
func DefaultLostFoundCategories() []LostFoundCategory {
	return []LostFoundCategory{
		{Name: "证件", RetentionDays: 15, Police: true},
		{Name: "钱包", RetentionDays: 30, Police: true},
		{Name: "手机/电子", RetentionDays: 30, Police: true},
		{Name: "首饰/贵重物品", RetentionDays: 30, Police: true},
		{Name: "钥匙", RetentionDays: 30},
		{Name: "衣物", RetentionDays: 30},
		{Name: "儿童用品", RetentionDays: 30},
		{Name: "雨伞", RetentionDays: 30},
		{Name: "其他", RetentionDays: 30},
	}
}

// Limits of the lost-and-found ledger.
const (
	MaxKeepDays       = 3650 // longest retention of a found-item category
	MaxCategories     = 30
	MaxPhotoBytes     = 64 << 10 // a photo is kept small: at most 64 KiB
	MaxPhotoSide      = 640      // pixels on the longer side
	MaxFoundPage      = 200
	DefaultMatchHours = 2 // a found item may predate the reported loss by this much (clock slips)
	MatchWindowDays   = 14
)

// Free-text fields of the lost-and-found ledger.
var (
	FieldCategoryName = TextField{Label: "类别名称", Min: 1, Max: 10}
	FieldFoundDesc    = TextField{Label: "物品描述", Min: 2, Max: 200}
	FieldFoundPlace   = TextField{Label: "拾获地点", Min: 1, Max: 40}
	FieldFinder       = TextField{Label: "送交人", Min: 1, Max: 40}
	FieldStorage      = TextField{Label: "存放位置", Min: 1, Max: 20}
	FieldLostDesc     = TextField{Label: "遗失物品描述", Min: 2, Max: 200}
	FieldLostPlace    = TextField{Label: "遗失地点", Max: 40}
	FieldClaimDesc    = TextField{Label: "认领人描述", Min: 2, Max: 200}
	FieldDisposedTo   = TextField{Label: "去向", Min: 2, Max: 80}
)

// CategoryByName returns the category called name from cats.
func CategoryByName(cats []LostFoundCategory, name string) (LostFoundCategory, bool) {
	for _, c := range cats {
		if c.Name == name {
			return c, true
		}
	}
	return LostFoundCategory{}, false
}

// ValidateCategories checks a category list (settings).
func ValidateCategories(cats []LostFoundCategory) error {
	if len(cats) == 0 || len(cats) > MaxCategories {
		return Errorf(EINVALID, "失物类别须有1到%d个", MaxCategories)
	}
	seen := map[string]bool{}
	for _, c := range cats {
		name, err := FieldCategoryName.Clean(c.Name)
		if err != nil {
			return err
		}
		if name != c.Name {
			return Errorf(EINVALID, "类别名称前后不能有空格：%s", Quote(c.Name))
		}
		if strings.IndexFunc(name, unicode.IsSpace) >= 0 {
			return Errorf(EINVALID, "类别名称中间不能有空格：%s", Quote(name))
		}
		if seen[name] {
			return Errorf(EINVALID, "失物类别重复：%s", Quote(name))
		}
		seen[name] = true
		if c.RetentionDays < 1 || c.RetentionDays > MaxKeepDays {
			return Errorf(EINVALID, "类别“%s”的保管天数须在1到%d之间", name, MaxKeepDays)
		}
	}
	return nil
}

// FoundItem is one registered found item (失物登记).
type FoundItem struct {
	ID          int64
	No          string // label number (the day's receipt number), e.g. 20261125-0003
	Token       string // signed QR token on the label
	Category    string
	Description string
	FoundAt     time.Time
	FoundPlace  string
	Finder      string // who brought it (a description: 保洁员, 顾客)
	// FinderPerson is the personal-data record of a finder who left a
	// name or mobile (purpose finder); FinderMasked shows it masked.
	FinderPerson string
	FinderMasked string
	OwnerMasked  string // name on a found document, masked (张*); never whole
	Storage      string
	HasPhoto     bool
	Police       bool   // goes to the police if unclaimed (category setting)
	DueDate      string // end of retention, YYYY-MM-DD
	Status       FoundStatus
	RegisteredAt time.Time
	RegisteredBy int64
	Seq          int64

	// Claim, when Status is claimed.
	ClaimNo       string
	ClaimedAt     time.Time
	ClaimedBy     int64
	ClaimPerson   string // personal-data record of the claimant
	ClaimantName  string // masked
	ClaimantPhone string // masked
	ClaimantID    string // masked ID number (1***************2X)

	// Disposal, when Status is disposed.
	DisposedAt time.Time
	Disposal   DisposalMethod
	DisposedTo string
	Approvers  []string // names of the two approvers
}

// Due reports whether the item's retention ended on date today.
func (f FoundItem) Due(today string) bool { return f.Status == FoundHeld && f.DueDate <= today }

// Label is a short description for lists and errors.
func (f FoundItem) Label() string { return fmt.Sprintf("%s %s", f.No, f.Category) }

// RegisterFoundRequest registers a found item.
type RegisterFoundRequest struct {
	Category    string
	Description string
	FoundAt     time.Time
	FoundPlace  string
	Finder      string
	// FinderName and FinderMobile are optional personal data of the
	// finder (kept in the personal-data store).
	FinderName   string
	FinderMobile string
	// OwnerName is the name on a found identity document, for a 招领
	// announcement; only its mask is kept.
	OwnerName string
	Storage   string
	Photo     []byte // JPEG, at most MaxPhotoBytes; nil for none
}

// Normalize checks a registration against the categories and the time now.
func (r RegisterFoundRequest) Normalize(cats []LostFoundCategory, now time.Time) (RegisterFoundRequest, error) {
	var err error
	if _, ok := CategoryByName(cats, r.Category); !ok {
		return r, Errorf(EINVALID, "请选择失物类别")
	}
	if r.Description, err = FieldFoundDesc.Clean(r.Description); err != nil {
		return r, err
	}
	if r.FoundAt.IsZero() {
		return r, Errorf(EINVALID, "请填写拾获时间")
	}
	if r.FoundAt.After(now.Add(5 * time.Minute)) {
		return r, Errorf(EINVALID, "拾获时间不能晚于现在")
	}
	if r.FoundAt.Before(now.AddDate(-1, 0, 0)) {
		return r, Errorf(EINVALID, "拾获时间早于一年前，请核对")
	}
	if r.FoundPlace, err = FieldFoundPlace.Clean(r.FoundPlace); err != nil {
		return r, err
	}
	if r.Finder, err = FieldFinder.Clean(r.Finder); err != nil {
		return r, err
	}
	if r.Storage, err = FieldStorage.Clean(r.Storage); err != nil {
		return r, err
	}
	if len(r.Photo) > 0 {
		if err := CheckPhoto(r.Photo); err != nil {
			return r, err
		}
	}
	return r, nil
}

// CheckPhoto accepts a small JPEG: at most MaxPhotoBytes and MaxPhotoSide
// pixels on either side, decodable.
func CheckPhoto(b []byte) error {
	if len(b) > MaxPhotoBytes {
		return Errorf(EINVALID, "照片太大（%d KB），最多 %d KB", (len(b)+1023)/1024, MaxPhotoBytes>>10)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || format != "jpeg" {
		return Errorf(EINVALID, "照片须为 JPEG 图片")
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxPhotoSide || cfg.Height > MaxPhotoSide {
		return Errorf(EINVALID, "照片尺寸须在 %d×%d 像素以内", MaxPhotoSide, MaxPhotoSide)
	}
	if _, _, err := image.Decode(bytes.NewReader(b)); err != nil {
		return Errorf(EINVALID, "照片须为 JPEG 图片")
	}
	return nil
}

// FoundSearch filters the found-item list. Zero fields do not filter.
type FoundSearch struct {
	Category string
	From, To string // found dates, YYYY-MM-DD, inclusive
	Words    string // words in the description (all must appear)
	Storage  string // storage location contains
	Status   FoundStatus
	Offset   int
	Limit    int
}

// LostKind is what a customer lost: an item or a person.
type LostKind string

// Lost report kinds.
const (
	LostItem   LostKind = "item"   // 寻物
	LostPerson LostKind = "person" // 寻人
)

// Label returns the Chinese name of the kind.
func (k LostKind) Label() string {
	if k == LostPerson {
		return "寻人"
	}
	return "寻物"
}

// LostStatus is where a lost report is.
type LostStatus string

// Lost report states.
const (
	LostOpen   LostStatus = "open"   // 查找中
	LostClosed LostStatus = "closed" // 已结案 (claimed or withdrawn)
)

// Label returns the Chinese name of the status.
func (s LostStatus) Label() string {
	if s == LostClosed {
		return "已结案"
	}
	return "查找中"
}

// LostReport is a customer's report of something (or someone) lost.
type LostReport struct {
	ID          int64
	No          string // L + id
	Kind        LostKind
	Category    string // for items
	Description string
	Place       string
	From, To    time.Time // when it was lost (a window)
	Person      string    // personal-data record: contact name and mobile
	NameMasked  string
	PhoneMasked string
	Status      LostStatus
	ItemID      int64 // the found item it was claimed as, 0 for none
	CreatedAt   time.Time
	CreatedBy   int64
}

// LostReportRequest registers a lost report.
type LostReportRequest struct {
	Kind        LostKind
	Category    string
	Description string
	Place       string
	From, To    time.Time
	Name        string // contact (or the missing person's name for 寻人)
	Mobile      string
}

// Normalize checks a lost report.
func (r LostReportRequest) Normalize(cats []LostFoundCategory, now time.Time) (LostReportRequest, error) {
	var err error
	if r.Kind != LostItem && r.Kind != LostPerson {
		return r, Errorf(EINVALID, "请选择寻物或寻人")
	}
	if r.Kind == LostItem {
		if _, ok := CategoryByName(cats, r.Category); !ok {
			return r, Errorf(EINVALID, "请选择失物类别")
		}
	} else {
		r.Category = ""
	}
	if r.Description, err = FieldLostDesc.Clean(r.Description); err != nil {
		return r, err
	}
	if r.Place, err = FieldLostPlace.Clean(r.Place); err != nil {
		return r, err
	}
	if r.From.IsZero() {
		r.From = now
	}
	if r.To.IsZero() {
		r.To = r.From
	}
	if r.To.Before(r.From) {
		return r, Errorf(EINVALID, "遗失时间段的结束不能早于开始")
	}
	if r.From.After(now.Add(5 * time.Minute)) {
		return r, Errorf(EINVALID, "遗失时间不能晚于现在")
	}
	if r.Kind == LostPerson && r.Name == "" {
		return r, Errorf(EINVALID, "寻人须填写走失人员姓名")
	}
	return r, nil
}

// Match is a found item that may be what a lost report describes.
type Match struct {
	Item    FoundItem
	Score   int      // 0–100
	Reasons []string // why, in Chinese: 类别相同, 时间吻合, 描述相同字词：黑色、钱包
}

// MatchScore scores how well found item f matches lost report r: category
// (40), time (30: found in the window, or within a day after it; 15 within
// MatchWindowDays) and shared words of the descriptions and places (30).
// An item found well before the loss scores 0.
func MatchScore(r LostReport, f FoundItem) (int, []string) {
	if f.FoundAt.Before(r.From.Add(-DefaultMatchHours * time.Hour)) {
		return 0, nil
	}
	score := 0
	var why []string
	if r.Category != "" && r.Category == f.Category {
		score += 40
		why = append(why, "类别相同")
	}
	switch after := f.FoundAt.Sub(r.To); {
	case after <= 24*time.Hour:
		score += 30
		why = append(why, "时间吻合")
	case after <= MatchWindowDays*24*time.Hour:
		score += 15
		why = append(why, "时间相近")
	}
	shared := SharedWords(r.Description+" "+r.Place, f.Description+" "+f.FoundPlace)
	if len(shared) > 0 {
		a := len(Words(r.Description + " " + r.Place))
		pts := min(30, 30*len(shared)/max(1, min(a, 6)))
		score += pts
		why = append(why, "相同字词："+joinShort(shared, 5))
	}
	return min(score, 100), why
}

// joinShort joins at most n words with 、.
func joinShort(ws []string, n int) string {
	s := ""
	for i, w := range ws {
		if i == n {
			return s + "…"
		}
		if i > 0 {
			s += "、"
		}
		s += w
	}
	return s
}

// LostFoundSummary counts for the side panel and the F4 entry.
type LostFoundSummary struct {
	Held    int // items in storage
	Due     int // held items past their retention
	Open    int // open lost reports
	Drafts  int // announcement drafts not yet broadcast
	Matched int // open lost reports with a possible match (score ≥ 60)
}

// ClaimRequest hands a found item back to its owner.
type ClaimRequest struct {
	ItemID int64
	// Description is what the claimant said about the item, checked by
	// the staff against the record; Matches is the staff's confirmation.
	Description string
	Matches     bool
	Name        string
	Mobile      string
	ResidentID  string // validated; kept only as mask and keyed hash
	ReportID    int64  // the lost report this closes, 0 for none
}

// Normalize checks a claim's fields (the personal data is checked by the
// personal-data store, the ID number here so nothing is written on error).
func (c ClaimRequest) Normalize() (ClaimRequest, error) {
	var err error
	if c.ItemID <= 0 {
		return c, Errorf(EINVALID, "请先选择失物")
	}
	if c.Description, err = FieldClaimDesc.Clean(c.Description); err != nil {
		return c, err
	}
	if !c.Matches {
		return c, Errorf(EINVALID, "请先核对认领人的描述与登记记录是否相符")
	}
	if c.Name == "" {
		return c, Errorf(EINVALID, "请填写认领人姓名")
	}
	if c.Mobile == "" {
		return c, Errorf(EINVALID, "请填写认领人手机号")
	}
	if _, err := NormalizeMobile(c.Mobile); err != nil {
		return c, err
	}
	if c.ResidentID == "" {
		return c, Errorf(EINVALID, "请填写认领人身份证号")
	}
	if _, err := ValidateResidentID(c.ResidentID); err != nil {
		return c, err
	}
	return c, nil
}

// DisposeRequest disposes of an unclaimed item after its retention time,
// signed by two staff: both approvals are supervisors' own credentials,
// neither the acting clerk.
type DisposeRequest struct {
	ItemID     int64
	Method     DisposalMethod
	DisposedTo string // where it went: 某某派出所（民警 王*）, 某慈善会
	Approvals  []*Approval
}

// DisposalApproval is what each of the two approvers approves.
func DisposalApproval(actorID int64, f FoundItem, m DisposalMethod) ApprovalRequest {
	return ApprovalRequest{Action: ActionDisposal, Record: fmt.Sprintf("found:%d;method:%s", f.ID, m), ActorID: actorID,
		Detail: fmt.Sprintf("%s：失物 %s %s，%s", m.Label(), f.No, f.Category, clip(f.Description, 20))}
}

// clip shortens s to at most n runes, the last an ellipsis when cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Announcement drafts (寻人寻物广播) made from a lost report or a found
// document, for the broadcast console.

// DraftTemplate names the broadcast template a draft is written for.
type DraftTemplate string

// Draft templates, the same names as the broadcast console's.
const (
	DraftPerson DraftTemplate = "person" // 寻人
	DraftItem   DraftTemplate = "item"   // 寻物
	DraftFound  DraftTemplate = "found"  // 失物招领
)

// Label returns the Chinese name of the template.
func (t DraftTemplate) Label() string {
	switch t {
	case DraftPerson:
		return "寻人"
	case DraftItem:
		return "寻物"
	case DraftFound:
		return "失物招领"
	}
	return string(t)
}

// AnnouncementDraft is a 寻人/寻物/招领 announcement drafted from the
// lost-and-found ledger. Names in it are masked (张*).
type AnnouncementDraft struct {
	ID        int64
	Template  DraftTemplate
	Fields    map[string]string // template fields (name, age, clothing, item, where, place)
	Text      string            // what is read out
	ReportID  int64             // source lost report, or
	ItemID    int64             // source found item
	CreatedAt time.Time
	CreatedBy int64
	Status    string // draft, or queued (handed to the broadcast console)
	// BroadcastID is the broadcast queued from the draft, 0 before.
	BroadcastID int64
}

// Draft statuses.
const (
	DraftOpen   = "draft"
	DraftQueued = "queued"
)

// DraftFromReport drafts the announcement for lost report r with the
// broadcast console's templates (寻人 or 寻物); place is where the family
// waits or items are brought (the counter). The report's name must already
// be masked; the text is the template's, so the draft reads exactly as it
// will be broadcast.
func DraftFromReport(r LostReport, place string) AnnouncementDraft {
	d := AnnouncementDraft{ReportID: r.ID, Fields: map[string]string{FieldPlace: clip(place, 30)}}
	if r.Kind == LostPerson {
		d.Template = DraftPerson
		d.Fields[FieldName] = clip(r.NameMasked, 20)
		d.Fields[FieldClothing] = clip(r.Description, 40)
	} else {
		d.Template = DraftItem
		d.Fields[FieldItem] = clip(r.Description, 30)
		if r.Place != "" {
			d.Fields[FieldWhere] = clip(r.Place, 30)
		}
	}
	d.Text = d.Announcement().Text(nil)
	return d
}

// DraftFromFound drafts a 失物招领 announcement for a found item (an
// identity document names its owner, masked).
func DraftFromFound(f FoundItem, place string) AnnouncementDraft {
	item := f.Category
	if f.OwnerMasked != "" {
		item = "姓名为" + f.OwnerMasked + "的" + f.Category
	}
	d := AnnouncementDraft{ItemID: f.ID, Template: DraftFound, Fields: map[string]string{FieldItem: clip(item, 30), FieldPlace: clip(place, 30)}}
	if f.FoundPlace != "" {
		d.Fields[FieldWhere] = clip(f.FoundPlace, 30)
	}
	d.Text = d.Announcement().Text(nil)
	return d
}

// Announcement is the draft as the broadcast console's announcement.
func (d AnnouncementDraft) Announcement() Announcement {
	fields := make(map[string]string, len(d.Fields))
	for k, v := range d.Fields {
		fields[k] = v
	}
	return Announcement{Template: TemplateKind(d.Template), Fields: fields}
}
