package slackbot

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/kbbot/kbbot/internal/kb"
)

// Topic groups for /kb topics: a few headings that fit one screen, each
// with the titles of its articles.
const (
	maxTopicGroups  = 8  // headings on the overview, "Other" included
	minTopicGroup   = 2  // articles a heading needs, or they go to Other
	titlesPerGroup  = 10 // titles shown per heading on the overview
	otherTopicGroup = "other"
)

// topicGroup is a heading of /kb topics and its articles.
type topicGroup struct {
	Key   string // what /kb topics KEY matches: a folder, or a tag merged over plural and spelling
	Name  string // as shown: the folder, or the tag's most used spelling
	Items []kb.Article
}

// tagKey folds the spellings of a tag together: case, "-", "_" and spaces.
func tagKey(t string) string {
	return strings.Trim(strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_':
			return '-'
		}
		return r
	}, strings.ToLower(strings.TrimSpace(t))), "-")
}

// tagIndex maps each article's tags to keys that merge singular and plural
// ("api"/"apis", "queue"/"queues", "class"/"classes") and keeps each key's
// most used spelling.
type tagIndex struct {
	key  map[string]string // tagKey -> merged key
	name map[string]string // merged key -> shown name
	arts map[string][]kb.Article
}

func newTagIndex(arts []kb.Article) tagIndex {
	seen := map[string]bool{}
	spellings := map[string]map[string]int{}
	for _, a := range arts {
		for _, t := range a.Tags {
			k := tagKey(t)
			if k == "" {
				continue
			}
			seen[k] = true
			if spellings[k] == nil {
				spellings[k] = map[string]int{}
			}
			spellings[k][strings.TrimSpace(t)]++
		}
	}
	ti := tagIndex{key: map[string]string{}, name: map[string]string{}, arts: map[string][]kb.Article{}}
	for k := range seen {
		m := k
		switch {
		case strings.HasSuffix(k, "ies") && seen[strings.TrimSuffix(k, "ies")+"y"]:
			m = strings.TrimSuffix(k, "ies") + "y"
		case strings.HasSuffix(k, "es") && seen[strings.TrimSuffix(k, "es")]:
			m = strings.TrimSuffix(k, "es")
		case strings.HasSuffix(k, "s") && !strings.HasSuffix(k, "ss") && seen[strings.TrimSuffix(k, "s")]:
			m = strings.TrimSuffix(k, "s")
		}
		ti.key[k] = m
	}
	counts := map[string]map[string]int{}
	for k, sp := range spellings {
		m := ti.key[k]
		if counts[m] == nil {
			counts[m] = map[string]int{}
		}
		for s, n := range sp {
			counts[m][s] += n
		}
	}
	for m, sp := range counts {
		// The most used spelling; among equals the plain one (lower case,
		// hyphens), then the shorter (singular).
		best, bestN := "", 0
		for s, n := range sp {
			plain, bestPlain := s == tagKey(s), best == tagKey(best)
			if n > bestN || n == bestN && (plain && !bestPlain || plain == bestPlain && (len(s) < len(best) || len(s) == len(best) && s < best)) {
				best, bestN = s, n
			}
		}
		ti.name[m] = best
	}
	for _, a := range arts {
		done := map[string]bool{}
		for _, t := range a.Tags {
			if m, ok := ti.key[tagKey(t)]; ok && !done[m] {
				done[m] = true
				ti.arts[m] = append(ti.arts[m], a)
			}
		}
	}
	return ti
}

// folder is an article's top-level folder, "" at the top.
func folder(path string) string {
	if i := strings.IndexByte(path, '/'); i > 0 {
		return path[:i]
	}
	return ""
}

// topicGroups puts every article under one of a few headings: the
// top-level folders when most articles live in folders, else the tags that
// cover the most articles not yet placed (each article shows once). What is
// left goes to Other.
func topicGroups(arts []kb.Article) []topicGroup {
	arts = slices.Clone(arts)
	slices.SortFunc(arts, func(a, b kb.Article) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)), cmp.Compare(a.Path, b.Path))
	})
	var groups []topicGroup
	var rest []kb.Article
	byFolder := map[string][]kb.Article{}
	top := 0
	for _, a := range arts {
		f := folder(a.Path)
		if f == "" {
			top++
		}
		byFolder[f] = append(byFolder[f], a)
	}
	big := 0
	for f, as := range byFolder {
		if f != "" && len(as) >= minTopicGroup {
			big++
		}
	}
	if big >= 2 && top*2 < len(arts) {
		for f, as := range byFolder {
			if f == "" || len(as) < minTopicGroup {
				rest = append(rest, as...)
				continue
			}
			groups = append(groups, topicGroup{Key: tagKey(f), Name: f, Items: as})
		}
	} else {
		ti := newTagIndex(arts)
		placed := map[string]bool{}
		for len(groups) < maxTopicGroups-1 {
			best, bestN := "", 0
			for m, as := range ti.arts {
				n := 0
				for _, a := range as {
					if !placed[a.Path] {
						n++
					}
				}
				if n > bestN || n == bestN && n > 0 && m < best {
					best, bestN = m, n
				}
			}
			if bestN < minTopicGroup {
				break
			}
			g := topicGroup{Key: best, Name: ti.name[best]}
			for _, a := range ti.arts[best] {
				if !placed[a.Path] {
					placed[a.Path] = true
					g.Items = append(g.Items, a)
				}
			}
			groups = append(groups, g)
		}
		for _, a := range arts {
			if !placed[a.Path] {
				rest = append(rest, a)
			}
		}
	}
	slices.SortFunc(groups, func(a, b topicGroup) int {
		return cmp.Or(len(b.Items)-len(a.Items), cmp.Compare(a.Key, b.Key))
	})
	if len(groups) > maxTopicGroups-1 { // folders: the smallest join Other
		for _, g := range groups[maxTopicGroups-1:] {
			rest = append(rest, g.Items...)
		}
		groups = groups[:maxTopicGroups-1]
	}
	if len(rest) > 0 {
		slices.SortFunc(rest, func(a, b kb.Article) int {
			return cmp.Or(cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)), cmp.Compare(a.Path, b.Path))
		})
		groups = append(groups, topicGroup{Key: otherTopicGroup, Name: otherTopicGroup, Items: rest})
	}
	return groups
}

// findTopic is the articles /kb topics NAME asks for: every article with
// that tag (plural or not), else a heading of the overview (Other, a
// folder), else a top-level folder.
func findTopic(arts []kb.Article, name string) (topicGroup, bool) {
	k := tagKey(name)
	if k == "" {
		return topicGroup{}, false
	}
	byTitle := func(as []kb.Article) []kb.Article {
		as = slices.Clone(as)
		slices.SortFunc(as, func(a, b kb.Article) int {
			return cmp.Or(cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)), cmp.Compare(a.Path, b.Path))
		})
		return as
	}
	ti := newTagIndex(arts)
	for _, alt := range []string{k, strings.TrimSuffix(k, "s"), strings.TrimSuffix(k, "es"), strings.TrimSuffix(k, "ies") + "y", k + "s"} {
		if m, ok := ti.key[alt]; ok && k != otherTopicGroup {
			return topicGroup{Key: m, Name: ti.name[m], Items: byTitle(ti.arts[m])}, true
		}
	}
	for _, g := range topicGroups(arts) {
		if g.Key == k {
			return g, true
		}
	}
	var as []kb.Article
	for _, a := range arts {
		if tagKey(folder(a.Path)) == k {
			as = append(as, a)
		}
	}
	if len(as) > 0 {
		return topicGroup{Key: k, Name: folder(as[0].Path), Items: byTitle(as)}, true
	}
	return topicGroup{}, false
}

func titleOf(a kb.Article) string {
	return cmp.Or(strings.TrimSpace(a.Title), a.Path)
}

// shortTitle is a title without its subtitle ("GraphQL: schemas, queries…"
// is "GraphQL"), so that the overview fits one screen.
func shortTitle(a kb.Article) string {
	t := titleOf(a)
	if head, _, ok := strings.Cut(t, ": "); ok && len(head) >= 3 {
		return head
	}
	return t
}

// topicGroupsMessage is /kb topics: the article titles under a few
// headings, on one screen.
func (r renderer) topicGroupsMessage(arts []kb.Article) message {
	if len(arts) == 0 {
		text := "The knowledge base has no articles yet."
		return message{Text: text, Blocks: []slack.Block{section(text)}}
	}
	groups := topicGroups(arts)
	intro := fmt.Sprintf("*What I know about*: %s under %s", plural(len(arts), "article"), plural(len(groups), "heading"))
	blocks := []slack.Block{section(intro)}
	var names []string
	for _, g := range groups {
		titles := make([]string, 0, min(len(g.Items), titlesPerGroup))
		for i, a := range g.Items {
			if i == titlesPerGroup {
				break
			}
			titles = append(titles, clip(shortTitle(a), 60))
		}
		body := fmt.Sprintf("*%s* (%d)\n%s", clip(g.Name, 60), len(g.Items), strings.Join(titles, " · "))
		if more := len(g.Items) - len(titles); more > 0 {
			body += fmt.Sprintf(" · _…and %d more: `%s topics %s`_", more, r.command, clip(g.Key, 60))
		}
		blocks = append(blocks, section(clipMrkdwnLines(body, maxSectionText)))
		names = append(names, fmt.Sprintf("%s (%d)", clip(g.Name, 60), len(g.Items)))
	}
	text := intro + ": " + strings.Join(names, ", ")
	blocks = append(blocks, contextBlock(fmt.Sprintf("`%s topics NAME` lists one heading, tag or folder in full. Ask about any of these: mention me, DM me, or `%s your question`.", r.command, r.command)))
	return message{Text: fitText(text), Blocks: blocks}
}

// topicMessage is /kb topics NAME: every article of one heading, tag or
// folder.
func (r renderer) topicMessage(arts []kb.Article, name string) message {
	g, ok := findTopic(arts, name)
	if !ok {
		var names []string
		for _, g := range topicGroups(arts) {
			names = append(names, "`"+clip(g.Key, 60)+"`")
		}
		text := fmt.Sprintf(":information_source: No heading, tag or folder is called %s. Try one of %s, or `%s topics` for the overview.",
			quote(name), strings.Join(names, ", "), r.command)
		return message{Text: fitText(text), Blocks: []slack.Block{section(clipMrkdwnLines(text, maxSectionText))}}
	}
	head := fmt.Sprintf("*%s*: %s", clip(g.Name, 60), plural(len(g.Items), "article"))
	lines := make([]string, 0, len(g.Items))
	for _, a := range g.Items {
		lines = append(lines, "• "+clip(titleOf(a), 150))
	}
	blocks := []slack.Block{section(head)}
	blocks = append(blocks, listSections(lines, maxBlocks-2)...)
	blocks = append(blocks, contextBlock(fmt.Sprintf("`%s topics` shows every heading.", r.command)))
	return message{Text: fitText(head + "\n" + strings.Join(lines, "\n")), Blocks: blocks}
}

// shownStats is the index's statistics for help, greetings and the Home
// tab: with a catalog, their topics are the headings of /kb topics (tags
// merged over plural and spelling, Other left out) rather than every tag.
func (b *Bot) shownStats() kb.Stats {
	s := b.opts.Searcher.Stats()
	if b.opts.Catalog == nil {
		return s
	}
	arts := b.opts.Catalog.Articles()
	if len(arts) == 0 {
		return s
	}
	var ts []kb.Topic
	for _, g := range topicGroups(arts) {
		if g.Key != otherTopicGroup {
			ts = append(ts, kb.Topic{Name: g.Name, Articles: len(g.Items)})
		}
	}
	if len(ts) > 0 {
		s.Topics = ts
	}
	return s
}
