package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"servicedesk/app/printing"
	"servicedesk/assets"
	"servicedesk/devices"
	"servicedesk/ledger"
)

// errorFormats walks the module's Go source (tests excluded) and returns
// every ledger.Errorf format literal and every string literal passed as one
// of its arguments, with where it was found. A call whose format is not a
// literal is reported as a problem: its message could not be translated.
func errorFormats(t *testing.T) (formats, args map[string]string) {
	t.Helper()
	formats, args = map[string]string{}, map[string]string{}
	fset := token.NewFileSet()
	var files []*ast.File
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == "testdata" || strings.HasPrefix(name, ".") && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// String constants by "package.Name", so a format may be a constant.
	consts := map[string]string{}
	for _, f := range files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if l, ok := vs.Values[i].(*ast.BasicLit); ok && l.Kind == token.STRING {
							if v, err := strconv.Unquote(l.Value); err == nil {
								consts[f.Name.Name+"."+name.Name] = v
							}
						}
					}
				}
			}
		}
	}
	str := func(pkg string, e ast.Expr) (string, bool) {
		switch x := e.(type) {
		case *ast.BasicLit:
			if x.Kind == token.STRING {
				v, err := strconv.Unquote(x.Value)
				return v, err == nil
			}
		case *ast.Ident:
			v, ok := consts[pkg+"."+x.Name]
			return v, ok
		case *ast.SelectorExpr:
			if p, ok := x.X.(*ast.Ident); ok {
				v, ok := consts[p.Name+"."+x.Sel.Name]
				return v, ok
			}
		}
		return "", false
	}
	for _, f := range files {
		pkg := f.Name.Name
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || !isErrorf(call.Fun, pkg == "ledger") || len(call.Args) < 2 {
				return true
			}
			where := fset.Position(call.Pos()).String()
			s, ok := str(pkg, call.Args[1])
			if !ok {
				t.Errorf("%s: ledger.Errorf with a format that is not a string literal or constant cannot be translated", where)
				return true
			}
			formats[s] = where
			for _, a := range call.Args[2:] {
				if v, ok := str(pkg, a); ok && hasHan(v) {
					args[v] = where
				}
			}
			return true
		})
	}
	return formats, args
}

// isErrorf reports whether fun names ledger.Errorf (or Errorf inside the
// ledger package itself).
func isErrorf(fun ast.Expr, inLedger bool) bool {
	switch f := fun.(type) {
	case *ast.SelectorExpr:
		x, ok := f.X.(*ast.Ident)
		return ok && x.Name == "ledger" && f.Sel.Name == "Errorf"
	case *ast.Ident:
		return inLedger && f.Name == "Errorf"
	}
	return false
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// loadTable reads one translation table.
func loadTable(t *testing.T, code string) map[string]any {
	t.Helper()
	raw, err := assets.Translations.ReadFile("translations/" + code + ".json")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s.json: %v", code, err)
	}
	return m
}

// TestErrorMessagesTranslated checks that every error message the services
// and screens can raise (every ledger.Errorf format in the source, found
// with go/ast) and every Chinese literal passed into one has an English and
// a Chinese entry with the same format verbs, and that the English entry is
// actually English.
func TestErrorMessagesTranslated(t *testing.T) {
	formats, args := errorFormats(t)
	if len(formats) < 80 {
		t.Fatalf("found only %d error formats: the source walk is broken", len(formats))
	}
	formats[ledger.InternalMessage] = "ledger/error.go"
	for k, v := range args {
		formats[k] = v
	}
	for _, code := range []string{"en", "zh"} {
		table := loadTable(t, code)
		for k, where := range formats {
			v, ok := table[k].(string)
			if !ok {
				t.Errorf("%s.json lacks the error message %q (%s)", code, k, where)
				continue
			}
			if strings.Join(verb.FindAllString(v, -1), "") != strings.Join(verb.FindAllString(k, -1), "") {
				t.Errorf("%s.json: %q has other format verbs than %q", code, v, k)
			}
			if code == "en" && hasHan(v) {
				t.Errorf("en.json: %q is not translated: %q", k, v)
			}
		}
	}
}

// TestErrTextTranslatesArguments checks errText on nested errors and label
// arguments, and that a non-ledger error never shows its details.
func TestErrTextTranslatesArguments(t *testing.T) {
	inner := ledger.Errorf(ledger.EINVALID, "金额格式不正确")
	outer := ledger.Errorf(ledger.EINVALID, "雨伞押金：%s", inner)
	if outer.Message != "雨伞押金：金额格式不正确" {
		t.Fatalf("message = %q", outer.Message)
	}
	if got := errText(fmt.Errorf("save: %w", outer)); got != T("雨伞押金：%s", T("金额格式不正确")) {
		t.Fatalf("errText = %q", got)
	}
	if got := errText(errors.New("disk I/O error at /secret/path")); got != T(ledger.InternalMessage) || strings.Contains(got, "secret") {
		t.Fatalf("internal error shown as %q", got)
	}
	if errText(nil) != "" {
		t.Fatal("nil error has a message")
	}
}

// TestEnglishErrorText runs in the English child process (TestEnglishUI):
// a service error raised in Chinese is shown in English with its
// arguments, labels translated.
func TestEnglishErrorText(t *testing.T) {
	if os.Getenv("SD_TEST_LANG") != "en" {
		t.Skip("run by TestEnglishUI")
	}
	err := ledger.Errorf(ledger.EINVALID, "请先选择或输入%s编号", ledger.KindUmbrella.Label())
	if got := errText(err); got != "Umbrellas: choose or type the item number first" {
		t.Fatalf("errText = %q", got)
	}
	if got := errText(ledger.ErrBadLogin(2)); hasHan(got) {
		t.Fatalf("login error not translated: %q", got)
	}
}

// TestDeviceLabelsTranslated: the printer and reader states and print
// failure reasons the status bar and the receipt states show through T are
// in both tables.
func TestDeviceLabelsTranslated(t *testing.T) {
	labels := []string{"未知", "未配置", "打印机未配置", "打印失败", printing.ReasonBadDocument}
	for _, st := range []ledger.PrintJobState{ledger.PrintQueued, ledger.PrintSending, ledger.PrintPrinted, ledger.PrintFailed} {
		labels = append(labels, st.Label())
	}
	for st := devices.StateOK; st <= devices.StateDisconnected; st++ {
		labels = append(labels, st.Label())
	}
	for _, code := range []string{"en", "zh"} {
		table := loadTable(t, code)
		for _, l := range labels {
			v, ok := table[l].(string)
			if !ok || code == "en" && hasHan(v) {
				t.Errorf("%s.json: device label %q = %q", code, l, v)
			}
		}
	}
}
