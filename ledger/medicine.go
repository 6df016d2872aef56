package ledger

import (
	"fmt"
	"sort"
	"time"
)

// MedicineCategory is one of the three parts of the emergency medicine box,
// kept apart (procedures 5.2.12: 内服药与外用药分开，器械类与药品分开).
type MedicineCategory string

// The medicine categories.
const (
	MedInternal MedicineCategory = "internal" // 内服
	MedExternal MedicineCategory = "external" // 外用
	MedDevice   MedicineCategory = "device"   // 器械
)

// MedicineCategories lists the categories in display order.
func MedicineCategories() []MedicineCategory {
	return []MedicineCategory{MedInternal, MedExternal, MedDevice}
}

// Valid reports whether c is a known category.
func (c MedicineCategory) Valid() bool {
	return c == MedInternal || c == MedExternal || c == MedDevice
}

// Label returns the Chinese name of the category.
func (c MedicineCategory) Label() string {
	switch c {
	case MedInternal:
		return "内服"
	case MedExternal:
		return "外用"
	case MedDevice:
		return "器械"
	}
	return string(c)
}

// Free-text fields of the medicine ledger.
var (
	FieldMedicineName = TextField{Label: "药品名称", Min: 1, Max: 40}
	FieldMedicineSpec = TextField{Label: "规格", Max: 40}
	FieldMedicineUnit = TextField{Label: "单位", Min: 1, Max: 6}
	FieldBatchNo      = TextField{Label: "批号", Min: 1, Max: 30}
	FieldSupplierNote = TextField{Label: "供货说明", Max: 100}
	FieldRecipient    = TextField{Label: "领用人描述", Min: 1, Max: 60}
	FieldDispenseWhy  = TextField{Label: "领用原因", Min: 1, Max: 60}
	FieldWriteOffWhy  = TextField{Label: "报损原因", Min: 2, Max: 100}
	FieldCountNote    = TextField{Label: "盘点说明", Max: 100}
)

// Limits of the medicine ledger.
const (
	MaxMedicineQty     = 10000 // largest quantity in one movement
	MaxDispenseQty     = 100   // largest quantity dispensed at once
	MaxReorderLevel    = 10000
	MaxExpiryWarnDays  = 365
	DefaultExpiryWarn  = 30 // days before expiry an alert starts
	MaxExpiryYearsAway = 15 // an expiry further away is a typing mistake
)

// Medicine is one catalogue entry of the medicine box.
type Medicine struct {
	ID           int64
	Name         string
	Category     MedicineCategory
	Spec         string // 规格, e.g. "0.3g×24片"
	Unit         string // 单位, e.g. 盒, 片, 贴, 个
	ReorderLevel int    // alert when usable stock falls below
	Stock        int    // all batches (expired included)
	Usable       int    // batches not expired today
}

// NewMedicine is the input for adding a catalogue entry.
type NewMedicine struct {
	Name         string
	Category     MedicineCategory
	Spec         string
	Unit         string
	ReorderLevel int
}

// Normalize checks and cleans a new catalogue entry.
func (n NewMedicine) Normalize() (NewMedicine, error) {
	var err error
	if n.Name, err = FieldMedicineName.Clean(n.Name); err != nil {
		return n, err
	}
	if !n.Category.Valid() {
		return n, Errorf(EINVALID, "请选择药品分类（内服、外用或器械）")
	}
	if n.Spec, err = FieldMedicineSpec.Clean(n.Spec); err != nil {
		return n, err
	}
	if n.Unit, err = FieldMedicineUnit.Clean(n.Unit); err != nil {
		return n, err
	}
	if err := checkReorder(n.ReorderLevel); err != nil {
		return n, err
	}
	return n, nil
}

// checkReorder checks a reorder level.
func checkReorder(level int) error {
	if level < 0 || level > MaxReorderLevel {
		return Errorf(EINVALID, "补货提醒数量须在0到%d之间", MaxReorderLevel)
	}
	return nil
}

// CheckReorderLevel checks a changed reorder level.
func CheckReorderLevel(level int) error { return checkReorder(level) }

// MedicineBatch is one batch of a medicine on the shelf: its own expiry
// and the quantity left. Batches are never deleted; an empty batch stays
// with quantity 0.
type MedicineBatch struct {
	ID         int64
	MedicineID int64
	BatchNo    string
	Expiry     string // YYYY-MM-DD, last day of use (有效期至)
	Quantity   int
	Supplier   string // supplier note of the first restock
	ReceivedAt time.Time
}

// Expired reports whether the batch is past its expiry on date today
// (YYYY-MM-DD): the expiry day itself is still usable.
func (b MedicineBatch) Expired(today string) bool { return b.Expiry < today }

// ExpiresWithin reports whether a batch not yet expired expires within
// days of today.
func (b MedicineBatch) ExpiresWithin(today string, days int) bool {
	if b.Expired(today) {
		return false
	}
	t, err := time.Parse(dateLayout, today)
	if err != nil {
		return false
	}
	return b.Expiry <= t.AddDate(0, 0, days).Format(dateLayout)
}

// BatchTake is the quantity taken from one batch by a dispense.
type BatchTake struct {
	BatchID  int64  `json:"batch_id"`
	BatchNo  string `json:"batch"`
	Expiry   string `json:"expiry"`
	Quantity int    `json:"qty"`
}

// PlanDispense chooses the batches a dispense of qty takes from: earliest
// expiry first (FEFO), expired and empty batches never. When batchID is
// not 0 the clerk chose that batch: it must be usable and hold qty. An
// expired choice, a quantity above the usable stock, or no usable stock is
// refused with the reason. unit names the unit in messages.
func PlanDispense(batches []MedicineBatch, qty int, batchID int64, today, unit string) ([]BatchTake, error) {
	if qty <= 0 || qty > MaxDispenseQty {
		return nil, Errorf(EINVALID, "领用数量须在1到%d之间", MaxDispenseQty)
	}
	usable, expired := 0, 0
	for _, b := range batches {
		if b.Quantity <= 0 {
			continue
		}
		if b.Expired(today) {
			expired += b.Quantity
		} else {
			usable += b.Quantity
		}
	}
	if batchID != 0 {
		for _, b := range batches {
			if b.ID != batchID {
				continue
			}
			switch {
			case b.Expired(today):
				return nil, Errorf(ECONFLICT, "批号 %s 已于 %s 过期，不能发放，请报损", b.BatchNo, b.Expiry)
			case b.Quantity < qty:
				return nil, Errorf(ECONFLICT, "批号 %s 只剩 %d%s，不够领用 %d%s", b.BatchNo, b.Quantity, unit, qty, unit)
			}
			return []BatchTake{{BatchID: b.ID, BatchNo: b.BatchNo, Expiry: b.Expiry, Quantity: qty}}, nil
		}
		return nil, Errorf(ENOTFOUND, "找不到该批号")
	}
	switch {
	case usable == 0 && expired > 0:
		return nil, Errorf(ECONFLICT, "库存 %d%s 均已过期，不能发放，请报损并补货", expired, unit)
	case usable == 0:
		return nil, Errorf(ECONFLICT, "已无库存，不能发放，请补货")
	case usable < qty:
		return nil, Errorf(ECONFLICT, "未过期库存只有 %d%s，不够领用 %d%s", usable, unit, qty, unit)
	}
	order := make([]MedicineBatch, 0, len(batches))
	for _, b := range batches {
		if b.Quantity > 0 && !b.Expired(today) {
			order = append(order, b)
		}
	}
	sort.SliceStable(order, func(i, j int) bool {
		if order[i].Expiry != order[j].Expiry {
			return order[i].Expiry < order[j].Expiry
		}
		return order[i].ID < order[j].ID
	})
	var plan []BatchTake
	left := qty
	for _, b := range order {
		n := min(left, b.Quantity)
		plan = append(plan, BatchTake{BatchID: b.ID, BatchNo: b.BatchNo, Expiry: b.Expiry, Quantity: n})
		left -= n
		if left == 0 {
			break
		}
	}
	return plan, nil
}

// TakesText describes a plan for the clerk and the slip: "批号 A1（有效期至
// 2027-03-31）×2；批号 B2（…）×1".
func TakesText(takes []BatchTake, unit string) string {
	s := ""
	for i, t := range takes {
		if i > 0 {
			s += "；"
		}
		s += fmt.Sprintf("批号 %s（有效期至 %s）×%d%s", t.BatchNo, t.Expiry, t.Quantity, unit)
	}
	return s
}

// RestockRequest adds a quantity of a batch to the shelf.
type RestockRequest struct {
	MedicineID int64
	BatchNo    string
	Expiry     string // any form ParseDate accepts
	Quantity   int
	Supplier   string // 供货说明, e.g. supplier and invoice
}

// Normalize checks a restock against today's date (YYYY-MM-DD): an expired
// batch is not taken in.
func (r RestockRequest) Normalize(today string) (RestockRequest, error) {
	var err error
	if r.MedicineID <= 0 {
		return r, Errorf(EINVALID, "请选择药品")
	}
	if r.BatchNo, err = FieldBatchNo.Clean(r.BatchNo); err != nil {
		return r, err
	}
	if r.Expiry, err = ParseDate(r.Expiry); err != nil {
		return r, err
	}
	if r.Expiry < today {
		return r, Errorf(EINVALID, "该批有效期至 %s，已过期，不能入库", r.Expiry)
	}
	if t, _ := time.Parse(dateLayout, today); r.Expiry > t.AddDate(MaxExpiryYearsAway, 0, 0).Format(dateLayout) {
		return r, Errorf(EINVALID, "有效期 %s 过远，请核对", r.Expiry)
	}
	if r.Quantity <= 0 || r.Quantity > MaxMedicineQty {
		return r, Errorf(EINVALID, "入库数量须在1到%d之间", MaxMedicineQty)
	}
	if r.Supplier, err = FieldSupplierNote.Clean(r.Supplier); err != nil {
		return r, err
	}
	return r, nil
}

// DispenseRequest gives out medicine to someone at the counter.
type DispenseRequest struct {
	MedicineID int64
	Quantity   int
	BatchID    int64  // 0: earliest expiry first
	Recipient  string // a description: 顾客（女，约30岁）, 保洁员 …
	Reason     string // why, without health details: 顾客求助
	// Mobile and HealthNote are optional personal data, kept in the
	// personal-data store (purpose medicine); the ledger keeps the record
	// id and the masks only. HealthNote is sensitive: masked in reports.
	Mobile     string
	HealthNote string
	PrintSlip  bool // queue a slip for the customer
}

// Normalize checks the free-text fields of a dispense.
func (r DispenseRequest) Normalize() (DispenseRequest, error) {
	var err error
	if r.MedicineID <= 0 {
		return r, Errorf(EINVALID, "请选择药品")
	}
	if r.Quantity <= 0 || r.Quantity > MaxDispenseQty {
		return r, Errorf(EINVALID, "领用数量须在1到%d之间", MaxDispenseQty)
	}
	if r.Recipient, err = FieldRecipient.Clean(r.Recipient); err != nil {
		return r, err
	}
	if r.Reason, err = FieldDispenseWhy.Clean(r.Reason); err != nil {
		return r, err
	}
	return r, nil
}

// Dispense is one entry of the medicine ledger's use register (药品使用登记).
type Dispense struct {
	ID           int64
	ReceiptNo    string
	Token        string
	MedicineID   int64
	MedicineName string
	Category     MedicineCategory
	Unit         string
	Quantity     int
	Takes        []BatchTake
	Recipient    string
	Reason       string
	PersonID     string // personal-data record (contact, health note); "" for none
	MobileMasked string
	HealthNoted  bool // a health note is kept (shown only as ***)
	At           time.Time
	StaffID      int64
	Seq          int64
	Printed      bool // a slip was queued
}

// CountLine is the counted quantity of one batch at a stock count.
type CountLine struct {
	BatchID int64
	Counted int
}

// CountRequest records a stock count (盘点) of one medicine: every batch
// with stock, counted. Differences are recorded, not hidden.
type CountRequest struct {
	MedicineID int64
	Lines      []CountLine
	Note       string
}

// CountDiff is one batch's result of a count.
type CountDiff struct {
	BatchID  int64  `json:"batch_id"`
	BatchNo  string `json:"batch"`
	Expected int    `json:"expected"`
	Counted  int    `json:"counted"`
	Diff     int    `json:"diff"` // counted − expected
}

// WriteOffRequest removes a quantity of a batch from stock (报损: expired,
// damaged, contaminated) with a supervisor's approval.
type WriteOffRequest struct {
	BatchID  int64
	Quantity int
	Reason   string
	Approval *Approval
}

// MedicineMoveKind is the kind of one stock movement.
type MedicineMoveKind string

// Stock movements of a batch.
const (
	MoveRestock  MedicineMoveKind = "restock"
	MoveDispense MedicineMoveKind = "dispense"
	MoveWriteOff MedicineMoveKind = "writeoff"
	MoveCount    MedicineMoveKind = "count"
)

// Label returns the Chinese name of the movement.
func (k MedicineMoveKind) Label() string {
	switch k {
	case MoveRestock:
		return "入库"
	case MoveDispense:
		return "领用"
	case MoveWriteOff:
		return "报损"
	case MoveCount:
		return "盘点差异"
	}
	return string(k)
}

// MedicineMove is one change of a batch's quantity.
type MedicineMove struct {
	ID           int64
	Kind         MedicineMoveKind
	MedicineID   int64
	MedicineName string
	BatchID      int64
	BatchNo      string
	Delta        int // + in, − out
	At           time.Time
	StaffID      int64
	Seq          int64
	Note         string
}

// MedicineAlertKind is why a medicine needs attention.
type MedicineAlertKind string

// Alert kinds, most urgent first.
const (
	AlertExpired  MedicineAlertKind = "expired"  // stock past its expiry on the shelf
	AlertExpiring MedicineAlertKind = "expiring" // expires within the warning days
	AlertLow      MedicineAlertKind = "low"      // usable stock below the reorder level
)

// MedicineAlert is one alert of the side panel and the F3 entry.
type MedicineAlert struct {
	Kind       MedicineAlertKind
	MedicineID int64
	Name       string
	BatchNo    string // for expiry alerts
	Expiry     string
	Quantity   int // the batch's quantity, or the usable stock for low
	Level      int // reorder level for low
	Unit       string
}

// Text describes the alert in Chinese.
func (a MedicineAlert) Text() string {
	switch a.Kind {
	case AlertExpired:
		return fmt.Sprintf("%s 批号 %s 已过期（%s），%d%s待报损", a.Name, a.BatchNo, a.Expiry, a.Quantity, a.Unit)
	case AlertExpiring:
		return fmt.Sprintf("%s 批号 %s 将于 %s 过期，剩 %d%s", a.Name, a.BatchNo, a.Expiry, a.Quantity, a.Unit)
	case AlertLow:
		return fmt.Sprintf("%s 库存 %d%s，低于补货线 %d%s", a.Name, a.Quantity, a.Unit, a.Level, a.Unit)
	}
	return a.Name
}

// MedicineAlerts computes the alerts of one medicine from its batches on
// date today with the warning window warnDays.
func MedicineAlerts(m Medicine, batches []MedicineBatch, today string, warnDays int) []MedicineAlert {
	var out []MedicineAlert
	usable := 0
	for _, b := range batches {
		if b.Quantity <= 0 {
			continue
		}
		a := MedicineAlert{MedicineID: m.ID, Name: m.Name, BatchNo: b.BatchNo, Expiry: b.Expiry, Quantity: b.Quantity, Unit: m.Unit}
		switch {
		case b.Expired(today):
			a.Kind = AlertExpired
			out = append(out, a)
		case b.ExpiresWithin(today, warnDays):
			a.Kind = AlertExpiring
			out = append(out, a)
			usable += b.Quantity
		default:
			usable += b.Quantity
		}
	}
	if usable < m.ReorderLevel {
		out = append(out, MedicineAlert{Kind: AlertLow, MedicineID: m.ID, Name: m.Name, Quantity: usable, Level: m.ReorderLevel, Unit: m.Unit})
	}
	return out
}

// SortAlerts orders alerts: expired, expiring (soonest first), low; then by name.
func SortAlerts(as []MedicineAlert) {
	rank := map[MedicineAlertKind]int{AlertExpired: 0, AlertExpiring: 1, AlertLow: 2}
	sort.SliceStable(as, func(i, j int) bool {
		a, b := as[i], as[j]
		if rank[a.Kind] != rank[b.Kind] {
			return rank[a.Kind] < rank[b.Kind]
		}
		if a.Expiry != b.Expiry {
			return a.Expiry < b.Expiry
		}
		return a.Name < b.Name
	})
}

// MedicineWriteOffApproval is what a supervisor approves for a write-off:
// the batch and the quantity.
func MedicineWriteOffApproval(actorID int64, m Medicine, b MedicineBatch, qty int) ApprovalRequest {
	return ApprovalRequest{Action: ActionMedicine, Record: fmt.Sprintf("batch:%d;qty:%d", b.ID, qty), ActorID: actorID,
		Detail: fmt.Sprintf("%s 批号 %s（有效期至 %s）×%d%s", m.Name, b.BatchNo, b.Expiry, qty, m.Unit)}
}
