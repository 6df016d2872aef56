package app

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // photos may come as GIF
	"image/jpeg"
	_ "image/png" // or PNG
	"io"
	"os"

	"golang.org/x/image/draw"

	"servicedesk/ledger"
)

// maxPhotoFile is the largest photo file read from disk (a phone photo).
const maxPhotoFile = 30 << 20

// photoSide is the longer side a found item's photo is shrunk to.
const photoSide = 480

// loadPhoto reads an image file (JPEG, PNG or GIF) and shrinks it to a
// small JPEG that ledger.CheckPhoto accepts: at most photoSide pixels on
// the longer side, re-encoded until it is under ledger.MaxPhotoBytes.
func loadPhoto(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, ledger.Errorf(ledger.EINVALID, "无法打开照片文件")
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxPhotoFile+1))
	if err != nil || len(raw) > maxPhotoFile {
		return nil, ledger.Errorf(ledger.EINVALID, "照片文件太大或无法读取")
	}
	return shrinkPhoto(raw)
}

// shrinkPhoto decodes an image and re-encodes it small.
func shrinkPhoto(raw []byte) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil || cfg.Width < 1 || cfg.Height < 1 || cfg.Width*cfg.Height > 80_000_000 {
		return nil, ledger.Errorf(ledger.EINVALID, "照片须为 JPEG、PNG 或 GIF 图片")
	}
	src, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, ledger.Errorf(ledger.EINVALID, "照片须为 JPEG、PNG 或 GIF 图片")
	}
	for side, quality := photoSide, 75; side >= 80; side, quality = side*3/4, max(40, quality-10) {
		b := src.Bounds()
		w, h := b.Dx(), b.Dy()
		if w > side || h > side {
			if w >= h {
				w, h = side, max(1, h*side/b.Dx())
			} else {
				w, h = max(1, w*side/b.Dy()), side
			}
		}
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
		var out bytes.Buffer
		if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: quality}); err != nil {
			return nil, fmt.Errorf("encode photo: %w", err)
		}
		if out.Len() <= ledger.MaxPhotoBytes {
			return out.Bytes(), nil
		}
	}
	return nil, ledger.Errorf(ledger.EINVALID, "照片无法压缩到 %d KB 以内", ledger.MaxPhotoBytes>>10)
}
