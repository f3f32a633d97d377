package search

import (
	"regexp"
	"slices"
)

// A question that asks for an amount ("how long", "how many", "max",
// "default", "when") is answered by a sentence that states one: the
// expected answer type of classic question answering, reduced to the one
// type a plain-text matcher can recognise reliably, a number. The answer
// counts in the excerpt window like one more question word of typical
// weight (the median of the question's known words), so among runs of
// sentences that match the question equally, the one stating a number wins.

var (
	amountQuestion = regexp.MustCompile(`(?i)\b(how\s+(long|many|much|big|large|often|old|far|soon|fast|small)|max|maximum|min|minimum|default|limit|percentage|percent|timeout|what\s+year|when)\b`)
	// statesAmount is a number standing as a word, not inside an
	// identifier ("10 minutes", "70 to 80%", "1 GB", "2024"; not "http2", "v1").
	statesAmount = regexp.MustCompile(`(^|[\s(~≈<>=:,])\d+([.,]\d+)?(\s?%|\b)`)
)

// amountWeight is the weight of a stated amount for the question: 0 when
// the question does not ask for one.
func amountWeight(q string, ts []term) float64 {
	if !amountQuestion.MatchString(q) {
		return 0
	}
	var idf []float64
	for _, t := range ts {
		if t.known {
			idf = append(idf, t.idf)
		}
	}
	if len(idf) == 0 {
		return 0
	}
	slices.Sort(idf)
	return idf[len(idf)/2]
}
