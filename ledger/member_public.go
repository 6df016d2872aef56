package ledger

import "time"

// PublicCard is what a point card shows to whoever holds it (the kiosk):
// no name, no phone, no ID, no receipts or notes, the card number masked.
type PublicCard struct {
	// CardMasked is the last four characters of the swiped card.
	CardMasked string
	// Status is the swiped card's state: a card replaced by a newer one
	// is CardReplaced even though its member is active.
	Status CardStatus
	// Points is the balance; 0 unless Status is CardActive.
	Points int64
	// Entries are the latest points entries (date, kind, points), newest
	// first; none unless Status is CardActive.
	Entries []PublicPointEntry
}

// PublicPointEntry is one points entry without its receipt and note.
type PublicPointEntry struct {
	At     time.Time
	Kind   PointKind
	Points int64
}

// MaskCardNo keeps the last four characters of a card number.
func MaskCardNo(card string) string {
	r := []rune(card)
	if len(r) > 4 {
		r = r[len(r)-4:]
	}
	return string(r)
}

// PublicCard is the public view of member m as seen through the swiped
// card: a lost or replaced card shows its state only, an active one its
// balance and up to n of entries (newest first).
func (m Member) PublicCard(swiped string, entries []PointEntry, n int) PublicCard {
	p := PublicCard{CardMasked: MaskCardNo(swiped), Status: m.CardStatus}
	if swiped != m.CardNo {
		p.Status = CardReplaced
	}
	if p.Status != CardActive {
		return p
	}
	p.Points = m.Points
	for i, e := range entries {
		if i == n {
			break
		}
		p.Entries = append(p.Entries, PublicPointEntry{At: e.At, Kind: e.Kind, Points: e.Points})
	}
	return p
}
