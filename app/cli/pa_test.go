package cli

import (
	"context"
	"encoding/binary"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"servicedesk/ledger"
	"servicedesk/ledger/sqlstore"
)

// TestDemoPACapturesToFile starts the demo's PA as the GUI does: the
// station runs by itself, the queued demo announcements play (or wait for a
// speech engine), and the PA is captured to a valid WAV file in real time.
func TestDemoPACapturesToFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "desk.db")
	ctx := context.Background()
	db, err := openDB(ctx, path, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := seedDemo(ctx, db, time.Now); err != nil {
		t.Fatal(err)
	}
	capture := filepath.Join(dir, "pa.wav")
	if err := demoPA(ctx, db, dir, capture, time.Now); err != nil {
		t.Fatal(err)
	}
	svc := services(db)
	st, stop, err := startPA(ctx, slog.New(slog.DiscardHandler), svc)
	if err != nil {
		t.Fatal(err)
	}
	// The station runs by itself: wait (bounded; espeak-ng is slow on a
	// loaded machine) until the first announcement is on air or blocked,
	// then let the capture run a second.
	var status = st.Status()
	for end := time.Now().Add(2 * time.Minute); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if status = st.Status(); status.Playing != nil || len(status.Blocked) > 0 {
			break
		}
	}
	time.Sleep(time.Second)
	stop()
	if status.OutputProblem != "" || status.MusicFiles != 2 || len(status.Plan) < 5 {
		t.Fatalf("status %+v", status)
	}
	if status.SpeechName == "" {
		if len(status.Blocked) == 0 {
			t.Fatalf("no speech engine and nothing blocked: %+v", status)
		}
	} else if status.Playing == nil || status.Playing.Kind != string(ledger.TplPerson) {
		recent, _ := svc.Broadcasts.Recent(ctx, 10)
		t.Fatalf("demo announcement not on air: %+v (last error %q, broadcasts %+v)", status.Playing, status.LastError, recent)
	}
	raw, err := os.ReadFile(capture)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) < 44 || string(raw[:4]) != "RIFF" || binary.LittleEndian.Uint32(raw[24:]) != paRate {
		t.Fatalf("capture header %q", raw[:min(len(raw), 44)])
	}
	if data := int(binary.LittleEndian.Uint32(raw[40:])); data != len(raw)-44 || data < paRate*4 {
		t.Fatalf("capture holds %d data bytes in a %d-byte file", data, len(raw))
	}
	entries, err := sqlstore.NewJournalService(db).Entries(ctx, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range entries {
		if strings.HasPrefix(e.Kind, "broadcast.") {
			kinds = append(kinds, e.Kind)
		}
	}
	if len(kinds) < 4 || kinds[0] != "broadcast.config" {
		t.Fatalf("journal %v", kinds)
	}
}

// TestPAWithoutOutput: with the output switched off the station still runs
// and says so; nothing is played.
func TestPAWithoutOutput(t *testing.T) {
	path := demoDB(t)
	ctx := context.Background()
	db, err := openDB(ctx, path, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := services(db)
	cfg, _ := svc.Broadcasts.BroadcastConfig(ctx)
	cfg.Output = "none"
	staff, _ := svc.Staff.ListStaff(ctx)
	if err := svc.Broadcasts.UpdateBroadcastConfig(ctx, staff[0], cfg); err != nil {
		t.Fatal(err)
	}
	st, stop, err := startPA(ctx, slog.New(slog.DiscardHandler), svc)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	time.Sleep(300 * time.Millisecond)
	if got := st.Status().OutputProblem; !strings.Contains(got, "音频输出已在设置中关闭") {
		t.Fatalf("output problem %q", got)
	}
}
