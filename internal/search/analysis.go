package search

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	unitok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// identName is the token filter that splits identifiers, and tokenizerName
// the tokenizer that keeps hyphenated words whole for it.
const (
	identName     = "kb_ident"
	tokenizerName = "kb_unicode"
)

func init() {
	err := registry.RegisterTokenFilter(identName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return identFilter{}, nil
	})
	if err != nil {
		panic(err)
	}
	err = registry.RegisterTokenizer(tokenizerName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return hyphenTokenizer{unitok.NewUnicodeTokenizer()}, nil
	})
	if err != nil {
		panic(err)
	}
}

// hyphenTokenizer is Bleve's Unicode word tokenizer, except that words
// joined by single hyphens ("no-cache", "blue-green", "max-connections")
// stay one token, as "os.path" and "pg_stat_statements" already do; the
// identifier filter then adds the parts. A kebab-case name is matched whole
// or word by word.
type hyphenTokenizer struct{ uni analysis.Tokenizer }

func (t hyphenTokenizer) Tokenize(input []byte) analysis.TokenStream {
	in := t.uni.Tokenize(input)
	out := in[:0]
	for _, tok := range in {
		if n := len(out); n > 0 {
			prev := out[n-1]
			if prev.End+1 == tok.Start && input[prev.End] == '-' && joinable(prev.Type) && joinable(tok.Type) {
				prev.Term = input[prev.Start:tok.End]
				prev.End = tok.End
				prev.Type = analysis.AlphaNumeric
				continue
			}
		}
		tok.Position = len(out) + 1
		out = append(out, tok)
	}
	return out
}

func joinable(t analysis.TokenType) bool {
	return t == analysis.AlphaNumeric || t == analysis.Numeric
}

// identFilter keeps an identifier whole and adds its parts at the same
// position, so `pg_stat_statements`, `os.path.join` and `maxConnections`
// match both as typed and word by word ("statements", "max connections").
// It runs before lower-casing, which camelCase splitting needs.
type identFilter struct{}

func (identFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	var out analysis.TokenStream
	for _, tok := range in {
		out = append(out, tok)
		parts := identParts(tok.Term)
		if len(parts) < 2 {
			continue
		}
		for _, p := range parts {
			if utf8.RuneCount(p) < 2 {
				continue // "e.g" needs no "e" and "g"
			}
			out = append(out, &analysis.Token{Term: p, Start: tok.Start, End: tok.End, Position: tok.Position, Type: tok.Type})
		}
	}
	return out
}

// identParts splits a word at '_', '.' and '-', and at lower-to-upper case
// changes (camelCase, HTTPServer -> HTTP Server). A plain word gives one part.
func identParts(w []byte) [][]byte {
	var parts [][]byte
	start := 0
	var prev rune
	for i := 0; i < len(w); {
		r, n := utf8.DecodeRune(w[i:])
		switch {
		case r == '_' || r == '.' || r == '-':
			if i > start {
				parts = append(parts, w[start:i])
			}
			start = i + n
		case unicode.IsUpper(r) && i > start && (unicode.IsLower(prev) || unicode.IsDigit(prev) || unicode.IsUpper(prev) && nextIsLower(w[i+n:])):
			parts = append(parts, w[start:i])
			start = i
		}
		prev = r
		i += n
	}
	if start < len(w) && start > 0 {
		parts = append(parts, w[start:])
	} else if start == 0 && len(parts) > 0 {
		parts = append(parts, w)
	}
	return parts
}

func nextIsLower(b []byte) bool {
	r, _ := utf8.DecodeRune(b)
	return unicode.IsLower(r)
}
