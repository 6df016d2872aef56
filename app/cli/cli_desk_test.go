package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// desk add registers a desk with an admin's password from standard input
// (never from the command line); a wrong password or a clerk changes
// nothing. With two desks the back-office commands must be told which one,
// and report --mall covers both.
func TestDeskAddListAndMallReport(t *testing.T) {
	path := seedClosedDB(t)
	add := func(user, password string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := env{stdout: &out, stderr: &errb}.deskAdd(append([]string{"--db", path, "--admin", user}, args...), strings.NewReader(password+"\n"))
		return code, out.String(), errb.String()
	}
	if code, out, _ := runCLI("desk", "list", "--db", path); code != exitOK || !strings.HasPrefix(out, "A\t") || strings.Count(out, "\n") != 1 {
		t.Fatalf("list: %d %q", code, out)
	}
	if code, _, errs := add("admin", "wrong-password", "--code", "B1", "--name", "B1 停车场服务台"); code != exitFailure || !strings.Contains(errs, "用户名或密码") {
		t.Fatalf("wrong password: %d %q", code, errs)
	}
	if code, _, errs := add("li", demoPassword, "--code", "B1", "--name", "B1 停车场服务台"); code != exitFailure || !strings.Contains(errs, "无权") {
		t.Fatalf("clerk: %d %q", code, errs)
	}
	if code, _, errs := add("admin", demoPassword, "--code", "B-1", "--name", "x"); code != exitFailure || !strings.Contains(errs, "字母和数字") {
		t.Fatalf("bad code: %d %q", code, errs)
	}
	if code, _, _ := add("admin", demoPassword); code != exitUsage {
		t.Fatalf("no code: %d", code)
	}
	if code, out, errs := add("admin", demoPassword, "--code", "b1", "--name", "B1 停车场服务台"); code != exitOK || !strings.Contains(out, "B1\tB1 停车场服务台") {
		t.Fatalf("add: %d %q %q", code, out, errs)
	}
	if code, _, errs := add("admin", demoPassword, "--code", "B1", "--name", "again"); code != exitFailure || !strings.Contains(errs, "已存在") {
		t.Fatalf("add twice: %d %q", code, errs)
	}
	if code, out, _ := runCLI("desk", "list", "--db", path); code != exitOK || out != "A\t一楼总服务台\nB1\tB1 停车场服务台\n" {
		t.Fatalf("list: %d %q", code, out)
	}
	pdf := filepath.Join(t.TempDir(), "day.pdf")
	if code, _, errs := runCLI("report", "--db", path, "--date", "2026-11-24", "--out", pdf); code != exitUsage || !strings.Contains(errs, "--desk") {
		t.Fatalf("report without a desk on two desks: %d %q", code, errs)
	}
	if code, out, errs := runCLI("report", "--db", path, "--date", "2026-11-24", "--desk", "A", "--out", pdf); code != exitOK || !strings.Contains(out, "￥") {
		t.Fatalf("report --desk A: %d %q %q", code, out, errs)
	}
	if code, out, errs := runCLI("report", "--db", path, "--date", "2026-11-23", "--mall", "--out", pdf); code != exitOK || !strings.Contains(out, "全馆汇总") {
		t.Fatalf("report --mall: %d %q %q", code, out, errs)
	}
	if code, _, _ := runCLI("report", "--db", path, "--date", "2026-11-23", "--mall", "--close", "1", "--out", pdf); code != exitUsage {
		t.Fatalf("--mall with --close: %d", code)
	}
}
