package knowledge

// headingPath is the chain of headings above the current one: each new
// heading closes every open heading of its level or deeper. Levels are
// compared, not counted, so an article whose sections are all "##" (no
// "#") gives each its own one-step path rather than nesting each under the
// first.
type headingPath struct {
	levels []int
	titles []string
}

// push opens a heading of level and returns the path to it, a fresh slice.
func (h *headingPath) push(level int, title string) []string {
	for len(h.levels) > 0 && h.levels[len(h.levels)-1] >= level {
		h.levels = h.levels[:len(h.levels)-1]
		h.titles = h.titles[:len(h.titles)-1]
	}
	h.levels = append(h.levels, level)
	h.titles = append(h.titles, title)
	return append([]string(nil), h.titles...)
}
