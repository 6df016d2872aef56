package receipts

import (
	"fmt"
	"image"
	"image/color"

	qrcode "github.com/skip2/go-qrcode"
)

// RasterImage is a 1-bit bitmap as sent by GS v 0: rows of WidthBytes
// bytes, most significant bit leftmost, 1 = black dot.
type RasterImage struct {
	WidthBytes int
	Height     int
	Bits       []byte
}

// Image returns the bitmap as a grayscale image (for PNG dumps and
// decoding with a barcode reader).
func (r RasterImage) Image() image.Image {
	img := image.NewGray(image.Rect(0, 0, r.WidthBytes*8, r.Height))
	for y := 0; y < r.Height; y++ {
		for x := 0; x < r.WidthBytes*8; x++ {
			c := color.Gray{Y: 0xff}
			if r.Bits[y*r.WidthBytes+x/8]&(0x80>>(x%8)) != 0 {
				c.Y = 0
			}
			img.SetGray(x, y, c)
		}
	}
	return img
}

// rasterQR renders payload as a QR code (EC level M, quiet zone of four
// modules) scaled to module dots per module.
func rasterQR(payload string, module int) (RasterImage, error) {
	q, err := qrcode.New(payload, qrcode.Medium)
	if err != nil {
		return RasterImage{}, fmt.Errorf("qr encode: %w", err)
	}
	bm := q.Bitmap()
	side := len(bm) * module
	r := RasterImage{WidthBytes: (side + 7) / 8, Height: side}
	r.Bits = make([]byte, r.WidthBytes*r.Height)
	for y := 0; y < side; y++ {
		row := bm[y/module]
		for x := 0; x < side; x++ {
			if row[x/module] {
				r.Bits[y*r.WidthBytes+x/8] |= 0x80 >> (x % 8)
			}
		}
	}
	return r, nil
}

// appendGSv0 appends the GS v 0 raster command (normal density).
func (r RasterImage) appendGSv0(dst []byte) []byte {
	dst = append(dst, gsByte, 'v', '0', 0,
		byte(r.WidthBytes), byte(r.WidthBytes>>8), byte(r.Height), byte(r.Height>>8))
	return append(dst, r.Bits...)
}
