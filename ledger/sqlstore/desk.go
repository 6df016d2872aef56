package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"servicedesk/ledger"
)

// DeskService implements ledger.DeskService on the desks table.
type DeskService struct{ db *DB }

// NewDeskService returns the desk service on db.
func NewDeskService(db *DB) *DeskService { return &DeskService{db: db} }

var _ ledger.DeskService = (*DeskService)(nil)

// deskState is which desk a DB handle runs as: Options.Desk, or the only
// desk of the database, found once and then kept (desks are never deleted
// and their codes never change).
type deskState struct {
	mu   sync.Mutex
	want string // Options.Desk, normalised ("" = the only desk)
	code string // resolved
}

// wantDesk normalises Options.Desk ("" stays "": the only desk).
func wantDesk(code string) (string, error) {
	if strings.TrimSpace(code) == "" {
		return "", nil
	}
	return ledger.NormalizeDeskCode(code)
}

// deskCode returns the code of the desk this handle runs as, or "" before
// setup (no desk yet).
func (d *DB) deskCode(ctx context.Context, q queryer) (string, error) {
	d.desk.mu.Lock()
	defer d.desk.mu.Unlock()
	if d.desk.code != "" {
		return d.desk.code, nil
	}
	rows, err := q.QueryContext(ctx, "SELECT code FROM desks ORDER BY code")
	if err != nil {
		return "", internal("list desks", err)
	}
	defer rows.Close()
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return "", internal("scan desk", err)
		}
		codes = append(codes, c)
	}
	if err := rows.Err(); err != nil {
		return "", internal("list desks", err)
	}
	switch {
	case d.desk.want != "":
		for _, c := range codes {
			if c == d.desk.want {
				d.desk.code = c
				return c, nil
			}
		}
		if len(codes) == 0 {
			return "", nil
		}
		return "", ledger.Errorf(ledger.ENOTFOUND, "本机服务台 %s 尚未登记：请管理员先登记该服务台（servicedesk desk add）", d.desk.want)
	case len(codes) == 1:
		d.desk.code = codes[0]
		return codes[0], nil
	case len(codes) == 0:
		return "", nil
	}
	return "", ledger.Errorf(ledger.EINVALID, "此数据库有多个服务台（%s），请用 --desk 或环境变量 SERVICEDESK_DESK 指定本机的服务台代码", strings.Join(codes, "、"))
}

// desk returns this handle's desk code inside a transaction; before setup
// there is none, which no service that needs one accepts.
func (t *tx) desk() (string, error) {
	code, err := t.db.deskCode(t.ctx, t)
	if err == nil && code == "" {
		err = ledger.Errorf(ledger.ENOTFOUND, "系统尚未初始化")
	}
	return code, err
}

// DeskCode returns the code of the desk this handle runs as ("" before setup).
func (d *DB) DeskCode(ctx context.Context) (string, error) { return d.deskCode(ctx, d.db) }

// deskRow is a desks row: the desk and its own settings.
type deskRow struct {
	ledger.Desk
	devices      string
	reportFolder string
	float        ledger.Fen
}

// loadDesk reads one desk.
func loadDesk(ctx context.Context, q queryer, code string) (deskRow, error) {
	var r deskRow
	err := q.QueryRowContext(ctx, "SELECT code, name, devices, report_folder, drawer_float FROM desks WHERE code = ?", code).
		Scan(&r.Code, &r.Name, &r.devices, &r.reportFolder, &r.float)
	if errNoRows(err) {
		return r, ledger.Errorf(ledger.ENOTFOUND, "找不到服务台 %s", code)
	} else if err != nil {
		return r, internal("load desk", err)
	}
	return r, nil
}

// overlay puts the desk's own settings over the mall's.
func (r deskRow) overlay(set *ledger.Settings) error {
	if r.Name != "" {
		set.CounterName = r.Name
	}
	set.ReportFolder, set.DrawerFloat = r.reportFolder, r.float
	if r.devices != "" {
		var dev ledger.DeviceSettings
		if err := json.Unmarshal([]byte(r.devices), &dev); err != nil {
			return internal("decode desk devices", err)
		}
		set.Devices = dev
	}
	return nil
}

// insertDesk registers a desk with its settings and journals desk.add.
func (t *tx) insertDesk(actorID int64, d ledger.Desk, set ledger.Settings) error {
	dev, err := json.Marshal(set.Devices)
	if err != nil {
		return internal("encode devices", err)
	}
	var exists int
	if err := t.QueryRowContext(t.ctx, "SELECT count(*) FROM desks WHERE code = ?", d.Code).Scan(&exists); err != nil {
		return internal("check desk", err)
	}
	if exists > 0 {
		return ledger.Errorf(ledger.ECONFLICT, "服务台代码 %s 已存在", d.Code)
	}
	e, err := t.append(actorID, "desk.add", map[string]any{"code": d.Code, "name": d.Name}, 0)
	if err != nil {
		return err
	}
	if _, err := t.ExecContext(t.ctx, "INSERT INTO desks(code, name, devices, report_folder, drawer_float, added_seq) VALUES (?, ?, ?, ?, ?, ?)",
		d.Code, d.Name, string(dev), set.ReportFolder, set.DrawerFloat, e.Seq); err != nil {
		return internal("insert desk", err)
	}
	return nil
}

// saveDeskSettings stores the desk's own part of the settings and journals
// desk.update when it changed.
func (t *tx) saveDeskSettings(actorID int64, set ledger.Settings) error {
	code, err := t.desk()
	if err != nil {
		return err
	}
	old, err := loadDesk(t.ctx, t, code)
	if err != nil {
		return err
	}
	dev, err := json.Marshal(set.Devices)
	if err != nil {
		return internal("encode devices", err)
	}
	if old.Name == set.CounterName && old.devices == string(dev) && old.reportFolder == set.ReportFolder && old.float == set.DrawerFloat {
		return nil
	}
	if _, err := t.ExecContext(t.ctx, "UPDATE desks SET name = ?, devices = ?, report_folder = ?, drawer_float = ? WHERE code = ?",
		set.CounterName, string(dev), set.ReportFolder, set.DrawerFloat, code); err != nil {
		return internal("update desk", err)
	}
	_, err = t.append(actorID, "desk.update", map[string]any{"code": code, "name": set.CounterName,
		"report_folder": set.ReportFolder, "drawer_float": set.DrawerFloat, "devices": json.RawMessage(dev)}, 0)
	return err
}

// Desks lists every desk, by code.
func (s *DeskService) Desks(ctx context.Context) ([]ledger.Desk, error) {
	rows, err := s.db.db.QueryContext(ctx, "SELECT code, name FROM desks ORDER BY code")
	if err != nil {
		return nil, internal("list desks", err)
	}
	defer rows.Close()
	var out []ledger.Desk
	for rows.Next() {
		var d ledger.Desk
		if err := rows.Scan(&d.Code, &d.Name); err != nil {
			return nil, internal("scan desk", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Current returns the desk this program runs as.
func (s *DeskService) Current(ctx context.Context) (ledger.Desk, error) {
	code, err := s.db.deskCode(ctx, s.db.db)
	if err != nil {
		return ledger.Desk{}, err
	}
	if code == "" {
		return ledger.Desk{}, ledger.Errorf(ledger.ENOTFOUND, "系统尚未初始化")
	}
	r, err := loadDesk(ctx, s.db.db, code)
	return r.Desk, err
}

// AddDesk registers another desk of the mall (admin only). Its settings
// start as the mall's defaults with its own name; journaled desk.add.
func (s *DeskService) AddDesk(ctx context.Context, actor ledger.Staff, d ledger.Desk) (ledger.Desk, error) {
	var out ledger.Desk
	err := s.db.inTx(ctx, func(t *tx) error {
		if _, err := t.actor(actor, ledger.RoleAdmin); err != nil { // the role as it is now, before anything else
			return err
		}
		code, err := ledger.NormalizeDeskCode(d.Code)
		if err != nil {
			return err
		}
		name, err := ledger.FieldCounterName.Clean(d.Name)
		if err != nil {
			return err
		}
		if name == "" {
			return ledger.Errorf(ledger.EINVALID, "请输入服务台名称")
		}
		out = ledger.Desk{Code: code, Name: name}
		set := ledger.DefaultSettings()
		set.CounterName = name
		return t.insertDesk(actor.ID, out, set)
	})
	if err != nil {
		return ledger.Desk{}, err
	}
	return out, nil
}

// deskLabel names a desk for messages: "1F（一楼服务台）".
func deskLabel(ctx context.Context, q queryer, code string) string {
	r, err := loadDesk(ctx, q, code)
	if err != nil || r.Name == "" {
		return code
	}
	return fmt.Sprintf("%s（%s）", code, r.Name)
}

// Desk returns the code of the desk this lending service lends at ("" before
// setup): the screens show items away from home and the desk in the status bar.
func (s *LendingService) Desk(ctx context.Context) (string, error) {
	return s.db.deskCode(ctx, s.db.db)
}

// DeskCount returns how many desks share the database (the screens name
// this desk only when there are several).
func (s *LendingService) DeskCount(ctx context.Context) (int, error) {
	var n int
	if err := s.db.db.QueryRowContext(ctx, "SELECT count(*) FROM desks").Scan(&n); err != nil {
		return 0, internal("count desks", err)
	}
	return n, nil
}

// byReceiptNo looks a record up by a typed slip number (a loan, a found
// item's label, a medicine slip): as written (with its desk code, or a
// number from before desks), then, for a number typed without a desk code,
// as this desk's — never as another desk's.
func byReceiptNo[T any](ctx context.Context, d *DB, no string, load func(no string) (T, error)) (T, error) {
	no = strings.ToUpper(strings.TrimSpace(no))
	v, err := load(no)
	if ledger.ErrorCode(err) == ledger.ENOTFOUND && ledger.DeskOfReceipt(no) == "" {
		if desk, derr := d.deskCode(ctx, d.db); derr == nil && desk != "" {
			v, err = load(desk + "-" + no)
		}
	}
	return v, err
}
