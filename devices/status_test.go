package devices

import (
	"errors"
	"testing"
)

func TestParseStatus(t *testing.T) {
	cases := []struct {
		n, reply byte
		want     PrinterState
		label    string
	}{
		{QueryPrinter, 0x12, StateOK, "正常"},
		{QueryPrinter, 0x1a, StateOffline, "脱机"},
		{QueryOffline, 0x16, StateCoverOpen, "纸仓盖打开"},
		{QueryOffline, 0x32, StatePaperEnd, "缺纸"},
		{QueryOffline, 0x52, StateError, "打印机故障"},
		{QueryError, 0x1a, StateError, "打印机故障"},
		{QueryPaper, 0x1e, StatePaperNearEnd, "纸将尽"},
		{QueryPaper, 0x72, StatePaperEnd, "缺纸"},
		{QueryPaper, 0x12, StateOK, "正常"},
	}
	for _, c := range cases {
		s, err := ParseStatus(c.n, c.reply)
		if err != nil {
			t.Fatalf("ParseStatus(%d, %#x): %v", c.n, c.reply, err)
		}
		if s.State() != c.want || s.Label() != c.label {
			t.Errorf("ParseStatus(%d, %#x) = %v %s, want %v %s", c.n, c.reply, s.State(), s.Label(), c.want, c.label)
		}
	}
	for _, bad := range []struct{ n, reply byte }{{1, 0x00}, {1, 0x13}, {1, 0x92}, {1, 0x02}, {5, 0x12}, {0, 0x12}} {
		if _, err := ParseStatus(bad.n, bad.reply); !errors.Is(err, ErrBadStatusReply) {
			t.Errorf("ParseStatus(%d, %#x) err = %v, want ErrBadStatusReply", bad.n, bad.reply, err)
		}
	}
}

func TestStatusPriorityAndReady(t *testing.T) {
	// Paper end also reports offline: the cause must win.
	s := PrinterStatus{Connected: true, Offline: true, PaperEnd: true, PaperNearEnd: true}
	if s.State() != StatePaperEnd || s.Ready() {
		t.Fatalf("state %v ready %v", s.State(), s.Ready())
	}
	if (PrinterStatus{}).Label() != "未连接" || (PrinterStatus{}).Ready() {
		t.Fatal("zero status must be 未连接 and not ready")
	}
	if !(PrinterStatus{Connected: true, PaperNearEnd: true}).Ready() {
		t.Fatal("near end must still print")
	}
	if PrinterState(99).Label() != "未知" || PrinterState(99).String() == "" {
		t.Fatal("unknown state label")
	}
}

func TestErrorReason(t *testing.T) {
	err := error(&StatusError{Status: PrinterStatus{Connected: true, PaperEnd: true}})
	if !errors.Is(err, ErrNotReady) || ErrorReason(err) != "缺纸" {
		t.Fatalf("reason %q for %v", ErrorReason(err), err)
	}
	wrapped := errors.Join(errors.New("queue"), err)
	if ErrorReason(wrapped) != "缺纸" {
		t.Fatal("reason must survive wrapping")
	}
	if ErrorReason(errors.New("x")) != "" {
		t.Fatal("foreign errors have no reason")
	}
}
