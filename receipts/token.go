package receipts

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"io"
	"strconv"
	"strings"

	"servicedesk/ledger"
)

// Token kinds: one short uppercase code per record type a QR receipt can
// open. New ledgers add a constant here; the code is part of the signed text.
const (
	KindUmbrella  = "U" // 爱心雨伞借用
	KindStroller  = "S" // 爱心童车借用
	KindMedicine  = "M" // 应急药品领用
	KindLostFound = "L" // 失物登记认领
	KindPointCard = "P" // 积分卡
	KindInvoice   = "I" // 代开发票
)

// TokenPrefix starts every token; the digit is the token format version.
const TokenPrefix = "SD1"

// KeySize is the minimum length in bytes of a Signer key.
const KeySize = 32

// macBytes is the number of HMAC-SHA256 bytes kept in a token (80 bits).
const macBytes = 10

// macEncoding is RFC 4648 base32 without padding: A–Z and 2–7 only, so
// every character survives a keyboard-wedge scanner and QR alphanumeric mode.
var macEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Signer signs and verifies the short tokens printed in receipt QR codes.
// Key is the per-install secret (at least KeySize bytes, see NewKey); it is
// never printed and never leaves the counter's database.
type Signer struct {
	Key []byte
}

// NewKey reads a fresh KeySize-byte secret from rand (crypto/rand.Reader in
// production, a fixed reader in tests).
func NewKey(rand io.Reader) ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := io.ReadFull(rand, key); err != nil {
		return nil, fmt.Errorf("read token key: %w", err)
	}
	return key, nil
}

// Sign returns the token for record id of the given kind, for example
// "SD1.U.12345.ABCDEFGHIJKLMNOP": uppercase letters, digits and dots only.
// kind must be 1–3 uppercase ASCII letters (use the Kind constants) and id
// must be positive; Sign panics on a programming error such as a bad kind or
// a key shorter than KeySize, so a weak token is never printed.
func (s Signer) Sign(kind string, id int64) string {
	if len(s.Key) < KeySize {
		panic("receipts: token key shorter than KeySize")
	}
	if !validKind(kind) || id <= 0 {
		panic(fmt.Sprintf("receipts: cannot sign kind %q id %d", kind, id))
	}
	body := TokenPrefix + "." + kind + "." + strconv.FormatInt(id, 10)
	return body + "." + s.mac(body)
}

// Verify checks a scanned or typed token and returns its kind and id.
// Surrounding whitespace (the scanner's Enter) is ignored and lowercase is
// accepted (a scanner typing with Caps Lock on); anything else that is
// altered, truncated, malformed or signed with another key is refused with
// ledger.EINVALID "无效凭证". A key shorter than KeySize is an EINTERNAL error.
func (s Signer) Verify(token string) (kind string, id int64, err error) {
	if len(s.Key) < KeySize {
		return "", 0, ledger.Errorf(ledger.EINTERNAL, "凭证密钥未配置")
	}
	invalid := ledger.Errorf(ledger.EINVALID, "无效凭证")
	token = strings.ToUpper(strings.TrimSpace(token))
	if len(token) > 64 {
		return "", 0, invalid
	}
	parts := strings.Split(token, ".")
	if len(parts) != 4 || parts[0] != TokenPrefix || !validKind(parts[1]) {
		return "", 0, invalid
	}
	id, ok := parseID(parts[2])
	if !ok {
		return "", 0, invalid
	}
	body := parts[0] + "." + parts[1] + "." + parts[2]
	if !hmac.Equal([]byte(parts[3]), []byte(s.mac(body))) {
		return "", 0, invalid
	}
	return parts[1], id, nil
}

// mac returns the truncated, base32-encoded HMAC-SHA256 of body.
func (s Signer) mac(body string) string {
	h := hmac.New(sha256.New, s.Key)
	h.Write([]byte(body))
	return macEncoding.EncodeToString(h.Sum(nil)[:macBytes])
}

// validKind reports whether k is 1–3 uppercase ASCII letters.
func validKind(k string) bool {
	if len(k) < 1 || len(k) > 3 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 'A' || k[i] > 'Z' {
			return false
		}
	}
	return true
}

// parseID parses a canonical positive decimal id: digits only, no sign and
// no leading zero, so every id has exactly one signed spelling.
func parseID(s string) (int64, bool) {
	if s == "" || len(s) > 19 || s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}
