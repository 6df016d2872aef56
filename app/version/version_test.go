package version

import "testing"

func TestString(t *testing.T) {
	saveV, saveC := Version, Commit
	defer func() { Version, Commit = saveV, saveC }()

	for _, tc := range []struct{ v, c, want string }{
		{"dev", "dev", "dev"},
		{"v0.1.0", "abc1234", "v0.1.0 (abc1234)"},
		{"v0.1.0", "", "v0.1.0"},
	} {
		Version, Commit = tc.v, tc.c
		if got := String(); got != tc.want {
			t.Errorf("String() with %q/%q = %q, want %q", tc.v, tc.c, got, tc.want)
		}
	}
}
