package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"servicedesk/ledger"
)

// CopyReport says what Copy moved.
type CopyReport struct {
	// Rows is the number of rows copied per table (the journal included).
	Rows map[string]int64
	// Entries, LastHash are the journal's length and last hash, the same on
	// both sides afterwards.
	Entries  int64
	LastHash string
}

// Copy moves the whole history of a desk's SQLite database into an empty,
// migrated PostgreSQL database (`servicedesk migrate`): every table row for
// row with its ids, the journal entry by entry with its own seq, time,
// hashes and chain, so nothing is re-chained and `verify` passes on both
// sides. It runs in one transaction on each side (the SQLite file is held
// with BEGIN IMMEDIATE, so no desk writes to it meanwhile): a failure
// leaves the PostgreSQL database as empty as it was. Both databases must
// be at this program's schema version; the source's journal must verify.
// A target holding any row is refused: two journals cannot become one
// chain without re-chaining one of them.
func Copy(ctx context.Context, src, dst *DB) (CopyReport, error) {
	rep := CopyReport{Rows: map[string]int64{}}
	switch {
	case src.dialect.Name() != "sqlite":
		return rep, ledger.Errorf(ledger.EINVALID, "只能从服务台的 SQLite 数据库文件迁移：%s", src.Addr())
	case dst.dialect.Name() != "postgres":
		return rep, ledger.Errorf(ledger.EINVALID, "只能迁移到共享的 PostgreSQL 数据库：%s", dst.Addr())
	case src.readOnly || dst.readOnly:
		return rep, ledger.Errorf(ledger.EINVALID, "迁移需要以读写方式打开两个数据库")
	}
	res, err := NewJournalService(src).Verify(ctx)
	if err != nil {
		return rep, err
	}
	if !res.OK {
		return rep, ledger.Errorf(ledger.ECONFLICT, "源数据库校验未通过（%s），不迁移：请先查明原因", res.Reason)
	}

	stx, err := src.dialect.BeginWrite(ctx, src.db.DB) // holds the file: no desk writes meanwhile
	if err != nil {
		return rep, internal("begin source", err)
	}
	defer stx.Rollback() //nolint:errcheck // read only: nothing to keep
	dtx, err := dst.db.BeginTx(ctx, nil)
	if err != nil {
		return rep, internal("begin target", err)
	}
	defer dtx.Rollback() //nolint:errcheck // committed below on success
	c := &copier{ctx: ctx, src: stx, dst: dtx, rep: &rep}
	if err := c.run(); err != nil {
		return CopyReport{}, err
	}
	if err := dtx.Commit(); err != nil {
		return CopyReport{}, internal("commit target", err)
	}
	dst.loadKeys(ctx) // the keys' fingerprint came with meta
	return rep, nil
}

// copier is one Copy in progress.
type copier struct {
	ctx      context.Context
	src, dst *sql.Tx
	rep      *CopyReport
	tables   []string            // source tables in insert order (FK parents first)
	cols     map[string][]string // source columns per table
	dstTypes map[string]map[string]string
}

// Tables Copy handles itself or leaves alone: the chain head follows the
// journal as it is copied; the schema version belongs to each engine.
var copySkip = map[string]bool{"journal_head": true, "schema_migrations": true}

// run does the copy inside the two transactions.
func (c *copier) run() error {
	// Queue behind (and lock out) any desk already pointed at the target.
	if _, err := c.dst.ExecContext(c.ctx, "SELECT last_seq FROM journal_head WHERE id = 1 FOR UPDATE"); err != nil {
		return internal("lock target head", err)
	}
	if err := c.schema(); err != nil {
		return err
	}
	if err := c.checkEmpty(); err != nil {
		return err
	}
	// The receipt-numbering trigger rewrites next_receipt on insert: the
	// copied days keep their own. ALTER TABLE is transactional: a failure
	// leaves the trigger as it was.
	if _, err := c.dst.ExecContext(c.ctx, "ALTER TABLE business_days DISABLE TRIGGER business_days_continue_receipts"); err != nil {
		return internal("pause receipt trigger", err)
	}
	if err := c.copyJournal(); err != nil {
		return err
	}
	for _, t := range c.tables {
		if t == "journal" {
			continue
		}
		if err := c.copyTable(t); err != nil {
			return err
		}
	}
	if _, err := c.dst.ExecContext(c.ctx, "ALTER TABLE business_days ENABLE TRIGGER business_days_continue_receipts"); err != nil {
		return internal("restore receipt trigger", err)
	}
	return c.resetIdentities()
}

// schema reads both sides' tables and columns and refuses any difference.
func (c *copier) schema() error {
	rows, err := c.src.QueryContext(c.ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return internal("list source tables", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return internal("list source tables", err)
		}
		if !copySkip[n] {
			names = append(names, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return internal("list source tables", err)
	}
	c.cols = map[string][]string{}
	parents := map[string][]string{}
	for _, t := range names {
		if c.cols[t], err = stringList(c.ctx, c.src, "SELECT name FROM pragma_table_info(?) ORDER BY cid", t); err != nil {
			return internal("source columns", err)
		}
		if parents[t], err = stringList(c.ctx, c.src, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, t); err != nil {
			return internal("source foreign keys", err)
		}
	}
	c.dstTypes = map[string]map[string]string{}
	drows, err := c.dst.QueryContext(c.ctx, `SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema()`)
	if err != nil {
		return internal("target columns", err)
	}
	defer drows.Close()
	for drows.Next() {
		var t, col, typ string
		if err := drows.Scan(&t, &col, &typ); err != nil {
			return internal("target columns", err)
		}
		if copySkip[t] {
			continue
		}
		if c.dstTypes[t] == nil {
			c.dstTypes[t] = map[string]string{}
		}
		c.dstTypes[t][col] = typ
	}
	if err := drows.Err(); err != nil {
		return internal("target columns", err)
	}
	var diff []string
	for _, t := range names {
		if len(c.dstTypes[t]) != len(c.cols[t]) {
			diff = append(diff, t)
			continue
		}
		for _, col := range c.cols[t] {
			if c.dstTypes[t][col] == "" {
				diff = append(diff, t+"."+col)
			}
		}
	}
	for t := range c.dstTypes {
		if c.cols[t] == nil {
			diff = append(diff, t)
		}
	}
	if len(diff) > 0 {
		sort.Strings(diff)
		return ledger.Errorf(ledger.ECONFLICT, "两个数据库的表结构不一致，不迁移：%s", strings.Join(diff, "、"))
	}
	c.tables = insertOrder(names, parents)
	return nil
}

// insertOrder sorts tables so that every table comes after the tables its
// foreign keys point to (by name among equals, for a stable order).
func insertOrder(names []string, parents map[string][]string) []string {
	done := map[string]bool{}
	var out []string
	var visit func(string)
	visit = func(t string) {
		if done[t] {
			return
		}
		done[t] = true
		ps := append([]string(nil), parents[t]...)
		sort.Strings(ps)
		for _, p := range ps {
			visit(p)
		}
		out = append(out, t)
	}
	for _, t := range names {
		visit(t)
	}
	return out
}

// checkEmpty refuses a target that holds anything: a database someone has
// set up, or that a desk has written to, has its own chain.
func (c *copier) checkEmpty() error {
	var head int64
	if err := c.dst.QueryRowContext(c.ctx, "SELECT last_seq FROM journal_head WHERE id = 1").Scan(&head); err != nil {
		return internal("read target head", err)
	}
	var full []string
	for _, t := range c.tables {
		var any bool
		if err := c.dst.QueryRowContext(c.ctx, "SELECT EXISTS (SELECT 1 FROM "+quoteIdent(t)+")").Scan(&any); err != nil {
			return internal("check target "+t, err)
		}
		if any {
			full = append(full, t)
		}
	}
	if head != 0 || len(full) > 0 {
		return ledger.Errorf(ledger.ECONFLICT, "目标数据库不是空的（%s），不迁移：两本流水账无法合并成一条链而不重新链接。请迁移到新建的空数据库。",
			strings.Join(append(full, fmt.Sprintf("journal_head=%d", head)), "、"))
	}
	return nil
}

// copyJournal copies the entries in seq order, moving the target's chain
// head along (its triggers check every entry against the head).
func (c *copier) copyJournal() error {
	cols := c.cols["journal"]
	rows, err := c.src.QueryContext(c.ctx, "SELECT "+quoteList(cols)+" FROM journal ORDER BY seq")
	if err != nil {
		return internal("read source journal", err)
	}
	defer rows.Close()
	ins, err := c.dst.PrepareContext(c.ctx, insertSQL("journal", cols))
	if err != nil {
		return internal("prepare journal copy", err)
	}
	defer ins.Close()
	head, err := c.dst.PrepareContext(c.ctx, "UPDATE journal_head SET last_seq = $1, last_hash = $2 WHERE id = 1")
	if err != nil {
		return internal("prepare head update", err)
	}
	defer head.Close()
	iSeq, iHash := slices.Index(cols, "seq"), slices.Index(cols, "hash")
	if iSeq < 0 || iHash < 0 {
		return ledger.Errorf(ledger.ECONFLICT, "源数据库的流水账缺少 seq 或 hash 列")
	}
	for rows.Next() {
		vals, err := c.scan(rows, "journal", cols)
		if err != nil {
			return err
		}
		if _, err := ins.ExecContext(c.ctx, vals...); err != nil {
			return internal(fmt.Sprintf("copy journal entry %v", vals[iSeq]), err)
		}
		if _, err := head.ExecContext(c.ctx, vals[iSeq], vals[iHash]); err != nil {
			return internal(fmt.Sprintf("move head to %v", vals[iSeq]), err)
		}
		c.rep.Rows["journal"]++
		c.rep.Entries, _ = vals[iSeq].(int64)
		c.rep.LastHash, _ = vals[iHash].(string)
	}
	if err := rows.Err(); err != nil {
		return internal("read source journal", err)
	}
	return nil
}

// copyTable copies one table row for row, ids included, in key order.
func (c *copier) copyTable(t string) error {
	cols := c.cols[t]
	rows, err := c.src.QueryContext(c.ctx, "SELECT "+quoteList(cols)+" FROM "+quoteIdent(t)+" ORDER BY 1")
	if err != nil {
		return internal("read source "+t, err)
	}
	defer rows.Close()
	ins, err := c.dst.PrepareContext(c.ctx, insertSQL(t, cols))
	if err != nil {
		return internal("prepare copy of "+t, err)
	}
	defer ins.Close()
	for rows.Next() {
		vals, err := c.scan(rows, t, cols)
		if err != nil {
			return err
		}
		if _, err := ins.ExecContext(c.ctx, vals...); err != nil {
			return internal(fmt.Sprintf("copy %s row %v", t, vals[0]), err)
		}
		c.rep.Rows[t]++
	}
	if err := rows.Err(); err != nil {
		return internal("read source "+t, err)
	}
	return nil
}

// scan reads one source row and converts each value to the target
// column's type (SQLite may hand back an integer for a text column, or
// text for a bytea one).
func (c *copier) scan(rows *sql.Rows, t string, cols []string) ([]any, error) {
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, internal("read source "+t, err)
	}
	for i, col := range cols {
		v, err := convertFor(c.dstTypes[t][col], vals[i])
		if err != nil {
			return nil, ledger.Errorf(ledger.ECONFLICT, "源数据库 %s.%s 的值无法迁移：%s", t, col, err.Error())
		}
		vals[i] = v
	}
	return vals, nil
}

// convertFor turns a SQLite value into one for a PostgreSQL column of the
// given information_schema data_type.
func convertFor(typ string, v any) (any, error) {
	switch typ {
	case "text":
		switch x := v.(type) {
		case []byte:
			return string(x), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		}
	case "bytea":
		if s, ok := v.(string); ok {
			return []byte(s), nil
		}
	case "boolean":
		switch x := v.(type) {
		case int64:
			return x != 0, nil
		case float64:
			return x != 0, nil
		}
	case "bigint", "integer", "smallint":
		switch x := v.(type) {
		case string:
			return strconv.ParseInt(x, 10, 64)
		case []byte:
			return strconv.ParseInt(string(x), 10, 64)
		case float64:
			if x != float64(int64(x)) {
				return nil, fmt.Errorf("not a whole number: %v", x)
			}
			return int64(x), nil
		}
	}
	return v, nil
}

// resetIdentities moves every identity column's sequence past the copied
// ids, so the next row a desk inserts gets a fresh one.
func (c *copier) resetIdentities() error {
	rows, err := c.dst.QueryContext(c.ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name`)
	if err != nil {
		return internal("list identity columns", err)
	}
	type col struct{ t, c string }
	var ids []col
	for rows.Next() {
		var x col
		if err := rows.Scan(&x.t, &x.c); err != nil {
			rows.Close()
			return internal("list identity columns", err)
		}
		ids = append(ids, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return internal("list identity columns", err)
	}
	for _, x := range ids {
		q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence($1, $2), max(%s)) FROM %s HAVING max(%s) IS NOT NULL",
			quoteIdent(x.c), quoteIdent(x.t), quoteIdent(x.c))
		if _, err := c.dst.ExecContext(c.ctx, q, quoteIdent(x.t), x.c); err != nil {
			return internal("move sequence of "+x.t, err)
		}
	}
	return nil
}

// insertSQL is an INSERT of one row into t with PostgreSQL placeholders.
func insertSQL(t string, cols []string) string {
	ph := make([]string, len(cols))
	for i := range cols {
		ph[i] = "$" + strconv.Itoa(i+1)
	}
	return "INSERT INTO " + quoteIdent(t) + "(" + quoteList(cols) + ") VALUES (" + strings.Join(ph, ", ") + ")"
}

// quoteIdent quotes a table or column name the same way on both engines.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// quoteList quotes and joins column names.
func quoteList(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = quoteIdent(c)
	}
	return strings.Join(q, ", ")
}

// stringList runs a query returning one text column.
func stringList(ctx context.Context, q queryer, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
