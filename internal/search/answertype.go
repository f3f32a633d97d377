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

// A comparison ("X vs Y", "difference between X and Y") is answered by
// what the article says of each, which is often two sentences apart: such a
// question may get a two-part excerpt (see window.pair). Only explicit
// comparisons do. When every question could, a second part pulled in
// sentences that matched more words without answering (pgdocs-holdout
// answer@3 .500→.464, pydoc-holdout .577→.500); "X or Y" is more often a
// plain alternative inside a question than a comparison, and counting it
// cost pgdocs-holdout2 one question (answer@1 .333→.292) for no gain.
var comparison = regexp.MustCompile(`(?i)\b(vs|versus|differences?|differ|compared?|comparison)\b`)

// asks is what kind of answer a question wants, beyond its words.
type asks struct {
	amount  float64 // weight of a stated number (amountWeight); 0 when not asked
	compare bool    // a comparison: the excerpt may be two parts
}

func asksOf(q string, ts []term) asks {
	return asks{amount: amountWeight(q, ts), compare: comparison.MatchString(q)}
}

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
