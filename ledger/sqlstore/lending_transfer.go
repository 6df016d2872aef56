package sqlstore

import (
	"context"
	"fmt"

	"servicedesk/ledger"
)

// TransferItems moves items from this desk to the desk toDesk, as library
// branches send books home: an umbrella returned at B1 is in stock at B1
// until B1 sends it back to 1F. Only items at this desk that are in stock
// or damaged move (not out, retired or lost), all or none, and toDesk must
// be another registered desk. Journaled as item.transfer {kind, items:
// [{id, kind, number, home_desk}], from, to, desk}.
func (s *LendingService) TransferItems(ctx context.Context, actor ledger.Staff, itemIDs []int64, toDesk string) error {
	if len(itemIDs) == 0 {
		return ledger.Errorf(ledger.EINVALID, "请选择要调拨的物品")
	}
	if len(itemIDs) > maxItemsPerAdd {
		return ledger.Errorf(ledger.EINVALID, "一次最多调拨%d件物品", maxItemsPerAdd)
	}
	to, err := ledger.NormalizeDeskCode(toDesk)
	if err != nil {
		return err
	}
	return s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, allRoles...); err != nil {
			return err
		}
		desk, err := t.desk()
		if err != nil {
			return err
		}
		if to == desk {
			return ledger.Errorf(ledger.EINVALID, "物品已在本服务台，无需调拨")
		}
		if _, err := loadDesk(ctx, t, to); err != nil {
			return err
		}
		type moved struct {
			ID       int64           `json:"id"`
			Kind     ledger.ItemKind `json:"kind"`
			Number   string          `json:"number"`
			HomeDesk string          `json:"home_desk"`
		}
		list := make([]moved, 0, len(itemIDs))
		seen := map[int64]bool{}
		for _, id := range itemIDs {
			if seen[id] {
				return ledger.Errorf(ledger.EINVALID, "同一物品选了两次")
			}
			seen[id] = true
			it, err := t.itemByID(id)
			if err != nil {
				return err
			}
			label := fmt.Sprintf("%s %s", it.Kind.Label(), it.Number)
			if it.Desk != desk {
				return ledger.Errorf(ledger.ECONFLICT, "%s 不在本服务台（在 %s），不能从这里调拨", label, it.Desk)
			}
			if it.Status != ledger.ItemIn && it.Status != ledger.ItemDamaged {
				return ledger.Errorf(ledger.ECONFLICT, "%s 当前为“%s”，不能调拨", label, it.Status.Label())
			}
			list = append(list, moved{ID: it.ID, Kind: it.Kind, Number: it.Number, HomeDesk: it.HomeDesk})
		}
		if _, err := t.append(actor.ID, "item.transfer", map[string]any{"items": list, "from": desk, "to": to, "desk": desk}, 0); err != nil {
			return err
		}
		for _, m := range list {
			res, err := t.ExecContext(ctx, "UPDATE items SET desk = ? WHERE id = ? AND desk = ? AND status IN ('in', 'damaged')", to, m.ID, desk)
			if err != nil {
				return internal("transfer item", err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return internal("transfer item", fmt.Errorf("item %d moved meanwhile", m.ID))
			}
		}
		return nil
	})
}
