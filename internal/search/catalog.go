package search

import "github.com/kbbot/kbbot/internal/kb"

// Articles lists the articles of the current index generation (nil before
// Open), for the Slack layer's topic list and article owners.
func (l *Library) Articles() []kb.Article {
	ix := l.cur.Load()
	if ix == nil {
		return nil
	}
	return ix.Articles()
}
