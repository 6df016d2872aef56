package app

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"servicedesk/assets"
	"servicedesk/ledger"
	"servicedesk/receipts"
)

// personalScreen is the supervisors' entry to the personal-data store
// (个人信息): find what is held about a person by mobile or ID number,
// show a record in full with another supervisor's approval, give the person
// their copy (PDF or text), erase it at their request, purge what is past
// its retention time and set the retention per purpose. Everything shows
// masked unless approved; without the keys file it says why.
type personalScreen struct {
	u        *UI
	root     *container.AppTabs
	top      *fyne.Container
	page     *fyne.Container // top above the list
	keyState *widget.Label
	query    *keyEntry
	search   *widget.Button
	showAll  *widget.Button
	list     *widget.List
	records  []ledger.PersonRecord
	selected int
	// searched is the normalised mobile/ID the list was found by; "" when
	// the list shows the latest records.
	searched  string
	reveal    *widget.Button
	exportPDF *widget.Button
	exportTxt *widget.Button
	erase     *widget.Button
	message   *widget.Label
	due       *widget.Label
	purge     *widget.Button
	retention map[ledger.Purpose]*keyEntry
	saveRet   *widget.Button
	// shownText is the text of the last full view (tests read it).
	shownText string
	// lastExport is the path of the last file written.
	lastExport string
}

func (u *UI) newPersonalScreen() screen {
	s := &personalScreen{u: u, selected: -1, retention: map[ledger.Purpose]*keyEntry{}}
	s.keyState = widget.NewLabel("")
	s.keyState.Wrapping = fyne.TextWrapWord
	s.query = u.newKeyEntry(T("手机号或身份证号"))
	s.query.OnSubmitted = func(string) { s.doSearch() }
	s.search = widget.NewButton(T("查找"), s.doSearch)
	s.search.Importance = widget.HighImportance
	s.showAll = widget.NewButton(T("最近"), func() { s.query.SetText(""); s.searched = ""; s.refresh() })
	s.list = widget.NewList(func() int { return len(s.records) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.line(s.records[i])) })
	s.list.OnSelected = func(i widget.ListItemID) { s.selected = i; s.updateButtons() }
	s.reveal = widget.NewButton(T("查看完整信息"), s.askReveal)
	s.exportPDF = widget.NewButton(T("导出 PDF"), func() { s.askExport(true) })
	s.exportTxt = widget.NewButton(T("导出文本"), func() { s.askExport(false) })
	s.erase = widget.NewButton(T("删除（本人要求）"), s.askErase)
	s.erase.Importance = widget.DangerImportance
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.due = widget.NewLabel("")
	s.purge = widget.NewButton(T("清理到期信息"), s.doPurge)
	form := widget.NewForm()
	for _, p := range ledger.Purposes() {
		e := u.newKeyEntry(T("天"))
		s.retention[p] = e
		form.Append(T(p.Label()), e)
	}
	s.saveRet = widget.NewButton(T("保存保存期限"), s.doSaveRetention)
	searchRow := container.NewBorder(nil, nil, nil, container.NewHBox(s.search, s.showAll), s.query)
	actions := container.NewHBox(s.reveal, s.exportPDF, s.exportTxt, s.erase)
	retention := container.NewVBox(widget.NewLabelWithStyle(T("保存期限（天；会员自注销起算，其余自登记起算）"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		form, s.saveRet, widget.NewSeparator(), s.due, s.purge)
	s.top = container.NewVBox(s.keyState, searchRow, actions, s.message)
	s.page = container.NewBorder(s.top, nil, nil, nil, s.list)
	s.root = container.NewAppTabs(
		container.NewTabItem(T("查找与处理"), s.page),
		container.NewTabItem(T("保存期限与清理"), container.NewVScroll(retention)))
	return s
}

func (s *personalScreen) content() fyne.CanvasObject { return s.root }
func (s *personalScreen) focus()                     { s.u.win.Canvas().Focus(s.query) }

// svc returns the personal-data service, nil when none is wired.
func (s *personalScreen) svc() ledger.PersonalService { return s.u.svc.Personal }

// line is one masked row of the list.
func (s *personalScreen) line(r ledger.PersonRecord) string {
	parts := []string{r.ID, T(r.Purpose.Label()), T(r.StatusLabel()), r.CollectedAt.In(s.u.settings.Location()).Format("2006-01-02")}
	for _, f := range r.Fields {
		parts = append(parts, T(f.Kind.Label())+" "+f.Masked)
	}
	return strings.Join(parts, " · ")
}

func (s *personalScreen) refresh() {
	svc := s.svc()
	if svc == nil {
		s.keyState.SetText(T("本机未接入个人信息库"))
		s.updateButtons()
		return
	}
	st := svc.KeyStatus(s.u.ctx)
	if st.Ready {
		s.keyState.Importance = widget.MediumImportance
		s.keyState.SetText(T("个人信息密钥正常（密钥标识 %s）；所有信息默认脱敏显示，查看完整信息须另一位主管批准并记入流水账。", st.KeyID))
	} else {
		s.keyState.Importance = widget.WarningImportance
		s.keyState.SetText(errText(st.Err))
	}
	// A wrapped label knows its height only once it has a width: lay the
	// page out again so the key state never overlaps the search box.
	s.page.Refresh()
	if s.searched == "" {
		list, _, err := svc.Records(s.u.ctx, 0, 100)
		if err != nil {
			s.u.showError(err)
			return
		}
		s.records = list
	}
	s.selected = -1
	s.list.UnselectAll()
	s.list.Refresh()
	for p, e := range s.retention {
		e.SetText(strconv.Itoa(s.u.settings.Retention.Days(p)))
	}
	if due, err := svc.PurgeDue(s.u.ctx); err == nil {
		s.due.SetText(T("保存期满待删除：%d 条记录", due.Records))
	}
	s.updateButtons()
}

// updateButtons enables what applies: a selected held record for the full
// view, a search for the copy and the erasure.
func (s *personalScreen) updateButtons() {
	ready := s.svc() != nil && s.svc().KeyStatus(s.u.ctx).Ready
	enable := func(b *widget.Button, on bool) {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	sel := s.selected >= 0 && s.selected < len(s.records) && !s.records[s.selected].Erased()
	enable(s.reveal, ready && sel)
	enable(s.exportPDF, ready && s.searched != "")
	enable(s.exportTxt, ready && s.searched != "")
	enable(s.erase, ready && s.searched != "" && len(s.held()) > 0)
	enable(s.search, ready)
	enable(s.purge, s.svc() != nil)
}

// held returns the ids of the listed records that still hold data.
func (s *personalScreen) held() []string {
	var ids []string
	for _, r := range s.records {
		if !r.Erased() {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// say shows a result (ok) or an error under the actions.
func (s *personalScreen) say(ok bool, text string) {
	if ok {
		s.message.Importance = widget.SuccessImportance
	} else {
		s.message.Importance = widget.DangerImportance
	}
	s.message.SetText(text)
	s.page.Refresh()
}

func (s *personalScreen) doSearch() {
	if s.svc() == nil {
		return
	}
	q := strings.TrimSpace(s.query.Text)
	list, err := s.svc().Find(s.u.ctx, s.u.Staff(), q)
	if err != nil {
		s.say(false, errText(err))
		return
	}
	_, norm, _ := ledger.LookupKind(q)
	s.searched = norm
	s.records = list
	s.selected = -1
	s.list.UnselectAll()
	s.list.Refresh()
	kind, _, _ := ledger.LookupKind(q)
	s.say(true, T("按%s %s 查到 %d 条记录", T(kind.Label()), ledger.MaskData(kind, norm), len(list)))
	s.query.SetText("")
	s.updateButtons()
}

func (s *personalScreen) askReveal() {
	if s.selected < 0 || s.selected >= len(s.records) {
		return
	}
	r := s.records[s.selected]
	actor := s.u.Staff()
	s.u.requestApproval(ledger.RevealApproval(actor, r), "", func(a ledger.Approval) {
		vals, err := s.svc().Reveal(s.u.ctx, actor, r.ID, &a)
		if err != nil {
			s.say(false, errText(err))
			return
		}
		s.showFull(r, vals)
		s.say(true, T("已查看 %s 的完整信息，已记入流水账", r.ID))
	})
}

// showFull shows the revealed values in a message that Enter or Esc
// closes; nothing keeps them after that.
func (s *personalScreen) showFull(r ledger.PersonRecord, vals map[ledger.DataKind]string) {
	var lines []string
	for _, f := range r.Fields {
		v, ok := vals[f.Kind]
		if !ok {
			v = f.Masked + " " + T("（不保存完整号码）")
		}
		lines = append(lines, T(f.Kind.Label())+"："+v)
	}
	s.shownText = strings.Join(lines, "\n")
	body := widget.NewLabel(s.shownText + "\n\n" + T("本次查看已记录查看人、审批人和原因。"))
	body.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(T("完整个人信息（%s）", T(r.Purpose.Label())), T("关闭"),
		container.NewGridWrap(fyne.NewSize(420, 160), body), s.u.win)
	s.u.showMessage(d)
}

func (s *personalScreen) askExport(pdf bool) {
	if s.searched == "" {
		return
	}
	q := s.searched
	actor := s.u.Staff()
	kind, _, _ := ledger.LookupKind(q)
	s.u.requestApproval(ledger.ExportApproval(actor, ledger.MaskData(kind, q)), "", func(a ledger.Approval) {
		x, err := s.svc().Export(s.u.ctx, actor, q, &a)
		if err != nil {
			s.say(false, errText(err))
			return
		}
		path, err := s.writeExport(x, pdf)
		if err != nil {
			s.u.cfg.Logger.Error("personal export not written", "err", err)
			s.say(false, T("副本未能保存：%s", err.Error()))
			return
		}
		s.lastExport = path
		s.say(true, T("已导出 %d 条记录到 %s。交给本人后请删除该文件（24 小时后自动删除）。", len(x.Records), path))
	})
}

// writeExport saves the person's copy in the export folder, readable by
// this account only.
func (s *personalScreen) writeExport(x ledger.PersonalExport, pdf bool) (string, error) {
	dir := s.u.cfg.ExportDir
	if dir == "" {
		dir = os.TempDir()
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("export dir: %w", err)
	}
	var b bytes.Buffer
	loc := s.u.settings.Location()
	ext := ".txt"
	var err error
	if pdf {
		ext = ".pdf"
		err = receipts.RenderPersonalExportPDF(&b, x, loc, assets.Font)
	} else {
		err = receipts.PersonalExportText(&b, x, loc)
	}
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "personal-copy-"+x.At.In(loc).Format("20060102-150405")+ext)
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		return "", fmt.Errorf("write export: %w", err)
	}
	return path, nil
}

func (s *personalScreen) askErase() {
	ids := s.held()
	if s.searched == "" || len(ids) == 0 {
		return
	}
	actor := s.u.Staff()
	s.u.ask(T("应本人要求删除个人信息"), T("删除这 %d 条记录的个人信息？删除后只保留记录编号和脱敏信息，无法恢复。", len(ids)), func() {
		s.u.requestApproval(ledger.EraseApproval(actor, ids), "", func(a ledger.Approval) {
			res, err := s.svc().Erase(s.u.ctx, actor, ids, &a)
			if err != nil {
				s.say(false, errText(err))
				return
			}
			for i, r := range s.records {
				if rr, err := s.svc().Record(s.u.ctx, r.ID); err == nil {
					s.records[i] = rr
				}
			}
			s.list.Refresh()
			s.updateButtons()
			s.say(true, T("已删除 %d 条记录中的 %d 项个人信息", res.Records, res.Fields))
		})
	})
}

func (s *personalScreen) doPurge() {
	res, err := s.svc().Purge(s.u.ctx, s.u.Staff())
	if err != nil {
		s.say(false, errText(err))
		return
	}
	s.say(true, T("已清理保存期满的 %d 条记录", res.Records))
	s.refresh()
}

func (s *personalScreen) doSaveRetention() {
	set := s.u.settings
	ret := ledger.Retention{}
	for p, e := range s.retention {
		d, err := strconv.Atoi(strings.TrimSpace(e.Text))
		if err != nil {
			s.say(false, T("%s的保存期限须为整数天", T(p.Label())))
			return
		}
		ret[p] = d
	}
	set.Retention = ret
	if err := s.u.svc.Settings.UpdateSettings(s.u.ctx, s.u.Staff(), set); err != nil {
		s.say(false, errText(err))
		return
	}
	s.u.reloadSettings()
	s.say(true, T("保存期限已保存"))
	s.refresh()
}
