package ledger

import "context"

// SetupRequest is the first-start form: the counter's names and the first
// admin account.
type SetupRequest struct {
	MallName    string
	CounterName string
	// DeskCode is the first desk's code ("" means the program's desk, or
	// DefaultDeskCode); CounterName is its name.
	DeskCode string
	Admin    NewStaff
}

// StaffService manages accounts, logins and approvals.
type StaffService interface {
	// NeedsSetup reports whether the install has no accounts yet.
	NeedsSetup(ctx context.Context) (bool, error)
	// Setup creates the settings, the per-install secret and the first admin.
	Setup(ctx context.Context, req SetupRequest) (Staff, error)
	// Login checks credentials, applying the failed-login lockout.
	Login(ctx context.Context, username, password string) (Staff, error)
	// Unlock re-checks the password of the staff member already on duty.
	Unlock(ctx context.Context, staffID int64, password string) error
	// ChangePassword sets a new password after checking the old one.
	ChangePassword(ctx context.Context, staffID int64, oldPassword, newPassword string) error
	// ListStaff lists every account, disabled ones included.
	ListStaff(ctx context.Context) ([]Staff, error)
	// AddStaff creates an account (admin only).
	AddStaff(ctx context.Context, actor Staff, req NewStaff) (Staff, error)
	// ResetPassword sets a temporary password that must be changed (admin only).
	ResetPassword(ctx context.Context, actor Staff, staffID int64, temporary string) error
	// SetDisabled disables or re-enables an account (admin only; never deletes).
	SetDisabled(ctx context.Context, actor Staff, staffID int64, disabled bool) error
	// UnlockAccount lifts a failed-login lock (admin only), journaled.
	UnlockAccount(ctx context.Context, actor Staff, staffID int64) error
	// Approve authenticates a supervisor for req and returns the approval.
	Approve(ctx context.Context, req ApprovalRequest, username, password, reason string) (Approval, error)
}

// SettingsService reads and changes the counter's configuration.
type SettingsService interface {
	// Settings returns the current configuration.
	Settings(ctx context.Context) (Settings, error)
	// UpdateSettings validates and stores s (admin or supervisor), journaled.
	UpdateSettings(ctx context.Context, actor Staff, s Settings) error
	// TokenKey returns the per-install secret used to sign QR tokens.
	TokenKey(ctx context.Context) ([]byte, error)
}

// JournalService reads and verifies the append-only journal.
type JournalService interface {
	// Entries returns up to limit entries with Seq > after, in order.
	Entries(ctx context.Context, after int64, limit int) ([]Entry, error)
	// Verify walks the whole chain and names the first bad entry.
	Verify(ctx context.Context) (VerifyResult, error)
}
