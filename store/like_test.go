package store

import (
	"reflect"
	"testing"
)

func TestLikeAny(t *testing.T) {
	cond, args := likeAny(`Ab_%\c`, "m.login", "m.first_name || ' ' || m.last_name")
	want := `(LOWER(m.login) LIKE ? ESCAPE '\' OR LOWER(m.first_name || ' ' || m.last_name) LIKE ? ESCAPE '\')`
	if cond != want {
		t.Errorf("cond = %s\nwant   %s", cond, want)
	}
	if p := `%ab\_\%\\c%`; !reflect.DeepEqual(args, []any{p, p}) {
		t.Errorf("args = %q", args)
	}
}
