package ledger

import "time"

// PublicFoundItem is what the self-service kiosk shows of a found item that
// is waiting for its owner: the category, the day and the place it was
// found. No description beyond the category (the owner proves the item by
// describing it at the counter), no finder, no storage place, no label
// number.
type PublicFoundItem struct {
	Category   string
	FoundAt    time.Time
	FoundPlace string
}

// Public returns the kiosk's view of a found item.
func (f FoundItem) Public() PublicFoundItem {
	return PublicFoundItem{Category: f.Category, FoundAt: f.FoundAt, FoundPlace: f.FoundPlace}
}
