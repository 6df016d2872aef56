package sqlstore

import (
	"context"
	"encoding/json"
	"strings"

	"servicedesk/ledger"
)

// Shift sums the journal entries staffID made since their last login: the
// number of actions, the loans lent and closed, and the cash moved.
// Nothing is written.
func (s *DayCloseService) Shift(ctx context.Context, staffID int64) (ledger.ShiftSummary, error) {
	var sum ledger.ShiftSummary
	var from int64
	var at string
	err := s.db.db.QueryRowContext(ctx, "SELECT seq, at FROM journal WHERE kind = 'auth.login' AND staff_id = ? ORDER BY seq DESC LIMIT 1", staffID).Scan(&from, &at)
	if err != nil && !errNoRows(err) {
		return sum, internal("find login", err)
	}
	if err == nil {
		if sum.Since, err = parseTime(at); err != nil {
			return sum, err
		}
	}
	rows, err := s.db.db.QueryContext(ctx, "SELECT kind, data FROM journal WHERE seq > ? AND staff_id = ? ORDER BY seq", from, staffID)
	if err != nil {
		return sum, internal("read shift", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, data string
		if err := rows.Scan(&kind, &data); err != nil {
			return sum, internal("scan shift", err)
		}
		if strings.HasPrefix(kind, "auth.") {
			continue
		}
		sum.Actions++
		_, action, ok := loanKind(kind)
		if !ok {
			continue
		}
		var ev loanEvent
		if err := json.Unmarshal([]byte(data), &ev); err != nil {
			return sum, internal("decode "+kind, err)
		}
		if action == "lend" {
			sum.Lent++
			sum.Taken += ev.Deposit
			continue
		}
		sum.Closed++
		sum.Refunded += ev.Refund
		sum.Collected += ev.Collected
	}
	if err := rows.Err(); err != nil {
		return sum, internal("read shift", err)
	}
	return sum, nil
}
