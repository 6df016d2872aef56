package ledger

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// PersonalKeys are the personal-data store's own keys, kept in a keys file
// in the data folder and never in the database: a database copied without
// them shows masked values only, and its keyed hashes cannot be tested
// against guessed numbers. Each key has one job:
//
//	seal    AES-256-GCM for names, mobiles, health notes and descriptions
//	mobile  HMAC-SHA256 blind index of mobile numbers (lookup by mobile)
//	id      HMAC-SHA256 of resident ID numbers (one member per ID, duplicates)
//
// None of them is the QR token key.
type PersonalKeys struct {
	id     string
	seal   []byte
	mobile []byte
	idHash []byte
	aead   cipher.AEAD
}

// keysFormat names the keys file format.
const keysFormat = "servicedesk-personal-keys/1"

// keysFile is the keys file's JSON.
type keysFile struct {
	Format  string `json:"format"`
	KeyID   string `json:"key_id"`
	Created string `json:"created"`
	Note    string `json:"note"`
	Seal    string `json:"seal_key"`
	Mobile  string `json:"mobile_index_key"`
	IDHash  string `json:"id_hash_key"`
}

// sealVersion prefixes every sealed value (AES-256-GCM, 12-byte nonce).
const sealVersion byte = 1

// NewPersonalKeys makes three fresh 256-bit keys from rand.
func NewPersonalKeys(rand io.Reader) (*PersonalKeys, error) {
	b := make([]byte, 96)
	if _, err := io.ReadFull(rand, b); err != nil {
		return nil, fmt.Errorf("personal keys: %w", err)
	}
	return newKeys(b[:32], b[32:64], b[64:])
}

// newKeys builds the key set and its fingerprint.
func newKeys(seal, mobile, idHash []byte) (*PersonalKeys, error) {
	block, err := aes.NewCipher(seal)
	if err != nil {
		return nil, fmt.Errorf("personal keys: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("personal keys: %w", err)
	}
	h := sha256.New()
	h.Write([]byte(keysFormat + "\x00fingerprint\x00"))
	h.Write(seal)
	h.Write(mobile)
	h.Write(idHash)
	return &PersonalKeys{id: hex.EncodeToString(h.Sum(nil)[:8]), seal: seal, mobile: mobile, idHash: idHash, aead: aead}, nil
}

// ID is the keys' fingerprint (16 hex digits). The database records it, so
// a desk with another mall's or a regenerated keys file is told so instead
// of failing to decrypt.
func (k *PersonalKeys) ID() string { return k.id }

// Index returns the keyed hash of a normalised value of kind k (mobile or
// resident ID), nil for kinds that are not indexed.
func (k *PersonalKeys) Index(kind DataKind, value string) []byte {
	var key []byte
	switch kind {
	case DataMobile:
		key = k.mobile
	case DataResidentID:
		key = k.idHash
	default:
		return nil
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(string(kind) + "\x00" + value))
	return m.Sum(nil)
}

// sealAAD binds a sealed value to its record and kind, so a value copied
// into another row does not open.
func sealAAD(recordID string, kind DataKind) []byte {
	return []byte("servicedesk/pd/1\x00" + recordID + "\x00" + string(kind))
}

// Seal encrypts a value for record recordID and kind with a fresh nonce.
func (k *PersonalKeys) Seal(rand io.Reader, recordID string, kind DataKind, value string) ([]byte, error) {
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := io.ReadFull(rand, nonce); err != nil {
		return nil, fmt.Errorf("seal nonce: %w", err)
	}
	out := append([]byte{sealVersion}, nonce...)
	return k.aead.Seal(out, nonce, []byte(value), sealAAD(recordID, kind)), nil
}

// Open decrypts a value sealed for recordID and kind. A value from another
// row, another key or altered bytes is refused.
func (k *PersonalKeys) Open(recordID string, kind DataKind, sealed []byte) (string, error) {
	ns := k.aead.NonceSize()
	if len(sealed) < 1+ns+k.aead.Overhead() || sealed[0] != sealVersion {
		return "", errors.New("open sealed value: bad format")
	}
	plain, err := k.aead.Open(nil, sealed[1:1+ns], sealed[1+ns:], sealAAD(recordID, kind))
	if err != nil {
		return "", fmt.Errorf("open sealed value: %w", err)
	}
	return string(plain), nil
}

// MarshalPersonalKeys encodes the keys file.
func MarshalPersonalKeys(k *PersonalKeys, created time.Time) []byte {
	enc := base64.StdEncoding.EncodeToString
	b, _ := json.MarshalIndent(keysFile{
		Format: keysFormat, KeyID: k.id, Created: created.UTC().Format(time.RFC3339),
		Note: "服务台个人信息密钥：请与数据库分开备份，勿外传。Service Desk personal-data keys: back up apart from the database; every desk of a mall uses the same file.",
		Seal: enc(k.seal), Mobile: enc(k.mobile), IDHash: enc(k.idHash),
	}, "", "  ")
	return append(b, '\n')
}

// ParsePersonalKeys decodes a keys file and checks its fingerprint.
func ParsePersonalKeys(data []byte) (*PersonalKeys, error) {
	var f keysFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("keys file: %w", err)
	}
	if f.Format != keysFormat {
		return nil, fmt.Errorf("keys file: unknown format %.40q", f.Format)
	}
	var keys [3][]byte
	for i, s := range []string{f.Seal, f.Mobile, f.IDHash} {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != 32 {
			return nil, fmt.Errorf("keys file: key %d is not 32 bytes of base64", i+1)
		}
		keys[i] = b
	}
	k, err := newKeys(keys[0], keys[1], keys[2])
	if err != nil {
		return nil, err
	}
	if f.KeyID != k.id {
		return nil, errors.New("keys file: fingerprint does not match the keys (file altered?)")
	}
	return k, nil
}

// LoadPersonalKeys reads the keys file at path. A missing file gives an
// error that errors.Is(err, fs.ErrNotExist). On Unix a file readable by
// others is narrowed to 0600.
func LoadPersonalKeys(path string) (*PersonalKeys, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read keys file: %w", err)
	}
	if runtime.GOOS != "windows" {
		if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(path, 0o600); err != nil {
				return nil, fmt.Errorf("keys file permissions: %w", err)
			}
		}
	}
	return ParsePersonalKeys(data)
}

// CreatePersonalKeysFile writes fresh keys to path with mode 0600, never
// replacing an existing file: the data is written to a temporary file,
// synced, and linked into place, so a crash leaves either no keys file or a
// whole one.
func CreatePersonalKeysFile(path string, rand io.Reader, now time.Time) (*PersonalKeys, error) {
	k, err := NewPersonalKeys(rand)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("keys dir: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".keys-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("create keys file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		return nil, fmt.Errorf("keys file permissions: %w", err)
	}
	if _, err := tmp.Write(MarshalPersonalKeys(k, now)); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write keys file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("sync keys file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("close keys file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		return nil, fmt.Errorf("place keys file: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return k, nil
}
