package cli

import (
	"context"
	"log/slog"
	"time"

	"servicedesk/ledger"
)

// expireEvery is how often the running counter writes off points past
// their validity (also once at start).
const expireEvery = time.Hour

// expireLoop writes off expired points (积分过期, the settings' validity,
// first in first out) at start and every expireEvery until stop closes. It
// logs the number of members only.
func expireLoop(ctx context.Context, members ledger.MemberService, log *slog.Logger, stop <-chan struct{}) {
	if members == nil {
		return
	}
	t := time.NewTicker(expireEvery)
	defer t.Stop()
	for {
		if n, err := members.ExpirePointsScheduled(ctx); err != nil {
			log.Error("points expiry failed", "err", err)
		} else if n > 0 {
			log.Info("expired points written off", "members", n)
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}
