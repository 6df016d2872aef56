package localefix

import "testing"

func TestApply(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{"LANG": "C.UTF-8"}, true},
		{map[string]string{"LANG": "C.utf8"}, true},
		{map[string]string{"LC_ALL": "POSIX.UTF-8", "LANG": "zh_CN.UTF-8"}, true},
		{map[string]string{"LC_MESSAGES": "C@euro"}, true},
		{map[string]string{"LANG": "C"}, false},     // go-locale handles C itself
		{map[string]string{"LANG": "POSIX"}, false}, // and POSIX
		{map[string]string{}, false},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, false},
		{map[string]string{"LC_ALL": "en_US.UTF-8", "LANG": "C.UTF-8"}, false},
		{map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "zh_CN"}, false}, // the user's choice wins
	} {
		env := map[string]string{}
		for k, v := range c.env {
			env[k] = v
		}
		got := Apply(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
		if got != c.want {
			t.Errorf("%v: changed = %v, want %v", c.env, got, c.want)
		}
		if got && env["LANGUAGE"] != "en" {
			t.Errorf("%v: LANGUAGE = %q", c.env, env["LANGUAGE"])
		}
	}
}
