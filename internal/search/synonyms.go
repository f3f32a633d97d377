package search

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"os"
	"strings"
)

//go:embed synonyms.txt
var defaultSynonyms string

// Synonyms maps a lower-case word or phrase to the other words of its group.
type Synonyms struct {
	groups map[string][]string
}

// DefaultSynonyms are the backend jargon groups kbbot ships with.
func DefaultSynonyms() *Synonyms {
	s, err := ParseSynonyms(strings.NewReader(defaultSynonyms))
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return s
}

// LoadSynonyms reads the shipped groups plus an admin's file (same format:
// one group per line, comma-separated, # comments).
func LoadSynonyms(path string) (*Synonyms, error) {
	s := DefaultSynonyms()
	if path == "" {
		return s, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("synonyms file: %w", err)
	}
	defer f.Close()
	extra, err := ParseSynonyms(f)
	if err != nil {
		return nil, fmt.Errorf("synonyms file %s: %w", path, err)
	}
	for k, v := range extra.groups {
		s.groups[k] = dedupe(append(s.groups[k], v...))
	}
	return s, nil
}

// ParseSynonyms reads groups, one per line.
func ParseSynonyms(r io.Reader) (*Synonyms, error) {
	s := &Synonyms{groups: map[string][]string{}}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		if i := strings.IndexByte(t, '#'); i >= 0 {
			t = t[:i]
		}
		var words []string
		for _, w := range strings.Split(t, ",") {
			if w = strings.Join(strings.Fields(strings.ToLower(w)), " "); w != "" {
				words = append(words, w)
			}
		}
		if len(words) == 0 {
			continue
		}
		if len(words) == 1 {
			return nil, fmt.Errorf("line %d: a group needs at least two words separated by commas", line)
		}
		for _, w := range words {
			for _, o := range words {
				if o != w {
					s.groups[w] = append(s.groups[w], o)
				}
			}
		}
	}
	for k, v := range s.groups {
		s.groups[k] = dedupe(v)
	}
	return s, sc.Err()
}

// Of returns the other words for w (lower-case), or nil.
func (s *Synonyms) Of(w string) []string { return s.groups[w] }

// Len is the number of words with synonyms.
func (s *Synonyms) Len() int { return len(s.groups) }

func dedupe(v []string) []string {
	seen := map[string]bool{}
	out := v[:0]
	for _, x := range v {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
