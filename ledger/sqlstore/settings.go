package sqlstore

import (
	"context"
	"encoding/json"
	"errors"

	"servicedesk/ledger"
)

// SettingsService implements ledger.SettingsService.
type SettingsService struct{ db *DB }

// NewSettingsService returns the settings service on db.
func NewSettingsService(db *DB) *SettingsService { return &SettingsService{db: db} }

var _ ledger.SettingsService = (*SettingsService)(nil)

// Settings returns the stored settings with this desk's own part (name,
// devices, report folder, drawer float), or the defaults before setup.
func (s *SettingsService) Settings(ctx context.Context) (ledger.Settings, error) {
	return loadSettings(ctx, s.db, s.db.db)
}

// loadSettings reads the mall's settings and puts this desk's over them.
func loadSettings(ctx context.Context, d *DB, q queryer) (ledger.Settings, error) {
	var raw string
	set := ledger.DefaultSettings()
	err := q.QueryRowContext(ctx, "SELECT value FROM settings WHERE id = 1").Scan(&raw)
	if errNoRows(err) {
		return set, nil
	} else if err != nil {
		return set, internal("load settings", err)
	}
	if err := json.Unmarshal([]byte(raw), &set); err != nil {
		return set, internal("decode settings", err)
	}
	desk, err := d.deskCode(ctx, q)
	if le := (*ledger.Error)(nil); errors.As(err, &le) {
		// No desk of its own (several desks and none named, or not
		// registered): the mall's settings; whatever needs the desk says why.
		return set, nil
	} else if err != nil || desk == "" {
		return set, err
	}
	r, err := loadDesk(ctx, q, desk)
	if err != nil {
		return set, err
	}
	return set, r.overlay(&set)
}

// UpdateSettings validates and stores the settings; the change is journaled.
func (s *SettingsService) UpdateSettings(ctx context.Context, actor ledger.Staff, set ledger.Settings) error {
	if err := set.Validate(); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, ledger.RoleAdmin, ledger.RoleSupervisor); err != nil {
			return err
		}
		return t.saveSettings(actor.ID, set)
	})
}

// saveSettings stores and journals the full settings; the desk's own part
// also goes to its desks row (journaled desk.update when it changed).
func (t *tx) saveSettings(actorID int64, set ledger.Settings) error {
	raw, err := json.Marshal(set)
	if err != nil {
		return internal("encode settings", err)
	}
	if _, err := t.ExecContext(t.ctx, "INSERT INTO settings(id, value) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET value = excluded.value", string(raw)); err != nil {
		return internal("store settings", err)
	}
	if _, err = t.append(actorID, "settings.update", set, 0); err != nil {
		return err
	}
	return t.saveDeskSettings(actorID, set)
}

// settings loads the settings (with this desk's part) inside a transaction.
func (t *tx) settings() (ledger.Settings, error) { return loadSettings(t.ctx, t.db, t) }

// TokenKey returns the per-install QR token secret created at setup.
func (s *SettingsService) TokenKey(ctx context.Context) ([]byte, error) {
	var key []byte
	err := s.db.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'token_key'").Scan(&key)
	if errNoRows(err) {
		return nil, ledger.Errorf(ledger.ENOTFOUND, "系统尚未初始化")
	} else if err != nil {
		return nil, internal("load token key", err)
	}
	return key, nil
}
