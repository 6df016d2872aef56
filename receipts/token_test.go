package receipts

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"servicedesk/ledger"
)

// testSigner returns a Signer with a fixed key.
func testSigner() Signer {
	key, err := NewKey(bytes.NewReader(bytes.Repeat([]byte{7}, KeySize)))
	if err != nil {
		panic(err)
	}
	return Signer{Key: key}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	s := testSigner()
	for _, c := range []struct {
		kind string
		id   int64
	}{{KindUmbrella, 1}, {KindStroller, 12345}, {KindInvoice, 1<<63 - 1}, {"ABC", 42}} {
		tok := s.Sign(c.kind, c.id)
		for _, r := range tok {
			if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.') {
				t.Fatalf("token %q has non scanner-friendly rune %q", tok, r)
			}
		}
		kind, id, err := s.Verify(tok)
		if err != nil || kind != c.kind || id != c.id {
			t.Fatalf("Verify(%q) = %q, %d, %v; want %q, %d", tok, kind, id, err, c.kind, c.id)
		}
		// Scanner suffix and Caps Lock are tolerated.
		if _, _, err := s.Verify(" " + strings.ToLower(tok) + "\r\n"); err != nil {
			t.Fatalf("lowercase/whitespace token refused: %v", err)
		}
	}
	if got := s.Sign(KindUmbrella, 12345); !strings.HasPrefix(got, "SD1.U.12345.") || len(got) != len("SD1.U.12345.")+16 {
		t.Fatalf("unexpected token shape %q", got)
	}
}

func TestVerifyRefuses(t *testing.T) {
	s := testSigner()
	good := s.Sign(KindUmbrella, 12345)
	other := Signer{Key: bytes.Repeat([]byte{8}, KeySize)}
	mac := good[strings.LastIndex(good, ".")+1:]
	cases := map[string]string{
		"empty":       "",
		"truncated":   good[:len(good)-1],
		"no mac":      "SD1.U.12345",
		"foreign key": other.Sign(KindUmbrella, 12345),
		"other id":    "SD1.U.12346." + mac,
		"other kind":  "SD1.S.12345." + mac,
		"leading 0":   "SD1.U.012345." + mac,
		"sign":        "SD1.U.+12345." + mac,
		"version":     "SD2.U.12345." + mac,
		"extra part":  good + ".X",
		"zero id":     "SD1.U.0." + mac,
		"long":        good + strings.Repeat("A", 100),
		"unicode":     strings.Replace(good, "U", "Ｕ", 1),
		"inner space": strings.Replace(good, ".", ". ", 1),
	}
	for name, tok := range cases {
		_, _, err := s.Verify(tok)
		if ledger.ErrorCode(err) != ledger.EINVALID || ledger.ErrorMessage(err) != "无效凭证" {
			t.Errorf("%s: Verify(%q) err = %v; want EINVALID 无效凭证", name, tok, err)
		}
	}
}

func TestShortKey(t *testing.T) {
	_, _, err := Signer{Key: []byte("short")}.Verify("SD1.U.1.AAAAAAAAAAAAAAAA")
	if ledger.ErrorCode(err) != ledger.EINTERNAL {
		t.Fatalf("short key: err = %v; want EINTERNAL", err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Sign with a short key did not panic")
		}
	}()
	Signer{Key: []byte("short")}.Sign(KindUmbrella, 1)
}

func TestNewKeyShortRead(t *testing.T) {
	if _, err := NewKey(bytes.NewReader([]byte{1, 2, 3})); err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("NewKey on a short reader: err = %v", err)
	}
}

// FuzzVerifyToken checks that Verify never panics, that whatever it accepts
// is exactly what Sign produces, and that a valid token with any single
// character changed (other than a case flip, which scanners produce with Caps
// Lock on) is refused.
func FuzzVerifyToken(f *testing.F) {
	s := testSigner()
	f.Add(s.Sign(KindUmbrella, 12345), int64(12345), uint(3), byte('X'))
	f.Add("SD1.S.1.AAAAAAAAAAAAAAAA", int64(1), uint(0), byte('.'))
	f.Add("", int64(-5), uint(100), byte(0))
	f.Fuzz(func(t *testing.T, tok string, id int64, pos uint, repl byte) {
		if kind, got, err := s.Verify(tok); err == nil {
			if want := s.Sign(kind, got); want != strings.ToUpper(strings.TrimSpace(tok)) {
				t.Fatalf("Verify accepted %q, which Sign spells %q", tok, want)
			}
		}
		if id <= 0 {
			return
		}
		good := s.Sign(KindUmbrella, id)
		if _, got, err := s.Verify(good); err != nil || got != id {
			t.Fatalf("valid token %q refused: %v", good, err)
		}
		i := int(pos % uint(len(good)))
		if strings.EqualFold(string(good[i]), string(repl)) {
			return
		}
		bad := good[:i] + string(repl) + good[i+1:]
		if _, _, err := s.Verify(bad); err == nil {
			t.Fatalf("altered token %q (from %q) accepted", bad, good)
		}
	})
}
