package sqlstore

import (
	"context"
	"encoding/json"

	"servicedesk/ledger"
)

// SettingsService implements ledger.SettingsService.
type SettingsService struct{ db *DB }

// NewSettingsService returns the settings service on db.
func NewSettingsService(db *DB) *SettingsService { return &SettingsService{db: db} }

var _ ledger.SettingsService = (*SettingsService)(nil)

// Settings returns the stored settings, or the defaults before setup.
func (s *SettingsService) Settings(ctx context.Context) (ledger.Settings, error) {
	var raw string
	err := s.db.db.QueryRowContext(ctx, "SELECT value FROM settings WHERE id = 1").Scan(&raw)
	if errNoRows(err) {
		return ledger.DefaultSettings(), nil
	} else if err != nil {
		return ledger.Settings{}, internal("load settings", err)
	}
	set := ledger.DefaultSettings()
	if err := json.Unmarshal([]byte(raw), &set); err != nil {
		return ledger.Settings{}, internal("decode settings", err)
	}
	return set, nil
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

// saveSettings stores and journals the full settings.
func (t *tx) saveSettings(actorID int64, set ledger.Settings) error {
	raw, err := json.Marshal(set)
	if err != nil {
		return internal("encode settings", err)
	}
	if _, err := t.ExecContext(t.ctx, "INSERT INTO settings(id, value) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET value = excluded.value", string(raw)); err != nil {
		return internal("store settings", err)
	}
	_, err = t.append(actorID, "settings.update", set, 0)
	return err
}

// settings loads the settings inside a transaction.
func (t *tx) settings() (ledger.Settings, error) {
	var raw string
	set := ledger.DefaultSettings()
	err := t.QueryRowContext(t.ctx, "SELECT value FROM settings WHERE id = 1").Scan(&raw)
	if errNoRows(err) {
		return set, nil
	} else if err != nil {
		return set, internal("load settings", err)
	}
	if err := json.Unmarshal([]byte(raw), &set); err != nil {
		return set, internal("decode settings", err)
	}
	return set, nil
}

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
