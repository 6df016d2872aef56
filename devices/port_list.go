package devices

import (
	"fmt"

	"go.bug.st/serial/enumerator"
)

// PortInfo describes a serial port found on the machine.
type PortInfo struct {
	Name         string // "/dev/ttyUSB0", "COM3"
	IsUSB        bool
	VID, PID     string // USB vendor and product id (hex), when known
	SerialNumber string
	Product      string
}

// String is a one-line description for settings screens.
func (p PortInfo) String() string {
	if !p.IsUSB {
		return p.Name
	}
	s := fmt.Sprintf("%s (USB %s:%s", p.Name, p.VID, p.PID)
	if p.Product != "" {
		s += " " + p.Product
	}
	if p.SerialNumber != "" {
		s += " SN " + p.SerialNumber
	}
	return s + ")"
}

// ListPorts lists the serial ports present, with USB details where the
// operating system reports them.
func ListPorts() ([]PortInfo, error) {
	list, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return nil, fmt.Errorf("list serial ports: %w", err)
	}
	out := make([]PortInfo, 0, len(list))
	for _, d := range list {
		out = append(out, PortInfo{
			Name: d.Name, IsUSB: d.IsUSB, VID: d.VID, PID: d.PID,
			SerialNumber: d.SerialNumber, Product: d.Product,
		})
	}
	return out, nil
}
