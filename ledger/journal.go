package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
)

// GenesisHash is the previous-hash of the first journal entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one record of the append-only journal. Nothing is edited or
// deleted: a mistake is fixed by a new entry whose Reverses names the original.
type Entry struct {
	Seq      int64           // gapless sequence number, starting at 1
	At       time.Time       // UTC time of the change
	StaffID  int64           // who made the change (0 for the system)
	Kind     string          // what happened, e.g. "umbrella.lend"
	Data     json.RawMessage // the change itself, as JSON
	Reverses int64           // seq of the entry this one reverses, 0 for none
	PrevHash string          // Hash of entry Seq-1 (GenesisHash for the first)
	Hash     string          // SHA-256 over all fields above
}

// ComputeHash returns the SHA-256 (hex) of the entry's content and PrevHash.
// The encoding is length-prefixed so no two different entries collide.
func (e Entry) ComputeHash() string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
		h.Write([]byte{';'})
	}
	field(strconv.FormatInt(e.Seq, 10))
	field(e.At.UTC().Format(time.RFC3339Nano))
	field(strconv.FormatInt(e.StaffID, 10))
	field(e.Kind)
	field(string(e.Data))
	field(strconv.FormatInt(e.Reverses, 10))
	field(e.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}

// VerifyResult is the outcome of verifying the journal: the hash chain,
// the chain head kept beside it (a cut-off end shows there), and the state
// tables replayed from the journal.
type VerifyResult struct {
	OK       bool
	Count    int64  // entries checked
	LastHash string // hash of the last good entry
	BadSeq   int64  // first broken sequence number when the chain is broken
	Reason   string // why the first bad place is bad
	// Where names the first bad place when it is not a broken entry: the
	// chain head ("journal_head") or a state row ("loans id 12").
	Where string
	// Problems lists what was found wrong, first first (at most a few
	// dozen); Reason is Problems[0].
	Problems []string
	// State is what the journal says the current state is, when the
	// state tables were checked against it.
	State *StateSummary
}

// StateSummary is the current state as replayed from the journal.
type StateSummary struct {
	Items        int // numbered items
	OpenLoans    int // loans not closed
	DepositsHeld Fen // deposits of the open loans
	Loans        int // loans ever
	ClosedDays   int // business days closed
	Approvals    int // approvals granted
}

// ChainVerifier checks entries one by one, in order. Feed every entry to
// Check; it stops accepting after the first broken one.
type ChainVerifier struct {
	res  VerifyResult
	done bool
}

// NewChainVerifier starts a verification at the genesis.
func NewChainVerifier() *ChainVerifier {
	return &ChainVerifier{res: VerifyResult{OK: true, LastHash: GenesisHash}}
}

// Check verifies the next entry and reports whether the chain is still good.
func (v *ChainVerifier) Check(e Entry) bool {
	if v.done {
		return false
	}
	want := v.res.Count + 1
	fail := func(seq int64, reason string) bool {
		v.res.OK, v.res.BadSeq, v.res.Reason, v.done = false, seq, reason, true
		return false
	}
	switch {
	case e.Seq != want:
		return fail(want, "sequence gap")
	case e.PrevHash != v.res.LastHash:
		return fail(e.Seq, "previous hash mismatch")
	case !json.Valid(e.Data):
		return fail(e.Seq, "data is not valid json")
	case e.ComputeHash() != e.Hash:
		return fail(e.Seq, "hash mismatch")
	}
	v.res.Count = e.Seq
	v.res.LastHash = e.Hash
	return true
}

// Result returns the verification outcome so far.
func (v *ChainVerifier) Result() VerifyResult { return v.res }
