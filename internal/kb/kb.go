// Package kb holds the shared vocabulary of kbbot: articles, their sections,
// and the answers a search gives. It imports nothing of Slack or Bleve.
package kb

import (
	"context"
	"time"
)

// Article is one knowledge file, parsed.
type Article struct {
	Path     string    // path relative to the knowledge folder, with forward slashes
	Title    string    // from front matter, <title>, a first line, or the file name
	Tags     []string  // front-matter tags
	Aliases  []string  // other names for the topic
	URL      string    // canonical URL from front matter, if any
	Owner    string    // front-matter owner, if any
	Updated  time.Time // front-matter updated date, zero if unknown
	Sections []Section // in document order
	Hash     string    // content hash of the source file
}

// Section is one passage of an article: the text under one heading.
type Section struct {
	Heading string   // the section's own heading ("" for the lead)
	Path    []string // heading path from the top, e.g. ["Caching", "TTLs"]
	Anchor  string   // URL fragment for the heading ("" for the lead)
	Text    string   // clean plain text, paragraphs separated by blank lines
	Links   float64  // share of Text in paragraphs that are mostly link text: near 1 for a table of contents or an index
}

// Fragment is a piece of an excerpt; Match marks words that matched the question.
type Fragment struct {
	Text  string `json:"text"`
	Match bool   `json:"match,omitempty"`
	Code  bool   `json:"code,omitempty"` // a code block, shown as code and never marked
}

// Excerpt is a short passage cut around the best-matching sentences.
type Excerpt []Fragment

// Plain returns the excerpt's text without highlight marks.
func (e Excerpt) Plain() string {
	n := 0
	for _, f := range e {
		n += len(f.Text)
	}
	b := make([]byte, 0, n+2*len(e))
	for i, f := range e {
		if f.Code && i > 0 {
			b = append(b, '\n')
		}
		b = append(b, f.Text...)
		if f.Code && i < len(e)-1 {
			b = append(b, '\n')
		}
	}
	return string(b)
}

// Result is one article that answers a question, with its best section.
type Result struct {
	Title   string
	Section string // heading of the best section ("" for the lead)
	Path    string // relative path of the article
	URL     string // link to the source
	Tags    []string
	Updated time.Time
	Excerpt Excerpt
	Score   float64
}

// Answer is what a search returns for one question.
type Answer struct {
	Question string   // the question as asked
	Kind     Kind     // what sort of question it was
	Results  []Result // best first; empty means "I don't know"
}

// Kind tells a real question from small talk.
type Kind int

const (
	KindQuestion Kind = iota // a question to search for
	KindGreeting             // "hi", "hello", "thanks"...
	KindHelp                 // "help", "what can you do"
	KindEmpty                // nothing left after cleanup
)

// Answered reports whether the answer has any results.
func (a Answer) Answered() bool { return len(a.Results) > 0 }

// Stats describes the index that answers questions.
type Stats struct {
	Articles    int
	Sections    int
	Topics      []Topic
	Examples    []string // questions the knowledge base answers (section headings)
	IndexedAt   time.Time
	IndexBytes  int64
	Skipped     []Skip
	LastOutcome string
}

// FormatTime is how times read in what the bot says (stats, reports): one
// format everywhere, in UTC.
func FormatTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// Topic is a tag or title and how many articles carry it.
type Topic struct {
	Name     string
	Articles int
}

// Skip records a knowledge file that was not indexed, and why.
type Skip struct {
	Path   string
	Reason string
}

// Report summarises one (re)index run.
type Report struct {
	Full     bool          // a full rebuild rather than an incremental update
	Articles int           // articles in the index afterwards
	Sections int           // sections in the index afterwards
	Added    []string      // paths of articles new since the last index
	Changed  []string      // paths whose content changed
	Removed  []string      // paths no longer in the folder
	Skipped  []Skip        // files not indexed, with reasons
	Duration time.Duration // wall time of the run
	Changes  *Changes      // what the new index answers differently; nil when not compared
}

// Asker answers questions: an index generation, or the live library.
type Asker interface {
	Ask(ctx context.Context, question string, limit int) (Answer, error)
}

// Changes is what a new index answers differently from the one it
// replaced, found by asking both the same recent questions.
type Changes struct {
	Questions        int      // questions asked of both
	NowAnswered      int      // answered now, "I don't know" before
	NoLongerAnswered int      // answered before, "I don't know" now
	NewTop           int      // answered by both, with another first article
	Examples         []Change // a few of each kind
}

// Change kinds.
const (
	ChangeNowAnswered      = "now_answered"
	ChangeNoLongerAnswered = "no_longer_answered"
	ChangeNewTop           = "new_top"
)

// Change is one question whose answer a reindex changed.
type Change struct {
	Kind     string // ChangeNowAnswered, ChangeNoLongerAnswered or ChangeNewTop
	Question string
	Before   string // first article's path before, "" for "I don't know"
	After    string // first article's path now, "" for "I don't know"
}

// Any reports whether some answer changed.
func (c Changes) Any() bool { return c.NowAnswered+c.NoLongerAnswered+c.NewTop > 0 }

// Progress is a step of an index run, for progress bars and Slack updates.
type Progress struct {
	Done, Total int    // files read so far, files to read
	Path        string // file just read
}
