package store

import (
	"slices"
	"strings"
	"unicode"
)

// Terms analyses a question into the words that group it with others:
// lower case, punctuation and stop words dropped, each word once, sorted.
// "How do I prevent SQL injection?" and "prevent sql injection how" both
// give "injection prevent sql". It is what is kept of a question when
// STORE_QUESTION_TEXT is false.
func Terms(question string) string {
	words := strings.FieldsFunc(strings.ToLower(question), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '#' && r != '+'
	})
	out := words[:0]
	for _, w := range words {
		if len(w) < 2 && !unicode.IsDigit(rune(w[0])) || stopWords[w] {
			continue
		}
		out = append(out, w)
	}
	slices.Sort(out)
	return strings.Join(slices.Compact(out), " ")
}

// stopWords are English function words and question openers, which say
// nothing about the topic.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about an and are as at be been but by can could did do does
		doing for from had has have how i if in into is it its me my of on or our should so than
		that the their them then there these they this those to was we were what when where which
		who whom why will with would you your yours please tell explain kbbot hi hello hey thanks
		s t don doesn isn aren way ways best use using used get`) {
		m[w] = true
	}
	return m
}()
