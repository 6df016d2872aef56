package sqlstore

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// The day report's medicine and lost-and-found sections, built from the
// day's journal entries like the lending sections: a closed day always
// gives the same tables. Personal data appears masked only: contacts as
// 138****1234 and 张*, a health note only as ***, ID numbers as
// 1***************2X.

// medLostReport collects the two sections while the entries are walked.
type medLostReport struct {
	med, lf         receipts.Section
	dispensed, qty  int
	restocked       int
	writtenOff      int
	counts          int
	registered      int
	claimed         int
	disposed        int
	reports, drafts int
}

// medLostEvent is the union of the fields the entries carry.
type medLostEvent struct {
	Name        string             `json:"name"`
	Category    string             `json:"category"`
	ReceiptNo   string             `json:"receipt_no"`
	Qty         int                `json:"qty"`
	Unit        string             `json:"unit"`
	Batch       string             `json:"batch"`
	Expiry      string             `json:"expiry"`
	Takes       []ledger.BatchTake `json:"takes"`
	Lines       []ledger.CountDiff `json:"lines"`
	Recipient   string             `json:"recipient"`
	Reason      string             `json:"reason"`
	Supplier    string             `json:"supplier"`
	Note        string             `json:"note"`
	Mobile      string             `json:"mobile_masked"`
	Health      bool               `json:"health_noted"`
	Approval    *ledger.Approval   `json:"approval"`
	Approvals   []ledger.Approval  `json:"approvals"`
	No          string             `json:"no"`
	ClaimNo     string             `json:"claim_no"`
	Description string             `json:"description"`
	FoundPlace  string             `json:"found_place"`
	Storage     string             `json:"storage"`
	NameMasked  string             `json:"name_masked"`
	PhoneMasked string             `json:"phone_masked"`
	IDMasked    string             `json:"id_masked"`
	Method      string             `json:"method"`
	DisposedTo  string             `json:"disposed_to"`
	Kind        string             `json:"kind"`
	Place       string             `json:"place"`
	ReportID    int64              `json:"report_id"`
	Template    string             `json:"template"`
	Text        string             `json:"text"`
	From        string             `json:"from"`
	To          json.RawMessage    `json:"to"` // a reorder level, or a report's end time
}

// newMedLostReport starts the two empty sections.
func newMedLostReport() *medLostReport {
	return &medLostReport{
		med: receipts.Section{Title: "应急药品台账",
			Columns: []string{"时间", "业务", "单号", "药品", "分类", "批号（有效期）", "数量", "领用人/说明", "联系电话", "健康状况", "经办", "审批"}},
		lf: receipts.Section{Title: "失物招领台账",
			Columns: []string{"时间", "业务", "编号", "类别", "物品", "地点/去向", "认领人/联系人", "经办", "审批"}},
	}
}

// entry adds one medicine.* or lostfound.* entry; it reports whether the
// entry was one of them.
func (b *reportBuilder) medLostEntry(e ledger.Entry) (bool, error) {
	family, action, _ := strings.Cut(e.Kind, ".")
	if family != "medicine" && family != "lostfound" {
		return false, nil
	}
	if b.ml == nil {
		b.ml = newMedLostReport()
	}
	var ev medLostEvent
	if err := json.Unmarshal(e.Data, &ev); err != nil {
		return true, internal(fmt.Sprintf("decode entry %d", e.Seq), err)
	}
	if family == "medicine" {
		b.medicineRow(e, action, ev)
	} else {
		b.lostFoundRow(e, action, ev)
	}
	return true, nil
}

// medicineRow adds one line of the medicine section.
func (b *reportBuilder) medicineRow(e ledger.Entry, action string, ev medLostEvent) {
	r := b.ml
	cat := ledger.MedicineCategory(ev.Category).Label()
	clerk := b.staffName(e.StaffID)
	row := func(what, no, batch, qty, who, phone, health, approval string) {
		r.med.Rows = append(r.med.Rows, []string{b.clock(e.At), what, no, ev.Name, cat, batch, qty, who, phone, health, clerk, approval})
	}
	switch action {
	case "dispense":
		r.dispensed++
		r.qty += ev.Qty
		var batches []string
		for _, t := range ev.Takes {
			batches = append(batches, fmt.Sprintf("%s（%s）×%d", t.BatchNo, t.Expiry, t.Quantity))
		}
		health := ""
		if ev.Health {
			health = ledger.HiddenText
		}
		row("领用", ev.ReceiptNo, strings.Join(batches, "；"), strconv.Itoa(ev.Qty)+ev.Unit, ev.Recipient+"（"+ev.Reason+"）",
			receipts.MaskPhone(ev.Mobile), health, "")
	case "restock":
		r.restocked++
		row("入库", "", ev.Batch+"（"+ev.Expiry+"）", "+"+strconv.Itoa(ev.Qty), ev.Supplier, "", "", "")
	case "writeoff":
		r.writtenOff++
		approval := ""
		if ev.Approval != nil {
			approval = ev.Approval.ApproverName
			b.r.Approvals = append(b.r.Approvals, receipts.ApprovalRow{At: e.At, Action: "药品报损",
				Ref: fmt.Sprintf("%s 批号 %s ×%d%s", ev.Name, ev.Batch, ev.Qty, ev.Unit), Clerk: clerk,
				Approver: ev.Approval.ApproverName, Reason: ev.Approval.Reason})
		}
		row("报损", "", ev.Batch+"（"+ev.Expiry+"）", "-"+strconv.Itoa(ev.Qty)+ev.Unit, ev.Reason, "", "", approval)
	case "count":
		r.counts++
		var parts []string
		for _, l := range ev.Lines {
			if l.Diff != 0 {
				parts = append(parts, fmt.Sprintf("%s %+d", l.BatchNo, l.Diff))
			}
		}
		diff := "无差异"
		if len(parts) > 0 {
			diff = strings.Join(parts, "；")
		}
		row("盘点", "", diff, "", ev.Note, "", "", "")
	case "add":
		row("新增药品", "", "", "", "", "", "", "")
	case "level":
		row("补货线", "", "", string(ev.To), "", "", "", "")
	case "slip":
		row("补打领用单", ev.ReceiptNo, "", "", "", "", "", "")
	}
}

// lostFoundRow adds one line of the lost-and-found section.
func (b *reportBuilder) lostFoundRow(e ledger.Entry, action string, ev medLostEvent) {
	r := b.ml
	clerk := b.staffName(e.StaffID)
	row := func(what, no, cat, item, where, who, approval string) {
		r.lf.Rows = append(r.lf.Rows, []string{b.clock(e.At), what, no, cat, item, where, who, clerk, approval})
	}
	contact := func() string {
		return strings.TrimSpace(strings.Join([]string{ev.NameMasked, receipts.MaskPhone(ev.PhoneMasked), ev.IDMasked}, " "))
	}
	switch action {
	case "register":
		r.registered++
		row("登记", ev.No, ev.Category, ev.Description, ev.FoundPlace+"；存放 "+ev.Storage, "", "")
	case "claim":
		r.claimed++
		row("认领", ev.No+"（交接单 "+ev.ClaimNo+"）", "", "认领人描述："+ev.Description, "", contact(), "")
	case "dispose":
		r.disposed++
		var names []string
		for _, a := range ev.Approvals {
			names = append(names, a.ApproverName)
			b.r.Approvals = append(b.r.Approvals, receipts.ApprovalRow{At: e.At, Action: "失物处置（" + ledger.DisposalMethod(ev.Method).Label() + "）",
				Ref: ev.No, Clerk: clerk, Approver: a.ApproverName, Reason: a.Reason})
		}
		row("处置", ev.No, ev.Category, ledger.DisposalMethod(ev.Method).Label(), ev.DisposedTo, "", strings.Join(names, "、"))
	case "report":
		r.reports++
		what := ledger.LostKind(ev.Kind).Label()
		row("报失（"+what+"）", fmt.Sprintf("L%d", ev.ReportID), ev.Category, ev.Description, ev.Place, contact(), "")
	case "report_close":
		row("报失结案", fmt.Sprintf("L%d", ev.ReportID), "", ev.Note, "", "", "")
	case "draft":
		r.drafts++
		row("广播稿（"+ledger.DraftTemplate(ev.Template).Label()+"）", "", "", ev.Text, "", "", "")
	}
}

// medLostSections appends the two sections, with totals, after the
// lending ones, and the medicine alerts at the end of the day.
func (b *reportBuilder) medLostSections() error {
	r := b.ml
	if r == nil {
		r = newMedLostReport()
	}
	r.med.Totals = []string{"合计", fmt.Sprintf("%d 笔", len(r.med.Rows)), "", fmt.Sprintf("领用 %d 次", r.dispensed), "", "",
		fmt.Sprintf("%d 件", r.qty), fmt.Sprintf("入库 %d，报损 %d，盘点 %d", r.restocked, r.writtenOff, r.counts), "", "", "", ""}
	r.lf.Totals = []string{"合计", fmt.Sprintf("%d 笔", len(r.lf.Rows)), "", "", fmt.Sprintf("登记 %d，认领 %d，处置 %d", r.registered, r.claimed, r.disposed),
		fmt.Sprintf("报失 %d，广播稿 %d", r.reports, r.drafts), "", "", ""}
	alerts, err := b.medicineAlertsAtEnd()
	if err != nil {
		return err
	}
	al := receipts.Section{Title: "应急药品提醒（日结时）", Columns: []string{"提醒", "药品", "批号", "有效期至", "数量"}}
	for _, a := range alerts {
		kind := map[ledger.MedicineAlertKind]string{ledger.AlertExpired: "已过期", ledger.AlertExpiring: "临近过期", ledger.AlertLow: "低于补货线"}[a.Kind]
		qty := strconv.Itoa(a.Quantity) + a.Unit
		if a.Kind == ledger.AlertLow {
			qty += fmt.Sprintf("（补货线 %d）", a.Level)
		}
		al.Rows = append(al.Rows, []string{kind, a.Name, a.BatchNo, a.Expiry, qty})
	}
	held, due, err := b.foundHeldAtEnd()
	if err != nil {
		return err
	}
	r.lf.Totals[6] = fmt.Sprintf("日结时保管 %d 件，到期 %d 件", held, due)
	b.r.Sections = append(b.r.Sections, r.med, al, r.lf)
	return nil
}

// medicineAlertsAtEnd computes the medicine alerts as they stood at the
// end of the day: each batch's quantity from the movements up to the
// day's last entry, reorder levels and the warning window as journaled by
// then, and the date of the day's end.
func (b *reportBuilder) medicineAlertsAtEnd() ([]ledger.MedicineAlert, error) {
	today := ledger.DateOf(b.r.ClosedAt, b.r.Location)
	warn := ledger.DefaultSettings().MedicineWarn()
	var raw string
	err := b.q.QueryRowContext(b.ctx, "SELECT data FROM journal WHERE kind = 'settings.update' AND seq <= ? ORDER BY seq DESC LIMIT 1", b.to).Scan(&raw)
	if err != nil && !errNoRows(err) {
		return nil, internal("load settings of the day", err)
	}
	if raw != "" {
		set := ledger.DefaultSettings()
		if json.Unmarshal([]byte(raw), &set) == nil {
			warn = set.MedicineWarn()
		}
	}
	rows, err := b.q.QueryContext(b.ctx, `SELECT m.id, m.name, m.unit, b.id, b.batch_no, b.expiry, coalesce(sum(v.delta), 0)
		FROM medicines m JOIN medicine_batches b ON b.medicine_id = m.id JOIN medicine_moves v ON v.batch_id = b.id
		WHERE m.added_seq <= ? AND v.seq <= ? GROUP BY m.id, m.name, m.unit, b.id, b.batch_no, b.expiry ORDER BY m.id, b.expiry, b.id`, b.to, b.to)
	if err != nil {
		return nil, internal("medicine stock of the day", err)
	}
	meds := map[int64]*ledger.Medicine{}
	var order []int64
	batches := map[int64][]ledger.MedicineBatch{}
	for rows.Next() {
		var m ledger.Medicine
		var bt ledger.MedicineBatch
		if err := rows.Scan(&m.ID, &m.Name, &m.Unit, &bt.ID, &bt.BatchNo, &bt.Expiry, &bt.Quantity); err != nil {
			rows.Close()
			return nil, internal("scan medicine stock", err)
		}
		if meds[m.ID] == nil {
			meds[m.ID] = &m
			order = append(order, m.ID)
		}
		batches[m.ID] = append(batches[m.ID], bt)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal("medicine stock of the day", err)
	}
	if err := b.reorderLevelsAt(meds); err != nil {
		return nil, err
	}
	var out []ledger.MedicineAlert
	for _, id := range order {
		out = append(out, ledger.MedicineAlerts(*meds[id], batches[id], today, warn)...)
	}
	ledger.SortAlerts(out)
	return out, nil
}

// reorderLevelsAt sets each medicine's reorder level as journaled by the
// end of the day (medicine.add, then medicine.level entries).
func (b *reportBuilder) reorderLevelsAt(meds map[int64]*ledger.Medicine) error {
	rows, err := b.q.QueryContext(b.ctx, "SELECT kind, data FROM journal WHERE kind IN ('medicine.add', 'medicine.level') AND seq <= ? ORDER BY seq", b.to)
	if err != nil {
		return internal("reorder levels of the day", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, data string
		if err := rows.Scan(&kind, &data); err != nil {
			return internal("scan reorder level", err)
		}
		var ev struct {
			ID    int64 `json:"medicine_id"`
			Level int   `json:"reorder_level"`
			To    int   `json:"to"`
		}
		if json.Unmarshal([]byte(data), &ev) != nil || meds[ev.ID] == nil {
			continue
		}
		if kind == "medicine.add" {
			meds[ev.ID].ReorderLevel = ev.Level
		} else {
			meds[ev.ID].ReorderLevel = ev.To
		}
	}
	return rows.Err()
}

// foundHeldAtEnd counts the found items held at the end of the day and
// those of them past their retention then.
func (b *reportBuilder) foundHeldAtEnd() (held, due int, err error) {
	today := ledger.DateOf(b.r.ClosedAt, b.r.Location)
	err = b.q.QueryRowContext(b.ctx, `SELECT count(*), coalesce(sum(CASE WHEN due_date <= ? THEN 1 ELSE 0 END), 0) FROM found_items
		WHERE reg_seq <= ? AND (claim_seq = 0 OR claim_seq > ?) AND (dispose_seq = 0 OR dispose_seq > ?)`, today, b.to, b.to, b.to).Scan(&held, &due)
	if err != nil {
		return 0, 0, internal("found items held", err)
	}
	return held, due, nil
}
