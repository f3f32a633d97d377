package search

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// wordCache memoises the analysed forms of single words. Excerpts, scoring
// and highlighting analyse a lot of text per question; splitting words here
// and analysing each distinct word once is many times faster than running
// the full Bleve analysis chain every time, and gives the same terms.
type wordCache struct {
	an analysis.Analyzer
	mu sync.RWMutex
	m  map[string][]string
}

const wordCacheMax = 500_000

func newWordCache(an analysis.Analyzer) *wordCache {
	return &wordCache{an: an, m: make(map[string][]string, 4096)}
}

// terms returns the analysed forms of one word as written: none for a stop
// word, the word and its parts for an identifier (see identFilter).
func (c *wordCache) terms(w string) []string {
	c.mu.RLock()
	t, ok := c.m[w]
	c.mu.RUnlock()
	if ok {
		return t
	}
	toks := c.an.Analyze([]byte(w))
	if len(toks) > 0 {
		t = make([]string, 0, len(toks))
		for _, tk := range toks {
			t = append(t, string(tk.Term))
		}
	}
	c.mu.Lock()
	if len(c.m) < wordCacheMax {
		c.m[w] = t
	}
	c.mu.Unlock()
	return t
}

// each calls fn for every analysed term of every word of s, with the word's
// byte span (stop words are skipped; an identifier yields itself and its
// parts with the same span). Words are split as Bleve's Unicode tokenizer
// splits them, so the terms are the index's terms.
func (c *wordCache) each(s string, fn func(start, end int, term string)) {
	eachWord(s, func(start, end int) {
		for _, t := range c.terms(s[start:end]) {
			fn(start, end, t)
		}
	})
}

// eachWord calls fn with the span of every word of s.
func eachWord(s string, fn func(start, end int)) {
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
			// Keep "don't", "os.path" and "3.14" whole, as the Unicode
			// word rules do, and "no-cache" as the index's tokenizer does.
			if (r == '\'' || r == '’' || r == '.' || r == ',' || r == '-') && i+n < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[i+n:])
				prev, _ := utf8.DecodeLastRuneInString(s[start:i])
				digits := unicode.IsDigit(r2) && unicode.IsDigit(prev)
				letters := unicode.IsLetter(r2) && unicode.IsLetter(prev)
				hyphen := r == '-' && isWordRune(r2) && isWordRune(prev)
				if (r == '.' || r == ',') && digits || (r == '\'' || r == '’' || r == '.') && letters || hyphen {
					i += n + n2
					continue
				}
			}
			break
		}
		fn(start, i)
	}
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}
