// Package devices drives the counter's serial hardware: the ESC/POS receipt
// printer (status by DLE EOT, reconnect after an unplugged cable), RFID card
// readers with their common framings, serial QR scanners, and port
// discovery. It also provides FakePrinter for other packages' tests.
//
// Devices report state changes through callbacks run on device goroutines;
// the GUI must hop to its own thread (fyne.Do). This package never imports
// the GUI.
package devices
