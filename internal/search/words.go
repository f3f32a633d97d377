package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// wordCache memoises the analysed form of single words. Excerpts, coverage
// and highlighting analyse a lot of text per question; splitting words here
// and stemming each distinct word once is many times faster than running the
// full Bleve analysis chain every time, and gives the same terms for plain
// words.
type wordCache struct {
	an analysis.Analyzer
	mu sync.RWMutex
	m  map[string]string
}

const wordCacheMax = 500_000

func newWordCache(an analysis.Analyzer) *wordCache {
	return &wordCache{an: an, m: make(map[string]string, 4096)}
}

// term returns the analysed form of one lower-case word, "" for a stop word.
func (c *wordCache) term(w string) string {
	c.mu.RLock()
	t, ok := c.m[w]
	c.mu.RUnlock()
	if ok {
		return t
	}
	toks := c.an.Analyze([]byte(w))
	if len(toks) > 0 {
		t = string(toks[0].Term)
	}
	c.mu.Lock()
	if len(c.m) < wordCacheMax {
		c.m[w] = t
	}
	c.mu.Unlock()
	return t
}

// each calls fn for every word of s with its byte span and analysed term
// (stop words are skipped).
func (c *wordCache) each(s string, fn func(start, end int, term string)) {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		start := i
		i += n
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) {
				i += n
				continue
			}
			// Keep "don't" and "3.14" whole, as the Unicode word rules do.
			if (r == '\'' || r == '’' || r == '.') && i+n < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[i+n:])
				prev, _ := utf8.DecodeLastRuneInString(s[start:i])
				if r == '.' && unicode.IsDigit(r2) && unicode.IsDigit(prev) || r != '.' && unicode.IsLetter(r2) && unicode.IsLetter(prev) {
					i += n + n2
					continue
				}
			}
			break
		}
		if t := c.term(strings.ToLower(s[start:i])); t != "" {
			fn(start, i, t)
		}
	}
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}
