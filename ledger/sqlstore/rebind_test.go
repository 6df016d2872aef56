package sqlstore

import (
	"strconv"
	"strings"
	"testing"
)

func TestRebindDollar(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = $1 AND b = $2"},
		{"INSERT INTO t VALUES (?,?,?)", "INSERT INTO t VALUES ($1,$2,$3)"},
		{"SELECT '?' , ?", "SELECT '?' , $1"},
		{"SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1"},
		{`SELECT E'\'?', ?`, `SELECT E'\'?', $1`},
		{`SELECT '\', ?`, `SELECT '\', $1`}, // standard strings: backslash is plain
		{`SELECT "col?" FROM t WHERE x = ?`, `SELECT "col?" FROM t WHERE x = $1`},
		{"SELECT ? -- why?\n, ?", "SELECT $1 -- why?\n, $2"},
		{"SELECT /* ? /* nested ? */ ? */ ?", "SELECT /* ? /* nested ? */ ? */ $1"},
		{"SELECT $$ ? $$, ?", "SELECT $$ ? $$, $1"},
		{"SELECT $tag$ ? $x$ ? $tag$, ?", "SELECT $tag$ ? $x$ ? $tag$, $1"},
		{"SELECT a$b, ?", "SELECT a$b, $1"},
		{"SELECT ?$$ x $$", "SELECT $1 $$ x $$"},
		{"SELECT a?, ?1, x=?", "SELECT a $1, $2 1, x=$3"},
		{"SELECT 'unterminated ?", "SELECT 'unterminated ?"},
		{"SELECT 雨伞 = ?", "SELECT 雨伞 = $1"},
		{"LIKE ? ESCAPE '\\'", "LIKE $1 ESCAPE '\\'"},
	} {
		if got := rebindDollar(c.in); got != c.want {
			t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.want)
		}
		if again := rebindDollar(rebindDollar(c.in)); again != c.want {
			t.Errorf("rebind twice (%q) = %q", c.in, again)
		}
	}
}

// FuzzRebindDollar checks that rebinding never panics, changes nothing
// without a `?`, is idempotent, and replaces exactly the placeholders it
// numbers: putting `?` back for $1…$n gives the input again.
func FuzzRebindDollar(f *testing.F) {
	for _, s := range []string{"SELECT ?", "'?'", `E'\'?'`, `"?"`, "-- ?\n?", "/* /* ? */ */ ?", "$$?$$?", "$a$?$a$?", "a$b?", "?$1", "$1?"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		out := rebindDollar(q)
		if !strings.Contains(q, "?") && out != q {
			t.Fatalf("changed without placeholder: %q -> %q", q, out)
		}
		if again := rebindDollar(out); again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", q, out, again)
		}
		// Undo: every `$n` that rebind wrote is at a position where q had a
		// `?`; walk both strings together.
		n := 0
		i, j := 0, 0
		for i < len(q) && j < len(out) {
			if q[i] == out[j] {
				i, j = i+1, j+1
				continue
			}
			if q[i] == '?' && out[j] == ' ' {
				j++ // the space rebind puts between a name and $n
			}
			if q[i] != '?' || j >= len(out) || out[j] != '$' {
				t.Fatalf("%q -> %q: differs at %d/%d", q, out, i, j)
			}
			n++
			num := strings.TrimPrefix(out[j:], "$")
			want := strconv.Itoa(n)
			if !strings.HasPrefix(num, want) {
				t.Fatalf("%q -> %q: placeholder %d numbered %q", q, out, n, num)
			}
			i, j = i+1, j+1+len(want)
			if j < len(out) && out[j] == ' ' && (i == len(q) || q[i] != ' ') {
				j++ // the space rebind puts between $n and a name
			}
		}
		if i != len(q) || j != len(out) {
			t.Fatalf("%q -> %q: trailing difference", q, out)
		}
	})
}
