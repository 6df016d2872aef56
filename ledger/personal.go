package ledger

import (
	"strings"
	"time"
	"unicode/utf8"
)

// DataKind is a kind of personal data. Personal data lives only in the
// personal-data store (PersonalService); journal entries and state rows
// refer to a person by the record's opaque id and hold masked values only.
type DataKind string

// The kinds of personal data the counter collects (PIPL Art. 6: no more
// than the purpose needs; Purpose.Kinds says which purpose may hold which).
const (
	DataName       DataKind = "name"        // 姓名: encrypted, shown as 张*
	DataMobile     DataKind = "mobile"      // 手机号: encrypted + keyed lookup hash, shown as 138****1234
	DataResidentID DataKind = "resident_id" // 身份证号: sensitive; only the mask and a keyed hash are kept
	DataHealth     DataKind = "health"      // 健康状况（药品领用）: sensitive; encrypted, never exported unmasked
	DataNote       DataKind = "note"        // 体貌特征等描述: encrypted, shown as ***
)

// DataKinds lists every kind in display order.
func DataKinds() []DataKind {
	return []DataKind{DataName, DataMobile, DataResidentID, DataHealth, DataNote}
}

// Valid reports whether k is a known kind.
func (k DataKind) Valid() bool {
	switch k {
	case DataName, DataMobile, DataResidentID, DataHealth, DataNote:
		return true
	}
	return false
}

// Label returns the Chinese name of the kind.
func (k DataKind) Label() string {
	switch k {
	case DataName:
		return "姓名"
	case DataMobile:
		return "手机号"
	case DataResidentID:
		return "身份证号"
	case DataHealth:
		return "健康状况"
	case DataNote:
		return "描述"
	}
	return string(k)
}

// Sensitive reports whether k is sensitive personal information (PIPL Art.
// 28: ID numbers, health). Sensitive values never leave the store unmasked:
// not in reports, not in exports, not in a person's own copy.
func (k DataKind) Sensitive() bool { return k == DataResidentID || k == DataHealth }

// Sealed reports whether the store keeps the full value, encrypted. A
// resident ID number is never kept whole: only its mask and keyed hash.
func (k DataKind) Sealed() bool { return k.Valid() && k != DataResidentID }

// Indexed reports whether the store keeps a keyed hash of the value, so a
// record can be found by it (mobile) or checked for duplicates (ID number).
func (k DataKind) Indexed() bool { return k == DataMobile || k == DataResidentID }

// Limits of free-text personal data.
const (
	MaxPersonNameRunes = 32
	MaxPersonTextRunes = 200
)

// NormalizeData validates a value of kind k and returns its canonical form:
// 11 mobile digits, an 18-character resident ID with an uppercase X (GB
// 11643, real birth date, check character), or trimmed text without control
// or bidi-override characters.
func NormalizeData(k DataKind, v string) (string, error) {
	switch k {
	case DataMobile:
		return NormalizeMobile(v)
	case DataResidentID:
		return ValidateResidentID(v)
	case DataName:
		return personText(v, MaxPersonNameRunes, "姓名")
	case DataHealth, DataNote:
		return personText(v, MaxPersonTextRunes, k.Label())
	}
	return "", Errorf(EINVALID, "未知的个人信息类型")
}

// personText trims s and refuses empty, over-long or control text: the
// shared free-text rule (Forbidden characters, as TextField), except that
// the error quotes none of the input (it is personal data).
func personText(s string, max int, label string) (string, error) {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	if n == 0 || n > max || !utf8.ValidString(s) {
		return "", Errorf(EINVALID, "请填写%s（不超过%d个字）", label, max)
	}
	if strings.ContainsFunc(s, Forbidden) {
		return "", Errorf(EINVALID, "%s含有不允许的控制字符", label)
	}
	return s, nil
}

// HiddenText is how free-text personal data (health, descriptions) shows
// when masked: nothing of it.
const HiddenText = "***"

// MaskData returns the masked form of a normalised value of kind k, as
// GB/T 35273 describes for display: 138****1234, 1***************2X, 张*.
// Free text is hidden entirely.
func MaskData(k DataKind, v string) string {
	switch k {
	case DataMobile:
		return MaskMobile(v)
	case DataResidentID:
		return MaskResidentID(v)
	case DataName:
		return MaskName(v)
	}
	if v == "" {
		return ""
	}
	return HiddenText
}

// LookupKind tells a resident ID number from a mobile number in a search
// box and returns the normalised value. Anything else is refused.
func LookupKind(query string) (DataKind, string, error) {
	q := strings.TrimSpace(query)
	if len(q) == 18 {
		if id, err := ValidateResidentID(q); err == nil {
			return DataResidentID, id, nil
		}
		return "", "", Errorf(EINVALID, "身份证号码无效")
	}
	if m, err := NormalizeMobile(q); err == nil {
		return DataMobile, m, nil
	}
	return "", "", Errorf(EINVALID, "请输入完整的手机号或18位身份证号")
}

// Purpose is why a record of personal data was collected: the service that
// collected it. Retention is set per purpose.
type Purpose string

// Purposes of collection (the services of procedures 5.2).
const (
	PurposeMember   Purpose = "member"   // 积分卡会员: kept until the card is closed, plus the retention days
	PurposeClaimant Purpose = "claimant" // 失物认领人
	PurposeFinder   Purpose = "finder"   // 失物拾获人
	PurposeMedicine Purpose = "medicine" // 应急药品领用人
	PurposeFeedback Purpose = "feedback" // 意见反馈人
	PurposeInvoice  Purpose = "invoice"  // 代开发票联系人
	PurposeMissing  Purpose = "missing"  // 寻人登记（走失人员与联系人）
)

// Purposes lists every purpose in display order.
func Purposes() []Purpose {
	return []Purpose{PurposeMember, PurposeClaimant, PurposeFinder, PurposeMedicine, PurposeFeedback, PurposeInvoice, PurposeMissing}
}

// Valid reports whether p is a known purpose.
func (p Purpose) Valid() bool { return p.Label() != string(p) }

// Label returns the Chinese name of the purpose.
func (p Purpose) Label() string {
	switch p {
	case PurposeMember:
		return "积分卡会员"
	case PurposeClaimant:
		return "失物认领人"
	case PurposeFinder:
		return "失物拾获人"
	case PurposeMedicine:
		return "药品领用人"
	case PurposeFeedback:
		return "意见反馈人"
	case PurposeInvoice:
		return "发票联系人"
	case PurposeMissing:
		return "寻人登记"
	}
	return string(p)
}

// Kinds lists the kinds of data the purpose may hold (minimum necessary).
func (p Purpose) Kinds() []DataKind {
	switch p {
	case PurposeMember, PurposeClaimant:
		return []DataKind{DataName, DataMobile, DataResidentID}
	case PurposeFinder, PurposeInvoice:
		return []DataKind{DataName, DataMobile}
	case PurposeMedicine:
		return []DataKind{DataName, DataMobile, DataHealth}
	case PurposeFeedback, PurposeMissing:
		return []DataKind{DataName, DataMobile, DataNote}
	}
	return nil
}

// ClockFromClose reports whether the retention time counts from the end of
// the purpose (a member's card closed) rather than from collection.
func (p Purpose) ClockFromClose() bool { return p == PurposeMember }

// DefaultRetentionDays is how long a fresh install keeps the purpose's data
// once the retention clock runs.
func (p Purpose) DefaultRetentionDays() int {
	switch p {
	case PurposeMember:
		return 30
	case PurposeMissing:
		return 30
	case PurposeMedicine, PurposeInvoice:
		return 180
	}
	return 365
}

// PersonField is one kind of data in a record, as the store shows it:
// masked. Held is false once the data was erased (the mask stays).
type PersonField struct {
	Kind   DataKind
	Masked string
	Held   bool
}

// PersonRecord is one collection of personal data for one purpose,
// referred to elsewhere by its opaque ID. It carries masked values only.
type PersonRecord struct {
	ID          string // opaque, random: says nothing about the person
	Purpose     Purpose
	CollectedAt time.Time
	CollectedBy int64
	// ClosedAt is when the purpose ended (a card closed); zero while in use.
	ClosedAt time.Time
	// RetainFrom is when the retention clock started; zero while it has not.
	RetainFrom time.Time
	// ErasedAt is when the data was erased; zero while held.
	ErasedAt time.Time
	// ErasedFor is "retention" (purged when due) or "request" (the person asked).
	ErasedFor string
	Fields    []PersonField
}

// Erase reasons.
const (
	ErasedForRetention = "retention"
	ErasedForRequest   = "request"
)

// Erased reports whether the record's data was erased.
func (r PersonRecord) Erased() bool { return !r.ErasedAt.IsZero() }

// Masked returns the masked value of kind k, "" if the record has none.
func (r PersonRecord) Masked(k DataKind) string {
	for _, f := range r.Fields {
		if f.Kind == k {
			return f.Masked
		}
	}
	return ""
}

// DueAt returns when the record's data falls due for the purge under ret,
// or the zero time while its retention clock has not started.
func (r PersonRecord) DueAt(ret Retention) time.Time {
	if r.RetainFrom.IsZero() {
		return time.Time{}
	}
	return r.RetainFrom.Add(time.Duration(ret.Days(r.Purpose)) * 24 * time.Hour)
}

// CollectRequest asks the store to keep personal data for a purpose.
type CollectRequest struct {
	Purpose Purpose
	Values  map[DataKind]string // raw input; validated and normalised by the store
	// UniqueResidentID refuses the request when another record of the same
	// purpose that is still in use and held has the same ID number (one
	// member per ID).
	UniqueResidentID bool
}

// Validate checks the request and returns the normalised values.
func (c CollectRequest) Validate() (map[DataKind]string, error) {
	if !c.Purpose.Valid() {
		return nil, Errorf(EINVALID, "未知的个人信息用途")
	}
	allowed := map[DataKind]bool{}
	for _, k := range c.Purpose.Kinds() {
		allowed[k] = true
	}
	out := map[DataKind]string{}
	for k, v := range c.Values {
		if strings.TrimSpace(v) == "" {
			continue
		}
		if !allowed[k] {
			return nil, Errorf(EINVALID, "%s不需要收集%s", c.Purpose.Label(), k.Label())
		}
		n, err := NormalizeData(k, v)
		if err != nil {
			return nil, err
		}
		out[k] = n
	}
	if len(out) == 0 {
		return nil, Errorf(EINVALID, "没有要登记的个人信息")
	}
	if c.UniqueResidentID && out[DataResidentID] == "" {
		return nil, Errorf(EINVALID, "请填写身份证号")
	}
	return out, nil
}

// KeyStatus says whether this desk can read, index and seal personal data.
// Without the keys file the store shows masked values only, and Reason
// says why in Chinese.
type KeyStatus struct {
	Ready  bool
	Path   string // the keys file this desk uses
	KeyID  string // fingerprint of the keys (not the keys), shared by all desks of a mall
	Reason string // why not ready, in Chinese (Err's message)
	Err    *Error // why not ready, for screens that translate it
}

// PurgeResult counts what a retention purge erased (or would erase).
type PurgeResult struct {
	Records   int
	Fields    int
	ByPurpose map[Purpose]int
}

// EraseResult counts what an erasure on request erased.
type EraseResult struct {
	Records int
	Fields  int
}

// PersonalEvent is one journal entry that names a record: what was done
// with the data and when (without the entry's data).
type PersonalEvent struct {
	Seq  int64
	At   time.Time
	Kind string
}

// ExportRecord is one record in a person's copy of their data. Values
// holds the full value of non-sensitive kinds still held and the masked
// value of everything else.
type ExportRecord struct {
	Record   PersonRecord
	Values   map[DataKind]string
	DueAt    time.Time // when the purge erases it (zero: not yet scheduled)
	Events   []PersonalEvent
	Retained int // the purpose's retention days
}

// PersonalExport is everything the store holds about one person, for their
// access request (PIPL Art. 45). Sensitive data appears masked only.
type PersonalExport struct {
	By        DataKind // what the person was found by
	Query     string   // the masked mobile or ID number searched for
	At        time.Time
	StaffName string
	Approver  string
	Records   []ExportRecord
	Mall      string
	Counter   string
}

// Approval requests for personal data. The screens and the store build them
// with the same functions, so the approval shows exactly what it allows.

// RevealApproval asks to show a record's data in full.
func RevealApproval(actor Staff, r PersonRecord) ApprovalRequest {
	return ApprovalRequest{Action: ActionReveal, Record: "person:" + r.ID, ActorID: actor.ID, Detail: r.Purpose.Label() + " " + r.ID}
}

// ExportApproval asks to export everything held about the person found by
// maskedQuery.
func ExportApproval(actor Staff, maskedQuery string) ApprovalRequest {
	return ApprovalRequest{Action: ActionExport, Record: "query:" + maskedQuery, ActorID: actor.ID, Detail: "查询 " + maskedQuery}
}

// EraseApproval asks to erase the records ids at the person's request.
func EraseApproval(actor Staff, ids []string) ApprovalRequest {
	return ApprovalRequest{Action: ActionErase, Record: "persons:" + strings.Join(ids, ","), ActorID: actor.ID, Detail: strings.Join(ids, "、")}
}

// PersonalEventLabel names a journal entry kind in a person's copy of their
// data; kinds of other services show as they are.
func PersonalEventLabel(kind string) string {
	switch kind {
	case "personal.collect":
		return "收集登记"
	case "personal.close":
		return "用途结束（开始计算保存期限）"
	case "personal.reveal":
		return "经主管批准查看完整信息"
	case "personal.export":
		return "经主管批准导出副本"
	case "personal.erase":
		return "应本人要求删除"
	case "personal.purge":
		return "保存期满删除"
	}
	return kind
}

// StatusLabel says in Chinese where a record stands.
func (r PersonRecord) StatusLabel() string {
	switch {
	case r.ErasedFor == ErasedForRequest:
		return "已删除（应本人要求）"
	case r.Erased():
		return "已删除（保存期满）"
	case !r.ClosedAt.IsZero():
		return "已结束，待到期删除"
	}
	return "使用中"
}
