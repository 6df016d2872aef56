package receipts

import (
	"bytes"
	"errors"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// umbrellaReceipt is a realistic umbrella-loan deposit card.
func umbrellaReceipt() Document {
	return Document{
		Lines: []Line{
			{Text: "星光购物中心", Bold: true, Double: true, Align: Center},
			{Text: "总服务台 · 爱心雨伞借用凭证", Align: Center},
			{Text: "服务台: 北门1号台"},
			{Text: "经办: 王丽 (工号 0107)"},
			{Text: "时间: 2025-07-14 15:42"},
			{Text: "伞号: U-0231", Bold: true},
			{Text: "押金", Amount: "¥50.00", Bold: true},
			{Text: "归还时请出示本凭证，雨伞完好全额退还押金；"},
			{Text: "损坏按价赔偿，遗失押金不退。"},
		},
		QR:        "SD1.U.000231.Zk3pQ8vX2mN7bL4cR9tW",
		QRCaption: "凭证号 U-000231",
	}
}

func TestEncodeESCPOSUmbrellaNative(t *testing.T) {
	b, err := EncodeESCPOS(umbrellaReceipt(), ESCPOSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte{0x1b, '@', 0x1c, '&'}) {
		t.Fatalf("stream must start with ESC @ FS &, got % x", b[:4])
	}
	if !bytes.HasSuffix(b, []byte{0x1d, 'V', 1}) {
		t.Fatalf("stream must end with GS V cut, got % x", b[len(b)-3:])
	}
	d, err := DecodeESCPOS(b)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"星光购物中心",
		"总服务台 · 爱心雨伞借用凭证",
		"服务台: 北门1号台",
		"经办: 王丽 (工号 0107)",
		"时间: 2025-07-14 15:42",
		"伞号: U-0231",
		"押金" + strings.Repeat(" ", 32-4-7) + "￥50.00",
		"归还时请出示本凭证，", // 42 columns: wrapped to the 32-column paper
		"雨伞完好全额退还押金；",
		"损坏按价赔偿，遗失押金不退。",
		"",
		"凭证号 U-000231",
	}
	got := d.Texts()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("decoded lines:\n%q\nwant:\n%q", got, want)
	}
	if !d.Lines[0].Bold || !d.Lines[0].Double || d.Lines[0].Align != Center {
		t.Errorf("heading style = %+v", d.Lines[0])
	}
	if d.Lines[2].Bold || d.Lines[2].Double || d.Lines[2].Align != Left {
		t.Errorf("body style = %+v", d.Lines[2])
	}
	if !d.Lines[6].Bold {
		t.Errorf("deposit line must be bold")
	}
	if len(d.QRs) != 1 || d.QR() != umbrellaReceipt().QR || d.QRs[0].EC != 'M' || d.QRs[0].Module != 6 {
		t.Fatalf("QR = %+v", d.QRs)
	}
	if !d.Cut || !d.Init || !d.Chinese || len(d.Rasters) != 0 {
		t.Fatalf("cut=%v init=%v chinese=%v rasters=%d", d.Cut, d.Init, d.Chinese, len(d.Rasters))
	}
	if TextColumns(want[6]) != 32 {
		t.Fatalf("amount line is %d columns, want 32", TextColumns(want[6]))
	}
}

func TestEncodeESCPOSWidth80AndDouble(t *testing.T) {
	doc := Document{Lines: []Line{
		{Text: "合计", Amount: "￥1,250.00"},
		{Text: "押金", Amount: "￥50.00", Double: true},
	}}
	b, err := EncodeESCPOS(doc, ESCPOSOptions{Width: Width80mm})
	if err != nil {
		t.Fatal(err)
	}
	d, err := DecodeESCPOS(b)
	if err != nil {
		t.Fatal(err)
	}
	if c := TextColumns(d.Lines[0].Text); c != 48 {
		t.Errorf("80mm amount line %q is %d columns, want 48", d.Lines[0].Text, c)
	}
	if c := TextColumns(d.Lines[1].Text); c != 24 || !d.Lines[1].Double {
		t.Errorf("double amount line %q is %d columns, want 24", d.Lines[1].Text, c)
	}
}

func TestEncodeESCPOSAmountOverflowWraps(t *testing.T) {
	long := "一二三四五六七八九十一二三四"
	b, err := EncodeESCPOS(Document{Lines: []Line{{Text: long, Amount: "￥50.00"}}}, ESCPOSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := DecodeESCPOS(b)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{long, strings.Repeat(" ", 32-7) + "￥50.00"}
	if strings.Join(d.Texts(), "|") != strings.Join(want, "|") {
		t.Fatalf("got %q want %q", d.Texts(), want)
	}
}

func TestEncodeESCPOSReplacesUnprintable(t *testing.T) {
	in := "伞😀𠀀\u0080x\x1b@\t¥5"
	b, err := EncodeESCPOS(Document{Lines: []Line{{Text: in}}}, ESCPOSOptions{NoCut: true})
	if err != nil {
		t.Fatal(err)
	}
	// Every high byte must start a valid two-byte pair: no four-byte codes.
	body := b[4 : len(b)-3]
	for i := 0; i < len(body); i++ {
		if body[i] >= 0x80 {
			if i+1 >= len(body) || !isGB2(body[i], body[i+1]) || body[i+1] >= 0x30 && body[i+1] <= 0x39 {
				t.Fatalf("broken sequence at %d: % x", i, body)
			}
			i++
		}
	}
	d, err := DecodeESCPOS(b)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Texts()[0], "伞???x?@ ￥5"; got != want {
		t.Fatalf("printed %q, want %q", got, want)
	}
	if PrintableText(in) != "伞???x?@ ￥5" {
		t.Fatalf("PrintableText = %q", PrintableText(in))
	}
	if d.Cut {
		t.Fatal("NoCut must leave out GS V")
	}
}

func TestEncodeESCPOSCopyBanner(t *testing.T) {
	doc := umbrellaReceipt()
	doc.Copy = true
	b, err := EncodeESCPOS(doc, ESCPOSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := DecodeESCPOS(b)
	if err != nil {
		t.Fatal(err)
	}
	if d.Lines[0].Text != CopyBanner || !d.Lines[0].Bold || d.Lines[0].Align != Center {
		t.Fatalf("first line %+v, want the bold centred copy banner", d.Lines[0])
	}
	if d.Lines[1].Text != "星光购物中心" {
		t.Fatalf("second line %q", d.Lines[1].Text)
	}
}

func TestEncodeESCPOSOptionErrors(t *testing.T) {
	for _, opt := range []ESCPOSOptions{{Width: 8}, {QRModule: 17}, {FeedLines: 300}} {
		if _, err := EncodeESCPOS(umbrellaReceipt(), opt); err == nil {
			t.Errorf("%+v: want error", opt)
		}
	}
	_, err := EncodeESCPOS(Document{QR: strings.Repeat("x", maxQRPayload+1)}, ESCPOSOptions{})
	if !errors.Is(err, ErrQRTooLong) {
		t.Errorf("long QR: err = %v", err)
	}
}

func TestDecodeESCPOSErrors(t *testing.T) {
	cases := map[string][]byte{
		"truncated gs(k":   {0x1d, '(', 'k', 10, 0, 49},
		"truncated raster": {0x1d, 'v', '0', 0, 2, 0, 2, 0, 0xff},
		"unknown esc":      {0x1b, 0x99},
		"half gb pair":     {0xd3},
		"bad gb pair":      {0xd3, 0x30},
	}
	for name, b := range cases {
		if _, err := DecodeESCPOS(b); err == nil {
			t.Errorf("%s: want error", name)
		}
	}
	if _, err := DecodeESCPOS([]byte{0x1d, '(', 'k', 1}); !errors.Is(err, ErrTruncated) {
		t.Errorf("want ErrTruncated, got %v", err)
	}
}

func TestEncodeESCPOSRasterQRScans(t *testing.T) {
	doc := umbrellaReceipt()
	b, err := EncodeESCPOS(doc, ESCPOSOptions{RasterQR: true, QRModule: 4})
	if err != nil {
		t.Fatal(err)
	}
	d, err := DecodeESCPOS(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.QRs) != 0 || len(d.Rasters) != 1 || !d.Cut {
		t.Fatalf("qrs=%d rasters=%d cut=%v", len(d.QRs), len(d.Rasters), d.Cut)
	}
	if d.Texts()[len(d.Lines)-1] != doc.QRCaption {
		t.Fatalf("caption missing: %q", d.Texts())
	}
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg not installed")
	}
	path := filepath.Join(t.TempDir(), "qr.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, d.Rasters[0].Image()); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(zbar, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != doc.QR {
		t.Fatalf("zbarimg read %q, want %q", got, doc.QR)
	}
}
