package app

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"servicedesk/ledger"
)

// noisyPNG is a w×h PNG that compresses badly (a phone photo's worst case).
func noisyPNG(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	x := uint32(1)
	for i := range img.Pix {
		x = x*1664525 + 1013904223
		img.Pix[i] = byte(x >> 24)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A found item's photo comes from a file: a large noisy PNG is shrunk to a
// small JPEG the ledger accepts, stored with the item and shown on its
// card; a file that is not an image is refused and nothing is registered.
func TestLostFoundPhotoFromFile(t *testing.T) {
	h := newHarness(t, true)
	h.mustShell("li")
	s := h.lostFound()
	dir := t.TempDir()
	big := filepath.Join(dir, "手机照片.png")
	if err := os.WriteFile(big, noisyPNG(t, 2000, 1500), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "notes.jpg")
	os.WriteFile(bad, []byte("not an image at all"), 0o644)

	s.tabs.SelectIndex(0)
	s.regPhoto.SetText(bad)
	s.regCat.SetSelected("钱包")
	test.Type(s.regDesc, "棕色皮夹")
	test.Type(s.regPlace, "一楼")
	test.Type(s.regFinder, "顾客")
	test.Type(s.regStorage, "A柜-2")
	test.Tap(s.register)
	if !strings.Contains(h.ui.LastError(), "照片须为 JPEG、PNG 或 GIF 图片") || s.confirm != nil {
		t.Fatalf("bad photo: %q", h.ui.LastError())
	}
	if _, n, _ := h.svc.LostFound.Search(h.ui.ctx, ledger.FoundSearch{}); n != 0 {
		t.Fatalf("%d items registered with a bad photo", n)
	}
	h.ui.closeMessage()
	for _, e := range []*keyEntry{s.regDesc, s.regPlace, s.regFinder, s.regStorage} {
		e.SetText("") // the form keeps what was typed after a refusal
	}
	s.regPhoto.SetText(big)
	f := h.registerThroughScreen(s, "钱包", "棕色皮夹", "09:00", "一楼", "A柜-2")
	if !f.HasPhoto {
		t.Fatalf("no photo kept: %+v", f)
	}
	b, err := h.svc.LostFound.Photo(h.ui.ctx, f.ID)
	if err != nil || ledger.CheckPhoto(b) != nil {
		t.Fatalf("stored photo %d bytes: %v %v", len(b), err, ledger.CheckPhoto(b))
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width != photoSide || cfg.Height != photoSide*1500/2000 || len(b) > ledger.MaxPhotoBytes {
		t.Fatalf("photo %dx%d, %d bytes: %v", cfg.Width, cfg.Height, len(b), err)
	}
	if !s.photo.Visible() || s.photo.Resource == nil || !bytes.Equal(s.photo.Resource.Content(), b) {
		t.Fatal("photo not shown on the item card")
	}
	if s.regPhoto.Text != "" {
		t.Fatalf("photo field kept %q", s.regPhoto.Text)
	}
}

func FuzzShrinkPhoto(f *testing.F) {
	var j bytes.Buffer
	g := image.NewGray(image.Rect(0, 0, 30, 20))
	g.Set(3, 3, color.White)
	jpeg.Encode(&j, g, nil)
	f.Add(j.Bytes())
	f.Add(noisyPNG(f, 12, 900))
	f.Add([]byte("GIF89a\x01\x00\x01\x00"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		out, err := shrinkPhoto(raw)
		if err != nil {
			if ledger.ErrorCode(err) != ledger.EINVALID {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		if err := ledger.CheckPhoto(out); err != nil {
			t.Fatalf("shrunk photo refused by the ledger: %v", err)
		}
	})
}
