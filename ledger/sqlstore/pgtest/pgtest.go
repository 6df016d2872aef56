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
	admin := adminDB(t)
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
	u, err := url.Parse(os.Getenv(EnvDSN))
	if err != nil {
		t.Fatalf("%s: %v", EnvDSN, err)
	}
	u.Path = "/" + name
	return u.String()
}

// NewRole creates a login role with a random name and password on the
// test server and drops it when the test ends. Call it before NewDatabase
// for databases the role gets rights in: cleanups run last-in first-out,
// and a role cannot be dropped while a database still grants it anything.
func NewRole(t testing.TB) (name, password string) {
	t.Helper()
	admin := adminDB(t)
	b := make([]byte, 8)
	rand.Read(b)
	name, password = "sdrole_"+hex.EncodeToString(b[:4]), hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE ROLE " + name + " LOGIN PASSWORD '" + password + "'"); err != nil {
		admin.Close()
		t.Fatalf("create test role: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP ROLE IF EXISTS " + name); err != nil {
			t.Errorf("drop test role %s: %v", name, err)
		}
	})
	return name, password
}

// WithUser returns addr connecting as user with password.
func WithUser(t testing.TB, addr, user, password string) string {
	t.Helper()
	u, err := url.Parse(addr)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(user, password)
	return u.String()
}

// adminDB opens the test server's maintenance database (skipping or
// failing the test as NewDatabase does when there is none).
func adminDB(t testing.TB) *sql.DB {
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
	return stdlib.OpenDB(*cfg)
}
