// Package ledger holds the service desk's domain: types, rules, validation,
// errors and the store interfaces. It knows nothing of Fyne, SQL drivers or
// serial ports; implementations live in sub-packages such as ledger/sqlstore.
package ledger

import (
	"errors"
	"fmt"
)

// Error codes. They classify an error for callers; the message is for people.
const (
	EINVALID      = "invalid"      // bad input from the user
	ENOTFOUND     = "not_found"    // the record does not exist
	ECONFLICT     = "conflict"     // the action clashes with current state
	EUNAUTHORIZED = "unauthorized" // wrong credentials
	EFORBIDDEN    = "forbidden"    // the role may not do this
	ELOCKED       = "locked"       // account locked after failed logins
	ENOSPACE      = "no_space"     // the disk is full: nothing was saved
	EINTERNAL     = "internal"     // a bug or an I/O failure
)

// Error is a domain error: a machine-readable code and a Chinese message a
// clerk can read. Wrapped errors keep their own context for the log.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("ledger error: code=%s message=%s", e.Code, e.Message)
}

// Errorf builds an *Error with a formatted Chinese message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human message of the first *Error in err's chain,
// or a generic Chinese message for anything else (the details go to the log).
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "系统内部错误，请联系管理员"
}
