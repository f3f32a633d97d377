package search

import (
	"strings"
	"testing"
)

func TestIdentParts(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"pg_stat_statements", "pg|stat|statements"},
		{"os.path.join", "os|path|join"},
		{"camelCase", "camel|Case"},
		{"HTTPServer", "HTTP|Server"},
		{"getUserByID", "get|User|By|ID"},
		{"work_mem", "work|mem"},
		{"plain", ""},
		{"_private", "private"},
		{"UPPER", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			var got []string
			for _, p := range identParts([]byte(tc.in)) {
				got = append(got, string(p))
			}
			if g := strings.Join(got, "|"); g != tc.want && !(len(got) == 1 && tc.want == "") {
				t.Errorf("identParts(%q) = %q, want %q", tc.in, g, tc.want)
			}
		})
	}
}
