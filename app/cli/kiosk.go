package cli

import (
	"log/slog"
	"time"

	"fyne.io/fyne/v2"

	"servicedesk/app"
	"servicedesk/ledger/sqlstore"
)

// kioskServices is all the kiosk reaches of the store: public reads, the
// rating and the staff password check to leave (app.KioskServices).
func kioskServices(db *sqlstore.DB) app.KioskServices {
	set := sqlstore.NewSettingsService(db)
	members := sqlstore.NewMemberService(db)
	return app.KioskServices{
		Settings: set,
		Loans:    app.KioskLoansFrom(sqlstore.NewLendingService(db).LoanByToken),
		Hours:    sqlstore.NewBroadcastService(db),
		Ratings:  sqlstore.NewFeedbackService(db),
		Exit:     sqlstore.NewStaffService(db),
		Found:    app.KioskFoundFrom(sqlstore.NewLostFoundService(db), set),
		Points:   app.KioskPointsFrom(members.MemberByCard, members.PointEntries),
	}
}

// startKiosk builds the customer kiosk in w: full screen, the window's
// close button goes to the staff exit page, a tick once a second for the
// idle timeout. It returns the stop function of the tick.
func startKiosk(a fyne.App, w fyne.Window, db *sqlstore.DB, log *slog.Logger) (*app.Kiosk, func(), error) {
	k := app.NewKiosk(w, kioskServices(db), app.KioskConfig{Logger: log, Quit: a.Quit})
	if err := k.Start(); err != nil {
		return nil, nil, err
	}
	w.SetFullScreen(true)
	w.SetCloseIntercept(func() { fyne.Do(k.AskExit) })
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				fyne.Do(k.Tick)
			}
		}
	}()
	return k, func() { close(stop) }, nil
}
