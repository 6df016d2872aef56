package ledger

import "testing"

func TestCloseNo(t *testing.T) {
	if got := CloseNo("1F", "2026-11-25", 1); got != "1F-20261125-01" {
		t.Fatalf("CloseNo = %s", got)
	}
	if got := CloseNo("KIOSK", "2026-11-25", 12); got != "KIOSK-20261125-12" {
		t.Fatalf("CloseNo = %s", got)
	}
}

func TestCloseSummaryCashFormula(t *testing.T) {
	// Held at open ￥50; today: two deposits taken (￥100), one refunded in
	// full, one damaged (charge ￥60, so ￥10 collected on top), and the ￥50
	// held at open forfeited as lost.
	s := CloseSummary{HeldAtOpen: Yuan(50), Taken: Yuan(100), Refunded: Yuan(50), Collected: Yuan(10),
		Compensation: Yuan(60), Forfeited: Yuan(50), HeldAtClose: 0}
	if s.Expected() != Yuan(110) || !s.Balanced() {
		t.Fatalf("expected %v balanced %v", s.Expected(), s.Balanced())
	}
	s.Refunded++
	if s.Balanced() {
		t.Fatal("unbalanced summary accepted")
	}
}

func TestSettingsReportFolder(t *testing.T) {
	s := DefaultSettings()
	for _, bad := range []string{"reports", "./reports", "/tmp/a\nb"} {
		s.ReportFolder = bad
		if ErrorCode(s.Validate()) != EINVALID {
			t.Errorf("ReportFolder %q accepted", bad)
		}
	}
	for _, ok := range []string{"", "/srv/servicedesk/reports"} {
		s.ReportFolder = ok
		if err := s.Validate(); err != nil {
			t.Errorf("ReportFolder %q: %v", ok, err)
		}
	}
}
