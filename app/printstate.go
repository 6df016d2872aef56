package app

import (
	"fyne.io/fyne/v2/widget"

	"servicedesk/ledger"
)

// receiptState is the print state of a receipt (its original job) as the
// clerk reads it: 已打印, 打印中, or 未打印：<reason>.
func (u *UI) receiptState(receiptNo string) (string, widget.Importance) {
	if u.svc.Print == nil {
		return T("未打印：%s", T("打印队列未开启")), widget.DangerImportance
	}
	job, err := u.svc.Print.Original(u.ctx, receiptNo)
	if err != nil {
		return T("未打印：%s", errText(err)), widget.DangerImportance
	}
	return u.jobState(job)
}

// jobState describes one print job: 已打印; 打印中 while an attempt is
// under way; 未打印 with the last failure or the printer's trouble as the
// reason (未打印：缺纸); 等待打印 while queued for a printer that is fine.
func (u *UI) jobState(job ledger.PrintJob) (string, widget.Importance) {
	if job.State == ledger.PrintPrinted || !job.PrintedAt.IsZero() {
		return T(ledger.PrintPrinted.Label()), widget.SuccessImportance
	}
	if job.State == ledger.PrintSending {
		return T(ledger.PrintSending.Label()), widget.MediumImportance
	}
	reason := job.LastError
	if u.cfg.Printer == nil {
		reason = "打印机未配置"
	} else if st := u.cfg.Printer(); st.Off {
		reason = "打印机未配置"
	} else if !st.OK && reason == "" {
		reason = st.Label
	}
	if reason != "" {
		return T("未打印：%s", T(reason)), widget.DangerImportance
	}
	return T(ledger.PrintQueued.Label()), widget.MediumImportance
}

// printWatcher is a screen that shows print states.
type printWatcher interface{ printChanged() }

// PrintChanged refreshes everything that shows print state: the counts in
// the service list, the glance panel and the status bar, the open receipt
// preview and the screens' receipt states. The print worker calls it
// (through fyne.Do) after every job it printed or failed.
func (u *UI) PrintChanged() {
	if u.shell == nil || u.win.Content() != u.shell.root {
		return
	}
	u.shell.refreshAll()
	if p := u.preview; p != nil {
		p.refreshState(u)
	}
	for id, sc := range u.shell.screens {
		if w, ok := sc.(printWatcher); ok && (id == u.shell.current || id != "dayclose") {
			w.printChanged()
		}
	}
}

// printChanged shows the loaded loan's new print state.
func (s *lendingScreen) printChanged() { s.refreshPrintState() }

// printChanged reloads the print queue list.
func (s *devicesScreen) printChanged() { s.refreshJobs() }

// printChanged reloads the checklist (unprinted receipts) while open.
func (s *dayCloseScreen) printChanged() { s.refresh() }
