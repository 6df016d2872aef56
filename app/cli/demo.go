package cli

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"servicedesk/devices/audio"
	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// demoPassword is the password of every demo account (demo databases are
// throw-away temp files).
const demoPassword = "demo1234"

// seedDemo fills a fresh database with sample staff, stock and loans so a
// newcomer sees a living counter at once.
func seedDemo(ctx context.Context, db *sqlstore.DB, now func() time.Time) error {
	staff := sqlstore.NewStaffService(db)
	admin, err := staff.Setup(ctx, ledger.SetupRequest{MallName: "天华购物广场", CounterName: "一楼总服务台",
		Admin: ledger.NewStaff{Username: "admin", Name: "陈管理", Password: demoPassword}})
	if err != nil {
		return fmt.Errorf("demo setup: %w", err)
	}
	if _, err := staff.AddStaff(ctx, admin, ledger.NewStaff{Username: "wang", Name: "王主管", Role: ledger.RoleSupervisor, Password: demoPassword}); err != nil {
		return fmt.Errorf("demo staff: %w", err)
	}
	clerk, err := staff.AddStaff(ctx, admin, ledger.NewStaff{Username: "li", Name: "李小红", Role: ledger.RoleClerk, Password: demoPassword})
	if err != nil {
		return fmt.Errorf("demo staff: %w", err)
	}
	lending := sqlstore.NewLendingService(db)
	var umbrellas, strollers []string
	for i := 1; i <= 30; i++ {
		umbrellas = append(umbrellas, fmt.Sprintf("U-%03d", i))
	}
	for i := 1; i <= 8; i++ {
		strollers = append(strollers, fmt.Sprintf("C-%02d", i))
	}
	if err := lending.AddItems(ctx, admin, ledger.KindUmbrella, umbrellas); err != nil {
		return fmt.Errorf("demo umbrellas: %w", err)
	}
	if err := lending.AddItems(ctx, admin, ledger.KindStroller, strollers); err != nil {
		return fmt.Errorf("demo strollers: %w", err)
	}
	for i, n := range []string{"U-003", "U-007", "U-011", "U-012", "U-020"} {
		phone := ""
		if i%2 == 0 {
			phone = fmt.Sprintf("1381234%04d", 1000+i)
		}
		if _, err := lending.Lend(ctx, clerk, ledger.LendRequest{Kind: ledger.KindUmbrella, ItemNumber: n, Phone: phone}); err != nil {
			return fmt.Errorf("demo loan: %w", err)
		}
	}
	for _, n := range []string{"C-02", "C-05"} {
		if _, err := lending.Lend(ctx, clerk, ledger.LendRequest{Kind: ledger.KindStroller, ItemNumber: n, Phone: "13900001111"}); err != nil {
			return fmt.Errorf("demo stroller loan: %w", err)
		}
	}
	l, err := lending.LoanByReceipt(ctx, ledger.ReceiptNo(ledger.DefaultDeskCode, now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02"), 1))
	if err == nil {
		_, err = lending.Return(ctx, clerk, ledger.ReturnRequest{LoanID: l.ID, Outcome: ledger.ReturnFine})
	}
	if err != nil {
		return fmt.Errorf("demo return: %w", err)
	}
	if err := seedDemoMedLost(ctx, db, admin, clerk, now); err != nil {
		return err
	}
	if err := seedDemoPeople(ctx, db, clerk); err != nil {
		return err
	}
	return seedDemoCards(ctx, db, admin, clerk)
}

// seedDemoPeople fills the personal-data store with a few made-up people
// (the ID number is the GB 11643 example, not a real person's), when the
// database has its keys.
func seedDemoPeople(ctx context.Context, db *sqlstore.DB, clerk ledger.Staff) error {
	pd := sqlstore.NewPersonalService(db)
	if !pd.KeyStatus(ctx).Ready {
		return nil // a database opened without a keys file gets no people
	}
	for _, req := range []ledger.CollectRequest{
		{Purpose: ledger.PurposeMember, UniqueResidentID: true, Values: map[ledger.DataKind]string{
			ledger.DataName: "张三", ledger.DataMobile: "13812341000", ledger.DataResidentID: "11010519491231002X"}},
		{Purpose: ledger.PurposeFeedback, Values: map[ledger.DataKind]string{
			ledger.DataName: "张三", ledger.DataMobile: "13812341000", ledger.DataNote: "建议童车增加遮阳篷"}},
		{Purpose: ledger.PurposeClaimant, Values: map[ledger.DataKind]string{
			ledger.DataName: "欧阳娜娜", ledger.DataMobile: "13900001111"}},
		{Purpose: ledger.PurposeMedicine, Values: map[ledger.DataKind]string{
			ledger.DataName: "李四", ledger.DataHealth: "青霉素过敏"}},
	} {
		if _, err := pd.Collect(ctx, clerk, req); err != nil {
			return fmt.Errorf("demo personal data: %w", err)
		}
	}
	return nil
}

// demoPrinter points the demo counter's printer at a capture file, so the
// print queue drains and the status bar shows a working printer.
func demoPrinter(ctx context.Context, db *sqlstore.DB, path string) error {
	path, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("demo printer: %w", err)
	}
	svc := sqlstore.NewSettingsService(db)
	set, err := svc.Settings(ctx)
	if err != nil {
		return err
	}
	set.Devices.Printer.Name = "file:" + path
	staff, err := sqlstore.NewStaffService(db).ListStaff(ctx)
	if err != nil {
		return err
	}
	for _, st := range staff {
		if st.Role == ledger.RoleAdmin {
			return svc.UpdateSettings(ctx, st, set)
		}
	}
	return fmt.Errorf("demo printer: no admin")
}

// demoPA sets up the demo's PA console: two generated music tracks, the
// PA captured to a WAV file beside the demo database (like the demo
// printer), the usual opening/closing routine plus announcements around
// now, and two staff announcements waiting in the queue. The music goes
// into dir/music; capture is the WAV file the PA is recorded to. Both
// are stored as full paths (the settings refuse relative ones), so a
// relative --db works too.
func demoPA(ctx context.Context, db *sqlstore.DB, dir, capture string, now func() time.Time) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("demo music: %w", err)
	}
	if capture, err = filepath.Abs(capture); err != nil {
		return fmt.Errorf("demo capture: %w", err)
	}
	music := filepath.Join(dir, "music")
	if err := os.MkdirAll(music, 0o755); err != nil {
		return fmt.Errorf("demo music: %w", err)
	}
	for i, chord := range [][]float64{{261.63, 329.63, 392.00}, {220.00, 261.63, 329.63}} {
		if err := writeDemoTrack(filepath.Join(music, fmt.Sprintf("0%d-demo.wav", i+1)), chord); err != nil {
			return err
		}
	}
	staff, err := sqlstore.NewStaffService(db).ListStaff(ctx)
	if err != nil {
		return err
	}
	var admin, clerk ledger.Staff
	for _, st := range staff {
		switch st.Role {
		case ledger.RoleAdmin:
			admin = st
		case ledger.RoleClerk:
			clerk = st
		}
	}
	svc := sqlstore.NewBroadcastService(db)
	cfg := ledger.DefaultBroadcastConfig()
	local := now().In(time.FixedZone("CST", 8*3600))
	at := func(d time.Duration) string { return local.Add(d).Format("15:04") }
	extra := fmt.Sprintf("%s 音乐开始\n%s 广播 各位顾客，本商场一楼正在举办秋季新品展，欢迎选购。\n%s 广播 各位顾客，请照看好您的小孩和随身物品。\n",
		at(-20*time.Minute), at(-10*time.Minute), at(3*time.Minute))
	more, err := ledger.ParseSchedule(extra)
	if err != nil {
		return err
	}
	cfg.Schedule = append(cfg.Schedule, more...)
	cfg.MusicFolder, cfg.Output = music, "file:"+capture
	if err := svc.UpdateBroadcastConfig(ctx, admin, cfg); err != nil {
		return fmt.Errorf("demo broadcast settings: %w", err)
	}
	for _, a := range []ledger.Announcement{
		{Template: ledger.TplPerson, Fields: map[string]string{ledger.FieldName: "王小宝", ledger.FieldAge: "5",
			ledger.FieldClothing: "黄色外套", ledger.FieldPlace: "一楼总服务台"}, Repeats: 2, Interval: 30 * time.Second},
		{Template: ledger.TplCar, Fields: map[string]string{ledger.FieldPlate: "沪A12345", ledger.FieldCar: "白色轿车", ledger.FieldWhere: "地下一层B区"}},
	} {
		if _, err := svc.Enqueue(ctx, clerk, a); err != nil {
			return fmt.Errorf("demo announcement: %w", err)
		}
	}
	return nil
}

// writeDemoTrack writes 20 s of a softly pulsing chord as a WAV file.
func writeDemoTrack(path string, chord []float64) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("demo track: %w", err)
	}
	defer f.Close()
	const rate = 22050
	w, err := audio.NewWAVWriter(f, rate)
	if err != nil {
		return err
	}
	buf := make([][2]float64, rate)
	for sec := 0; sec < 20; sec++ {
		for i := range buf {
			t := float64(sec) + float64(i)/rate
			v := 0.0
			for k, hz := range chord {
				v += math.Sin(2*math.Pi*hz*t) * (0.5 + 0.5*math.Sin(2*math.Pi*(0.25+0.1*float64(k))*t))
			}
			v *= 0.12
			buf[i] = [2]float64{v, v}
		}
		if err := w.Write(buf); err != nil {
			return err
		}
	}
	return w.Flush()
}
