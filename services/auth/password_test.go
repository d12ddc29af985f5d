package auth

import (
	"errors"
	"testing"
)

// TestPasswordPolicy: short, common (the demo's outside the demo),
// repeated and login-holding passwords are refused, each saying why.
func TestPasswordPolicy(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		login, password string
		demo, ok        bool
	}{
		{"zhang", "correct horse battery", false, true},
		{"zhang", "short", false, false},
		{"zhang", "Password123", false, false},
		{"zhang", "QWERTYUIOP", false, false},
		{"zhang", DemoPassword, false, false},
		{"admin", DemoPassword, true, true},
		{"zhangsan", "my-zhangsan-2025", false, false},
		{"zhangsan", "My-ZhangSan-2025", false, false},
		{"zl", "zl-a long enough", false, true}, // logins under three characters are not looked for
		{"zhang", "xxxxxxxxxxxxxx", false, false},
		{"zhang", "密码密码密码密码密码", false, true},
		{"zhang", "密密密密密密密密密密", false, false},
	} {
		err := checkPolicy(c.login, c.password, c.demo)
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, ErrWeakPassword)) {
			t.Errorf("%s / %q (demo %v): %v, want ok %v", c.login, c.password, c.demo, err, c.ok)
		}
	}
}
