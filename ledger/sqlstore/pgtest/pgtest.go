// Package pgtest gives tests outside the store package a fresh PostgreSQL
// database on the throwaway server scripts/pg-test.sh starts
// (SERVICEDESK_TEST_PG_DSN; the password comes from its PGPASSFILE).
// Without the server the test is skipped with a message saying how to run
// it, unless SERVICEDESK_TEST_ENGINE=postgres asks for PostgreSQL, when a
// missing server fails the test instead.
package pgtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// EnvDSN names the test server's address; EnvEngine asks for PostgreSQL.
const (
	EnvDSN    = "SERVICEDESK_TEST_PG_DSN"
	EnvEngine = "SERVICEDESK_TEST_ENGINE"
)

// NewDatabase creates an empty database with a random name and returns its
// address; it is dropped (connections and all) when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		if os.Getenv(EnvEngine) == "postgres" {
			t.Fatalf("%s=postgres but %s is not set: run the tests through scripts/pg-test.sh", EnvEngine, EnvDSN)
		}
		t.Skipf("PostgreSQL test skipped: %s is not set (`make test` or scripts/pg-test.sh go test … runs it)", EnvDSN)
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("%s: cannot parse the address", EnvDSN)
	}
	admin := stdlib.OpenDB(*cfg)
	b := make([]byte, 8)
	rand.Read(b)
	name := "sdtest_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s: %v", EnvDSN, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Open is a plain connection pool to addr for checks a test makes itself.
func Open(t testing.TB, addr string) *sql.DB {
	t.Helper()
	cfg, err := pgx.ParseConfig(addr)
	if err != nil {
		t.Fatalf("parse test database address: %v", err)
	}
	db := stdlib.OpenDB(*cfg)
	t.Cleanup(func() { db.Close() })
	return db
}
