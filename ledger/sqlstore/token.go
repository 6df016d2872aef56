package sqlstore

import (
	"context"

	"servicedesk/receipts"
)

// verifyToken checks a QR token against this install's key and returns
// the kind and record id it names; a forged or altered token is refused
// with receipts.Signer's EINVALID. Nothing is written.
func verifyToken(ctx context.Context, db *DB, token string) (kind string, id int64, err error) {
	key, err := NewSettingsService(db).TokenKey(ctx)
	if err != nil {
		return "", 0, err
	}
	return receipts.Signer{Key: key}.Verify(token)
}

// tokenID is verifyToken for slips of one kind: a valid token of another
// kind is refused with wrongKind.
func tokenID(ctx context.Context, db *DB, token, want string, wrongKind error) (int64, error) {
	kind, id, err := verifyToken(ctx, db, token)
	if err != nil {
		return 0, err
	}
	if kind != want {
		return 0, wrongKind
	}
	return id, nil
}
