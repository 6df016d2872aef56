// Package devicetest is test support for code that talks to serial
// devices. It is meant for _test.go files only.
//
// It provides socat-made pseudo-terminal pairs ([StartPTYPair], which skips
// the test when socat is not installed), an atomic symlink relinker
// ([Relink]) for simulating an adapter that comes back under the same
// name, an ESC/POS printer emulator ([StartEmulator]) with settable status
// replies, a stall switch, a status query count and the recorded print
// data, and small helpers for polling ([WaitFor]) and for running a
// device's Run loop in the background ([Go]).
//
// Everything a helper starts is stopped by the test's cleanup.
package devicetest
