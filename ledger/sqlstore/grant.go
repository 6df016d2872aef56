package sqlstore

import (
	"context"
	"fmt"
	"regexp"

	"servicedesk/ledger"
)

// roleName is what GrantDesk accepts as a PostgreSQL role name: it goes
// into GRANT statements, so nothing that would need quoting.
var roleName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// GrantDesk gives a PostgreSQL role what a counter program needs on the
// shared database, and nothing more: SELECT and INSERT on every table,
// UPDATE on the tables whose rows change state (never on the journal or
// any other table with a no-update trigger), the identity sequences, and
// no DELETE or TRUNCATE anywhere. Desks connect as that role while the
// schema (its tables and triggers) belongs to the owner, who runs the
// migrations: a desk cannot drop or disable a trigger, and cannot rewrite
// or cut the journal even by hand. Run by the owner after every schema
// upgrade (`servicedesk migrate --to URL --grant ROLE`), since new tables
// need their grants too. PostgreSQL only.
func GrantDesk(ctx context.Context, d *DB, role string) ([]string, error) {
	if d.dialect.Name() != "postgres" {
		return nil, ledger.Errorf(ledger.EINVALID, "只有共享的 PostgreSQL 数据库需要为服务台角色授权")
	}
	if !roleName.MatchString(role) {
		return nil, ledger.Errorf(ledger.EINVALID, "角色名只能用小写字母、数字和下划线：%s", ledger.Quote(role))
	}
	var super bool
	err := d.db.QueryRowContext(ctx, "SELECT rolsuper FROM pg_roles WHERE rolname = ?", role).Scan(&super)
	if errNoRows(err) {
		return nil, ledger.Errorf(ledger.ENOTFOUND, "数据库服务器上没有角色 %s：请先 CREATE ROLE %s LOGIN", role, role)
	} else if err != nil {
		return nil, internal("look up role", err)
	}
	if super {
		return nil, ledger.Errorf(ledger.ECONFLICT, "角色 %s 是超级用户，不能作为服务台角色：它可以删除触发器、改写流水账", role)
	}
	var owner bool
	if err := d.db.QueryRowContext(ctx, "SELECT pg_has_role(?, (SELECT tableowner FROM pg_tables WHERE tablename = 'journal' AND schemaname = current_schema()), 'USAGE')", role).Scan(&owner); err != nil {
		return nil, internal("check role", err)
	}
	if owner {
		return nil, ledger.Errorf(ledger.ECONFLICT, "角色 %s 就是（或属于）数据库的所有者，不能作为服务台角色：所有者可以删除触发器、改写流水账", role)
	}
	var schema string
	if err := d.db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return nil, internal("current schema", err)
	}
	appendOnly, err := stringList(ctx, d.db, `SELECT DISTINCT event_object_table FROM information_schema.triggers
		WHERE trigger_schema = current_schema() AND event_manipulation = 'UPDATE' AND trigger_name LIKE '%\_no\_update' ESCAPE '\' ORDER BY 1`)
	if err != nil {
		return nil, internal("list append-only tables", err)
	}
	sch := quoteIdent(schema)
	stmts := []string{
		fmt.Sprintf(`REVOKE ALL ON ALL TABLES IN SCHEMA %s FROM %s`, sch, role),
		fmt.Sprintf(`GRANT USAGE ON SCHEMA %s TO %s`, sch, role),
		fmt.Sprintf(`GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA %s TO %s`, sch, role),
		fmt.Sprintf(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %s TO %s`, sch, role),
	}
	for _, t := range appendOnly {
		stmts = append(stmts, fmt.Sprintf(`REVOKE UPDATE ON %s FROM %s`, quoteIdent(t), role))
	}
	stx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, internal("begin grants", err)
	}
	defer stx.Rollback() //nolint:errcheck // committed below
	for _, q := range stmts {
		if _, err := stx.ExecContext(ctx, q); err != nil {
			return nil, internal("grant", err)
		}
	}
	if err := stx.Commit(); err != nil {
		return nil, internal("commit grants", err)
	}
	return stmts, nil
}
