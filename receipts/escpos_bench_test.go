package receipts

import (
	"testing"
	"time"
)

// wireTime9600 is the time a stream takes on a 9600 baud 8N1 line
// (10 bits per byte).
func wireTime9600(n int) time.Duration {
	return time.Duration(n) * 10 * time.Second / 9600
}

// BenchmarkEncodeUmbrellaReceipt compares the native GS ( k QR with the
// raster GS v 0 fallback; it reports bytes on the wire and the wire time
// at 9600 baud 8N1.
func BenchmarkEncodeUmbrellaReceipt(b *testing.B) {
	for _, bc := range []struct {
		name string
		opt  ESCPOSOptions
	}{
		{"native", ESCPOSOptions{}},
		{"raster", ESCPOSOptions{RasterQR: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			doc := umbrellaReceipt()
			var n int
			for b.Loop() {
				out, err := EncodeESCPOS(doc, bc.opt)
				if err != nil {
					b.Fatal(err)
				}
				n = len(out)
			}
			b.ReportMetric(float64(n), "wire-bytes")
			b.ReportMetric(float64(wireTime9600(n).Milliseconds()), "wire-ms@9600")
		})
	}
}

func TestWireTimeTable(t *testing.T) {
	for _, raster := range []bool{false, true} {
		out, err := EncodeESCPOS(umbrellaReceipt(), ESCPOSOptions{RasterQR: raster})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("raster=%v bytes=%d wire@9600=%v", raster, len(out), wireTime9600(len(out)))
	}
	if got := wireTime9600(960); got != time.Second {
		t.Fatalf("960 bytes at 9600 8N1 = %v, want 1s", got)
	}
}
