package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"servicedesk/assets"
	"servicedesk/ledger"
)

// uiLabels are the domain labels the screens pass through T.
func uiLabels() []string {
	var out []string
	for _, r := range []ledger.Role{ledger.RoleClerk, ledger.RoleSupervisor, ledger.RoleAdmin} {
		out = append(out, r.Label())
	}
	for _, k := range []ledger.ItemKind{ledger.KindUmbrella, ledger.KindStroller} {
		out = append(out, k.Label())
	}
	for _, s := range []ledger.ItemStatus{ledger.ItemIn, ledger.ItemOut, ledger.ItemDamaged, ledger.ItemRetired, ledger.ItemLost} {
		out = append(out, s.Label())
	}
	for _, s := range []ledger.LoanStatus{ledger.LoanOpen, ledger.LoanReturned, ledger.LoanDamaged, ledger.LoanLost} {
		out = append(out, s.Label())
	}
	return out
}

var tCall = regexp.MustCompile(`\bT\(("(?:[^"\\]|\\.)*")`)
var verb = regexp.MustCompile(`%[dsv]`)

// TestTranslationsComplete checks that every string the screens pass to T
// has an English and a Chinese entry with the same format verbs.
func TestTranslationsComplete(t *testing.T) {
	tables := map[string]map[string]any{}
	for _, code := range []string{"en", "zh"} {
		raw, err := assets.Translations.ReadFile("translations/" + code + ".json")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s.json: %v", code, err)
		}
		tables[code] = m
	}
	keys := uiLabels()
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range tCall.FindAllStringSubmatch(string(src), -1) {
			k, err := strconv.Unquote(m[1])
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			keys = append(keys, k)
		}
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d UI strings: the scan is broken", len(keys))
	}
	for _, k := range keys {
		for code, table := range tables {
			v, ok := table[k].(string)
			if !ok {
				t.Errorf("%s.json lacks %q", code, k)
				continue
			}
			if strings.Join(verb.FindAllString(v, -1), "") != strings.Join(verb.FindAllString(k, -1), "") {
				t.Errorf("%s.json: %q has other format verbs than %q", code, v, k)
			}
		}
	}
}
