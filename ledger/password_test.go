package ledger

import (
	"crypto/rand"
	"strings"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("counter2026", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash params: %s", h)
	}
	h2, _ := HashPassword("counter2026", rand.Reader)
	if h == h2 {
		t.Fatal("same salt twice")
	}
	if !CheckPassword("counter2026", h) || CheckPassword("counter2027", h) || CheckPassword("counter2026", "garbage") {
		t.Fatal("check")
	}
}
