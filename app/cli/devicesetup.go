package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"servicedesk/app"
	"servicedesk/app/printing"
	"servicedesk/devices"
	"servicedesk/ledger"
	"servicedesk/receipts"
)

// errNoPrinter is the cause of a print while no printer is configured.
var errNoPrinter = errors.New("no printer configured")

// deskDevices owns the counter's serial devices, opened from the settings
// and re-opened when the devices screen saves new ones. It is the print
// worker's printer (jobs go to whichever printer is current) and the
// devices screen's panel. Callbacks run on device goroutines: whoever sets
// them wraps UI work in fyne.Do.
type deskDevices struct {
	log  *slog.Logger
	open devices.Opener // nil means devices.OpenPort
	// onPrinter is called on every printer status change.
	onPrinter func(devices.PrinterStatus)
	// onCard is called for each card read; onScan for each scanned code.
	onCard func(devices.Card)
	onScan func(string)
	// retry wakes the print worker.
	retry func()
	// onPrinted is called by the print worker after it printed or failed
	// a job (set before the worker starts).
	onPrinted func()

	mu       sync.Mutex
	cfg      ledger.DeviceSettings
	applied  bool
	printer  *devices.Printer
	reader   *devices.CardReader
	scanner  *devices.Scanner
	lastCard devices.Card
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

var _ devices.ReceiptPrinter = (*deskDevices)(nil)
var _ app.DevicePanel = (*deskDevices)(nil)

// Apply opens the devices of cfg, closing the ones it replaces. Devices
// whose settings did not change keep running.
func (d *deskDevices) Apply(cfg ledger.DeviceSettings) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	d.mu.Lock()
	if d.applied && d.cfg == cfg {
		d.mu.Unlock()
		return nil
	}
	d.mu.Unlock()
	d.Close()

	var printer *devices.Printer
	var reader *devices.CardReader
	var scanner *devices.Scanner
	var err error
	if cfg.Printer.Name != "" {
		printer, err = devices.NewPrinter(devices.PrinterConfig{Port: printing.PortConfig(cfg.Printer), Open: d.open,
			SkipStatus: cfg.PrinterNoStatus, OnStatus: d.printerStatus})
		if err != nil {
			return fmt.Errorf("open printer: %w", err)
		}
	}
	if cfg.CardReader.Name != "" {
		reader, err = devices.NewCardReader(devices.ReaderConfig{Port: printing.PortConfig(cfg.CardReader),
			Framing: devices.Framing(cfg.ReaderFraming), Open: d.open, OnCard: d.card})
		if err != nil {
			return fmt.Errorf("open card reader: %w", err)
		}
	}
	if cfg.Scanner.Name != "" {
		scanner, err = devices.NewScanner(devices.ScannerConfig{Port: printing.PortConfig(cfg.Scanner), Open: d.open, OnScan: d.scan})
		if err != nil {
			return fmt.Errorf("open scanner: %w", err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.mu.Lock()
	d.cfg, d.applied = cfg, true
	d.printer, d.reader, d.scanner, d.cancel = printer, reader, scanner, cancel
	d.mu.Unlock()
	var runs []func(context.Context) error
	if printer != nil {
		runs = append(runs, printer.Run)
	}
	if reader != nil {
		runs = append(runs, reader.Run)
	}
	if scanner != nil {
		runs = append(runs, scanner.Run)
	}
	for _, run := range runs {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			_ = run(ctx)
		}()
	}
	d.log.Info("devices opened", "printer", cfg.Printer.Name, "reader", cfg.CardReader.Name, "scanner", cfg.Scanner.Name)
	if d.retry != nil {
		d.retry()
	}
	return nil
}

// Close stops and closes every device and waits for their goroutines.
func (d *deskDevices) Close() {
	d.mu.Lock()
	printer, reader, scanner, cancel := d.printer, d.reader, d.scanner, d.cancel
	d.printer, d.reader, d.scanner, d.cancel = nil, nil, nil, nil
	d.applied = false
	d.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	if printer != nil {
		_ = printer.Close()
	}
	if reader != nil {
		_ = reader.Close()
	}
	if scanner != nil {
		_ = scanner.Close()
	}
	d.wg.Wait()
}

func (d *deskDevices) printerStatus(st devices.PrinterStatus) {
	if d.onPrinter != nil {
		d.onPrinter(st)
	}
}

func (d *deskDevices) card(c devices.Card) {
	d.mu.Lock()
	d.lastCard = c
	d.mu.Unlock()
	if d.onCard != nil {
		d.onCard(c)
	}
}

func (d *deskDevices) scan(code string) {
	if d.onScan != nil {
		d.onScan(code)
	}
}

func (d *deskDevices) currentPrinter() *devices.Printer {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.printer
}

// Print sends job to the current printer.
func (d *deskDevices) Print(ctx context.Context, job []byte) error {
	p := d.currentPrinter()
	if p == nil {
		return &devices.StatusError{Err: errNoPrinter}
	}
	return p.Print(ctx, job)
}

// Status is the current printer's last known status.
func (d *deskDevices) Status() devices.PrinterStatus {
	if p := d.currentPrinter(); p != nil {
		return p.Status()
	}
	return devices.PrinterStatus{}
}

// Options are the encoder options of the configured printer.
func (d *deskDevices) Options() receipts.ESCPOSOptions {
	d.mu.Lock()
	defer d.mu.Unlock()
	return printing.Options(d.cfg)
}

// PrinterState is the status bar's printer field.
func (d *deskDevices) PrinterState() app.DeviceState {
	if d.currentPrinter() == nil {
		return app.DeviceState{Label: "未配置", Off: true}
	}
	st := d.Status()
	if st.State() == devices.StateUnknown {
		return app.DeviceState{Label: st.Label(), Unknown: true}
	}
	return app.DeviceState{Label: st.Label(), OK: st.Ready()}
}

// ReaderState is the status bar's card-reader field.
func (d *deskDevices) ReaderState() app.DeviceState {
	d.mu.Lock()
	r := d.reader
	d.mu.Unlock()
	switch {
	case r == nil:
		return app.DeviceState{Label: "未配置", Off: true}
	case r.Connected():
		return app.DeviceState{Label: "正常", OK: true}
	}
	return app.DeviceState{Label: "未连接"}
}

// Ports lists the serial ports present.
func (d *deskDevices) Ports() ([]devices.PortInfo, error) { return devices.ListPorts() }

// Reader returns the card reader's diagnostics.
func (d *deskDevices) Reader() app.ReaderDiag {
	d.mu.Lock()
	r, last := d.reader, d.lastCard
	d.mu.Unlock()
	if r == nil {
		return app.ReaderDiag{}
	}
	return app.ReaderDiag{Configured: true, Connected: r.Connected(), Stats: r.Stats(), Raw: r.Raw(), LastCard: last}
}

// PrintTest prints the Chinese test page on the current printer.
func (d *deskDevices) PrintTest(ctx context.Context, counter string) error {
	d.mu.Lock()
	cfg := d.cfg
	d.mu.Unlock()
	opt := printing.Options(cfg)
	b, err := receipts.EncodeESCPOS(printing.TestPage(time.Now(), counter, printing.PortConfig(cfg.Printer), opt), opt)
	if err != nil {
		return fmt.Errorf("encode test page: %w", err)
	}
	return d.Print(ctx, b)
}

// RetryPrints wakes the print worker now.
func (d *deskDevices) RetryPrints() {
	if d.retry != nil {
		d.retry()
	}
}
