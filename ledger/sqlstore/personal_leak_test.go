package sqlstore

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"servicedesk/ledger"
	"servicedesk/receipts"
)

// surnames and given-name characters for generated people.
var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	given    = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂")
)

// person is a generated customer.
type person struct{ name, mobile, id string }

func genPerson(r *rand.Rand) person {
	name := string(surnames[r.Intn(len(surnames))])
	for i := 0; i < 1+r.Intn(2); i++ {
		name += string(given[r.Intn(len(given))])
	}
	return person{name: name, mobile: fmt.Sprintf("1%d%09d", 3+r.Intn(7), r.Intn(1e9)), id: genResidentID(r)}
}

// TestPersonalFullIDNumberNowhere runs a signup-like flow with generated ID
// numbers (members, claimants, look-ups, a person's copy as text and PDF,
// erasures, a purge, umbrella loans with receipts, a closed day with its
// ledger PDF and finance workbook) and then greps the bytes of the
// database file, the WAL, the log, every receipt as sent to the printer,
// the PDFs (raw and as text) and the exports for any whole ID number, or
// its first 17 digits. Names and mobiles collected only by the store are
// not readable in the database file or WAL either.
func TestPersonalFullIDNumberNowhere(t *testing.T) {
	f := newPDFixture(t)
	lf := withLending(t, f.fixture)
	ctx := context.Background()
	r := rand.New(rand.NewSource(2026))
	font, err := os.ReadFile("../../assets/DroidSansFallbackFull.ttf")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	var people []person
	var records []ledger.PersonRecord
	for i := 0; i < 40; i++ {
		p := genPerson(r)
		people = append(people, p)
		rec := f.member(t, p.name, p.mobile, p.id)
		records = append(records, rec)
		if i%4 == 0 {
			if _, err := f.pd.Collect(ctx, f.clerk, ledger.CollectRequest{Purpose: ledger.PurposeClaimant, Values: map[ledger.DataKind]string{
				ledger.DataName: p.name, ledger.DataMobile: p.mobile, ledger.DataResidentID: strings.ToLower(p.id)}}); err != nil {
				t.Fatal(err)
			}
		}
		// A duplicate signup is refused without echoing the number.
		if i%10 == 0 {
			_, err := f.pd.Collect(ctx, f.clerk, ledger.CollectRequest{Purpose: ledger.PurposeMember, UniqueResidentID: true,
				Values: map[ledger.DataKind]string{ledger.DataResidentID: p.id}})
			if ledger.ErrorCode(err) != ledger.ECONFLICT {
				t.Fatalf("duplicate member: %v", err)
			}
			f.db.log.Info("signup refused", "err", err) // as the GUI logs a refused action
		}
		// A mistyped ID number is refused; the log line the GUI would write
		// carries the error, which quotes nothing of the input.
		bad := p.id[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", p.id[17])+1)%11])
		_, err := f.pd.Collect(ctx, f.clerk, ledger.CollectRequest{Purpose: ledger.PurposeMember, Values: map[ledger.DataKind]string{ledger.DataResidentID: bad}})
		if ledger.ErrorCode(err) != ledger.EINVALID {
			t.Fatalf("bad ID accepted: %v", err)
		}
		f.db.log.Info("signup refused", "err", err)
	}
	// Look-ups, exports for the person, erasures.
	for i, p := range people[:6] {
		q := p.id
		if i%2 == 1 {
			q = p.mobile
		}
		found, err := f.pd.Find(ctx, f.sup, q)
		if err != nil || len(found) == 0 {
			t.Fatalf("find: %v %v", found, err)
		}
		kind, value, _ := ledger.LookupKind(q)
		masked := ledger.MaskData(kind, value)
		x, err := f.pd.Export(ctx, f.sup, q, f.approve(t, ledger.ExportApproval(f.sup, masked), "admin"))
		if err != nil {
			t.Fatal(err)
		}
		var txt, pdf bytes.Buffer
		if err := receipts.PersonalExportText(&txt, x, nil); err != nil {
			t.Fatal(err)
		}
		if err := receipts.RenderPersonalExportPDF(&pdf, x, nil, font); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(txt.String(), p.name) || !strings.Contains(txt.String(), p.mobile) {
			t.Fatalf("the person's copy lacks their own name and mobile:\n%s", txt.String())
		}
		os.WriteFile(filepath.Join(out, fmt.Sprintf("export-%d.txt", i)), txt.Bytes(), 0o600)
		os.WriteFile(filepath.Join(out, fmt.Sprintf("export-%d.pdf", i)), pdf.Bytes(), 0o600)
		if i < 3 {
			ids := make([]string, len(found))
			for j, rec := range found {
				ids[j] = rec.ID
			}
			if _, err := f.pd.Erase(ctx, f.sup, ids, f.approve(t, ledger.EraseApproval(f.sup, ids), "admin")); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.pd.Close(ctx, f.clerk, records[10].ID); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(31 * 24 * 60 * 60 * 1e9)
	if res, err := f.pd.PurgeScheduled(ctx); err != nil || res.Records != 1 {
		t.Fatalf("purge %+v %v", res, err)
	}
	// Umbrella loans print receipts (the optional mobile shows masked).
	for i := 0; i < 3; i++ {
		lf.mustLend(t, ledger.KindUmbrella, fmt.Sprintf("U-00%d", i+1), fmt.Sprintf("1370000000%d", i))
	}
	jobs, err := lf.queue.Pending(ctx)
	if err != nil || len(jobs) != 3 {
		t.Fatalf("jobs %d %v", len(jobs), err)
	}
	var printed bytes.Buffer
	for _, j := range jobs {
		var doc receipts.Document
		if err := json.Unmarshal(j.Document, &doc); err != nil {
			t.Fatal(err)
		}
		b, err := receipts.EncodeESCPOS(doc, receipts.ESCPOSOptions{})
		if err != nil {
			t.Fatal(err)
		}
		printed.Write(b)
	}
	os.WriteFile(filepath.Join(out, "receipts.bin"), printed.Bytes(), 0o600)
	// The day's ledger PDF and the finance workbook.
	dc := NewDayCloseService(f.db)
	rep, err := dc.Report(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var day, xlsx bytes.Buffer
	if err := receipts.RenderDayPDF(&day, rep, font); err != nil {
		t.Fatal(err)
	}
	if err := receipts.WriteDayXLSX(&xlsx, []receipts.DayReport{rep}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(out, "day.pdf"), day.Bytes(), 0o600)
	os.WriteFile(filepath.Join(out, "day.xlsx"), xlsx.Bytes(), 0o600)

	// Everything the flow left behind, as bytes.
	artefacts := map[string][]byte{}
	read := func(name, path string) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		artefacts[name] = b
	}
	artefacts["database"] = dbDump(t, f.db) // the file and its WAL, or every PostgreSQL table
	if f.db.Engine() == "sqlite" {
		if _, err := os.Stat(f.path + "-wal"); err == nil {
			read("wal", f.path+"-wal")
		}
	}
	read("log", f.logPath)
	if !bytes.Contains(artefacts["log"], []byte("personal data purged")) || !bytes.Contains(artefacts["log"], []byte("身份证号码无效")) {
		t.Fatalf("the log is not the one the store writes:\n%s", artefacts["log"])
	}
	files, _ := filepath.Glob(filepath.Join(out, "*"))
	for _, p := range files {
		read(filepath.Base(p), p)
		switch filepath.Ext(p) {
		case ".pdf":
			artefacts[filepath.Base(p)+" (text)"] = []byte(pdfToText(t, p))
		case ".xlsx":
			zr, err := zip.NewReader(bytes.NewReader(artefacts[filepath.Base(p)]), int64(len(artefacts[filepath.Base(p)])))
			if err != nil {
				t.Fatal(err)
			}
			for _, zf := range zr.File {
				rc, _ := zf.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				artefacts[filepath.Base(p)+"/"+zf.Name] = b
			}
		}
	}
	// The database as it is after the app closes, too.
	if f.db.Engine() == "sqlite" {
		f.db.Close()
		read("database (closed)", f.path)
	}
	if len(artefacts) < 20 {
		t.Fatalf("only %d artefacts", len(artefacts))
	}
	for name, b := range artefacts {
		for _, p := range people {
			for _, needle := range []string{p.id, strings.ToLower(p.id), p.id[:17]} {
				if bytes.Contains(b, []byte(needle)) {
					t.Errorf("resident ID %s found in %s", ledger.MaskResidentID(p.id), name)
				}
			}
			if strings.HasPrefix(name, "database") || name == "wal" || name == "log" {
				for _, needle := range []string{p.mobile, p.name} {
					if bytes.Contains(b, []byte(needle)) {
						t.Errorf("%s readable in %s", ledger.MaskData(ledger.DataMobile, p.mobile), name)
					}
				}
			}
		}
	}
}

// pdfToText extracts a PDF's text with pdftotext (poppler-utils, installed
// by make test), so text inside compressed streams is searched too.
func pdfToText(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not installed (make test installs poppler-utils): PDFs checked as raw bytes only")
		return ""
	}
	b, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	// pdftotext may break a long number across lines or spaces.
	return strings.Join(strings.Fields(string(b)), "")
}

// dbDump returns what an attacker holding the database gets: the SQLite
// file with its WAL, or on PostgreSQL the text of every row of every table
// (bytea as hex, so plaintext shows as plaintext).
func dbDump(t testing.TB, db *DB) []byte {
	t.Helper()
	if db.Engine() == "sqlite" {
		raw, err := os.ReadFile(db.Path())
		if err != nil {
			t.Fatal(err)
		}
		wal, _ := os.ReadFile(db.Path() + "-wal")
		return append(raw, wal...)
	}
	rows, err := db.SQL().Query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	if len(tables) < 5 {
		t.Fatalf("dump found only tables %v", tables)
	}
	var b bytes.Buffer
	for _, name := range tables {
		rs, err := db.SQL().Query(`SELECT t::text FROM "` + name + `" t`)
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var line string
			rs.Scan(&line)
			b.WriteString(line + "\n")
		}
		rs.Close()
	}
	return b.Bytes()
}
