package ledger

import (
	"strconv"
	"strings"
)

// AnchorHexLen is how much of the hash a printed anchor shows.
const AnchorHexLen = 16

// JournalAnchor pins the journal from outside the database: an entry's sequence
// number and the start of its hash, printed on the day-close PDF beside
// the signatures. A database whose entry Seq does not have that hash was
// rewritten (or cut short) after the paper was signed; servicedesk verify
// --anchor checks it.
type JournalAnchor struct {
	Seq        int64
	HashPrefix string // lowercase hex, at least 8 characters
}

// NewJournalAnchor is the printed anchor of entry e.
func NewJournalAnchor(e Entry) JournalAnchor {
	p := e.Hash
	if len(p) > AnchorHexLen {
		p = p[:AnchorHexLen]
	}
	return JournalAnchor{Seq: e.Seq, HashPrefix: p}
}

// String is the anchor as printed and typed: SEQ:HASHPREFIX.
func (a JournalAnchor) String() string {
	if a.Seq == 0 {
		return ""
	}
	return strconv.FormatInt(a.Seq, 10) + ":" + a.HashPrefix
}

// ParseJournalAnchor reads SEQ:HASHPREFIX (8 to 64 hex digits, any case; spaces
// ignored, as typed from paper).
func ParseJournalAnchor(s string) (JournalAnchor, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	bad := Errorf(EINVALID, "链头格式不正确：%s（例：1234:0f3a9b2c4d5e6f70）", Quote(s))
	seqText, prefix, ok := strings.Cut(s, ":")
	if !ok {
		return JournalAnchor{}, bad
	}
	seq, err := strconv.ParseInt(seqText, 10, 64)
	if err != nil || seq < 1 {
		return JournalAnchor{}, bad
	}
	prefix = strings.ToLower(prefix)
	if len(prefix) < 8 || len(prefix) > 64 || strings.Trim(prefix, "0123456789abcdef") != "" {
		return JournalAnchor{}, bad
	}
	return JournalAnchor{Seq: seq, HashPrefix: prefix}, nil
}

// Matches reports whether entry e is the anchored one.
func (a JournalAnchor) Matches(e Entry) bool {
	return e.Seq == a.Seq && strings.HasPrefix(e.Hash, a.HashPrefix)
}
