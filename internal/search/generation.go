package search

import "path/filepath"

// Generation names the index generation that answers now ("" before Open),
// so that a recorded answer says which index gave it.
func (l *Library) Generation() string {
	if ix := l.cur.Load(); ix != nil {
		return filepath.Base(ix.Dir())
	}
	return ""
}
