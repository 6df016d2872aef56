package ledger

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func mustKeys(t *testing.T) *PersonalKeys {
	t.Helper()
	k, err := NewPersonalKeys(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpen(t *testing.T) {
	k := mustKeys(t)
	s1, err := k.Seal(rand.Reader, "PAAAA", DataMobile, "13812345678")
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := k.Seal(rand.Reader, "PAAAA", DataMobile, "13812345678")
	if bytes.Equal(s1, s2) {
		t.Error("same value sealed twice gives the same bytes (nonce reuse)")
	}
	if bytes.Contains(s1, []byte("13812345678")) {
		t.Error("plaintext in the sealed value")
	}
	if v, err := k.Open("PAAAA", DataMobile, s1); err != nil || v != "13812345678" {
		t.Fatalf("open = %q, %v", v, err)
	}
	// Bound to its record and kind: copied into another row it does not open.
	if _, err := k.Open("PBBBB", DataMobile, s1); err == nil {
		t.Error("opened under another record id")
	}
	if _, err := k.Open("PAAAA", DataName, s1); err == nil {
		t.Error("opened as another kind")
	}
	bad := bytes.Clone(s1)
	bad[len(bad)-1] ^= 1
	if _, err := k.Open("PAAAA", DataMobile, bad); err == nil {
		t.Error("altered ciphertext opened")
	}
	if _, err := mustKeys(t).Open("PAAAA", DataMobile, s1); err == nil {
		t.Error("opened with another key")
	}
	for _, short := range [][]byte{nil, {1}, s1[:20]} {
		if _, err := k.Open("PAAAA", DataMobile, short); err == nil {
			t.Errorf("opened %d bytes", len(short))
		}
	}
}

func TestIndex(t *testing.T) {
	k1, k2 := mustKeys(t), mustKeys(t)
	a := k1.Index(DataMobile, "13812345678")
	if len(a) != 32 || !bytes.Equal(a, k1.Index(DataMobile, "13812345678")) {
		t.Fatal("index not a stable 32-byte hash")
	}
	if bytes.Equal(a, k2.Index(DataMobile, "13812345678")) {
		t.Error("index does not depend on the key")
	}
	if bytes.Equal(a, k1.Index(DataMobile, "13812345679")) {
		t.Error("different numbers, same index")
	}
	// The mobile and ID hashes use different keys.
	if bytes.Equal(k1.Index(DataResidentID, "x"), k1.Index(DataMobile, "x")) {
		t.Error("one key for both indexes")
	}
	if k1.Index(DataName, "张三") != nil || k1.Index(DataHealth, "x") != nil {
		t.Error("names and health notes must not be indexed")
	}
}

func TestKeysFileRoundTrip(t *testing.T) {
	k := mustKeys(t)
	data := MarshalPersonalKeys(k, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC))
	back, err := ParsePersonalKeys(data)
	if err != nil || back.ID() != k.ID() {
		t.Fatalf("parse: %v", err)
	}
	sealed, _ := k.Seal(rand.Reader, "P1", DataName, "张三")
	if v, err := back.Open("P1", DataName, sealed); err != nil || v != "张三" {
		t.Fatalf("reloaded keys do not open: %v", err)
	}
	// The fingerprint covers the keys: an edited key or id is refused.
	for _, edit := range []func(string) string{
		func(s string) string {
			return strings.Replace(s, `"key_id": "`+k.ID(), `"key_id": "0000000000000000`, 1)
		},
		func(s string) string {
			i := strings.Index(s, `"seal_key": "`) + len(`"seal_key": "`)
			c := byte('A')
			if s[i] == 'A' {
				c = 'B'
			}
			return s[:i] + string(c) + s[i+1:]
		},
		func(s string) string { return strings.Replace(s, keysFormat, "servicedesk-personal-keys/9", 1) },
		func(s string) string { return s[:len(s)/2] },
	} {
		if _, err := ParsePersonalKeys([]byte(edit(string(data)))); err == nil {
			t.Error("edited keys file accepted")
		}
	}
}

func TestCreatePersonalKeysFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "servicedesk.keys")
	k, err := CreatePersonalKeysFile(path, rand.Reader, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("keys file mode %v; want 0600", st.Mode().Perm())
	}
	if _, err := CreatePersonalKeysFile(path, rand.Reader, time.Now()); err == nil {
		t.Fatal("an existing keys file was replaced")
	}
	got, err := LoadPersonalKeys(path)
	if err != nil || got.ID() != k.ID() {
		t.Fatalf("load: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "sub", ".keys-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if runtime.GOOS != "windows" {
		os.Chmod(path, 0o644)
		if _, err := LoadPersonalKeys(path); err != nil {
			t.Fatal(err)
		}
		if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
			t.Errorf("world-readable keys file not narrowed: %v", st.Mode().Perm())
		}
	}
	if _, err := LoadPersonalKeys(filepath.Join(dir, "none.keys")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// FuzzParsePersonalKeys checks that any keys file bytes are parsed or
// refused without a panic, and that what parses round-trips.
func FuzzParsePersonalKeys(f *testing.F) {
	k, _ := NewPersonalKeys(bytes.NewReader(bytes.Repeat([]byte{7}, 96)))
	f.Add(MarshalPersonalKeys(k, time.Unix(0, 0)))
	f.Add([]byte(`{"format":"servicedesk-personal-keys/1"}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParsePersonalKeys(data)
		if err != nil {
			return
		}
		back, err := ParsePersonalKeys(MarshalPersonalKeys(k, time.Unix(0, 0)))
		if err != nil || back.ID() != k.ID() {
			t.Fatalf("round trip: %v", err)
		}
	})
}
