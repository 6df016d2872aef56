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
	EOFFLINE      = "offline"      // the shared database cannot be reached: nothing was saved
	EINTERNAL     = "internal"     // a bug or an I/O failure
)

// Error is a domain error: a machine-readable code and a Chinese message a
// clerk can read. Wrapped errors keep their own context for the log.
//
// Format and Args keep the message's parts so a user interface in another
// language can translate it: Format is the Chinese format string (the
// translation key) and Args its parameters; an Arg may itself be an *Error
// or a Chinese label, which the interface translates too.
type Error struct {
	Code    string
	Message string
	Format  string
	Args    []any
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("ledger error: code=%s message=%s", e.Code, e.Message)
}

// Errorf builds an *Error with a formatted Chinese message. The format must
// be a string literal: it is the key of the message's translations.
// An argument that is an *Error is formatted as its message.
func Errorf(code, format string, args ...any) *Error {
	shown := args
	for i, a := range args {
		if e, ok := a.(*Error); ok {
			if &shown[0] == &args[0] {
				shown = append([]any(nil), args...)
			}
			shown[i] = e.Message
		}
	}
	return &Error{Code: code, Message: fmt.Sprintf(format, shown...), Format: format, Args: args}
}

// InternalMessage is the message shown for errors that are not an *Error
// (bugs, I/O failures); the details go to the log.
const InternalMessage = "系统内部错误，请联系管理员"

// AsError returns the first *Error in err's chain, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
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
	return InternalMessage
}
