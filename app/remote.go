package app

import (
	"context"

	"servicedesk/ledger"
)

// headWatcher is a journal that reports the seq of its last entry cheaply
// (sqlstore's JournalService reads its one-row chain head).
type headWatcher interface {
	Head(ctx context.Context) (int64, error)
}

// quietRefresher is a screen that can reload what other desks change
// (stock, open loans) without disturbing what the clerk is typing or has
// selected.
type quietRefresher interface {
	quietRefresh()
}

// checkRemote notices entries written by other desks on a shared database
// (or by this one) since the last look and reloads the counts, the glance
// panel and the open screen's lists. Tick calls it every second, so another
// desk's return shows here within about a second.
func (u *UI) checkRemote() {
	w, ok := u.svc.Journal.(headWatcher)
	if !ok || u.shell == nil || u.win.Content() != u.shell.root {
		return
	}
	seq, err := w.Head(u.ctx)
	if err != nil {
		if ledger.ErrorCode(err) == ledger.EOFFLINE && !u.offline {
			u.offline = true
			u.cfg.Logger.Warn("shared database unreachable", "err", err)
		}
		return
	}
	if u.offline {
		u.offline = false
		u.cfg.Logger.Info("shared database reachable again")
		u.seenHead = -1 // reload everything once
	}
	if seq == u.seenHead {
		return
	}
	first := u.seenHead == 0
	u.seenHead = seq
	if first {
		return
	}
	u.deskCount = 0 // counted again
	u.shell.refreshAll()
	if sc, ok := u.shell.screens[u.shell.current].(quietRefresher); ok {
		sc.quietRefresh()
	}
}

// deskCoder is a lending service that knows which desk it runs as and
// how many desks share the database.
type deskCoder interface {
	Desk(ctx context.Context) (string, error)
	DeskCount(ctx context.Context) (int, error)
}

// sharedDesk returns this desk's code when several desks share the
// database ("" for a single desk: nothing to tell apart). It is counted
// again whenever the journal moved (a desk.add is an entry too).
func (u *UI) sharedDesk() string {
	if u.deskCount == 0 {
		if d, ok := u.svc.Lending.(deskCoder); ok {
			u.deskCount, _ = d.DeskCount(u.ctx)
		}
	}
	if u.deskCount < 2 {
		return ""
	}
	return u.deskCode()
}

// deskCode is this PC's desk code, "" when unknown.
func (u *UI) deskCode() string {
	if d, ok := u.svc.Lending.(deskCoder); ok {
		if code, err := d.Desk(u.ctx); err == nil {
			return code
		}
	}
	return ""
}
