package app

import "context"

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
	if err != nil || seq == u.seenHead {
		return
	}
	first := u.seenHead == 0
	u.seenHead = seq
	if first {
		return
	}
	u.shell.refreshAll()
	if sc, ok := u.shell.screens[u.shell.current].(quietRefresher); ok {
		sc.quietRefresh()
	}
}

// deskCoder is a lending service that knows which desk it runs as.
type deskCoder interface {
	Desk(ctx context.Context) (string, error)
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
