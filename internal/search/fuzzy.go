package search

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"
)

// A question word the index has never seen is most often a typo ("runing",
// "databse") or a short form ("mongo" for MongoDB). Before the word counts as
// unknown, it is matched against the index's vocabulary: a term that starts
// with it, or one within a small edit distance, standing in as a synonym.

// minFuzzyLen is the shortest analysed word that is corrected by prefix, and
// minEditLen the shortest corrected by edit distance: shorter words have too
// many neighbours one edit away ("tall" is one from "tail" and "call").
const (
	minFuzzyLen = 4
	minEditLen  = 5
)

// vocabEntry is a term of the index with its document frequency.
type vocabEntry struct {
	term string
	df   uint64
}

func newVocab(df map[string]uint64, ids map[string]uint32) []vocabEntry {
	out := make([]vocabEntry, 0, len(ids))
	for t := range ids {
		if utf8.RuneCountInString(t) >= minFuzzyLen-1 && !strings.ContainsAny(t, "0123456789") {
			out = append(out, vocabEntry{t, df[t]})
		}
	}
	slices.SortFunc(out, func(a, b vocabEntry) int { return strings.Compare(a.term, b.term) })
	return out
}

// correct returns the index term an unknown word stands for: the nearest
// index term, else the stem of the everyday word it misspells.
func (ix *Index) correct(ctx context.Context, typed, w string) string {
	if c := ix.nearestTerm(ctx, typed, w); c != "" || ctx.Err() != nil {
		return c
	}
	return ix.correctSpelling(typed)
}

// nearestTerm returns the index term closest to an unknown analysed word: one
// edit away for words of five to seven letters, two for longer ones, or a
// term the word begins (at most four letters more); the first letter must
// agree (as in Lucene's spell checker, typos rarely hit it), and the most
// frequent term wins a tie. "" when nothing is close.
func (ix *Index) nearestTerm(ctx context.Context, typed, w string) string {
	n := utf8.RuneCountInString(w)
	if n < minFuzzyLen || strings.ContainsAny(w, "0123456789 ") {
		return ""
	}
	maxDist := 1
	if n > 7 {
		maxDist = 2
	}
	best, bestDist, bestDF := "", maxDist+1, uint64(0)
	consider := func(e vocabEntry, d int) {
		if d < bestDist || d == bestDist && e.df > bestDF {
			best, bestDist, bestDF = e.term, d, e.df
		}
	}
	// A term that begins with the word as typed ("mongo" -> "mongodb"; not
	// with its stem, which is cut short). Prefix matches are contiguous in
	// the sorted vocabulary.
	tn := utf8.RuneCountInString(typed)
	i, _ := slices.BinarySearchFunc(ix.vocab, typed, func(e vocabEntry, t string) int { return strings.Compare(e.term, t) })
	for ; tn >= minFuzzyLen && i < len(ix.vocab) && strings.HasPrefix(ix.vocab[i].term, typed); i++ {
		if m := utf8.RuneCountInString(ix.vocab[i].term); m > tn && m <= tn+4 {
			consider(ix.vocab[i], 1)
		}
	}
	if n < minEditLen {
		return best
	}
	wr := []rune(w)
	first, _ := utf8.DecodeRuneInString(w)
	for k, e := range ix.vocab {
		if k%(ctxEvery*64) == 0 && ctx.Err() != nil {
			return "" // setIDF returns the context's error
		}
		if r, _ := utf8.DecodeRuneInString(e.term); r != first {
			continue
		}
		m := utf8.RuneCountInString(e.term)
		if m < n-maxDist || m > n+maxDist {
			continue
		}
		if d := editDistance(wr, []rune(e.term), maxDist); d <= maxDist {
			consider(e, d)
		}
	}
	return best
}

// editDistance is the Damerau-Levenshtein (optimal string alignment)
// distance between a and b, or limit+1 once it must exceed limit.
func editDistance(a, b []rune, limit int) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// correctSpelling is the fallback for a misspelt everyday word whose stem
// lands far from the index term it means ("runing" stems to "rune",
// "automaticaly" to "automaticali"): spelt right it is one of the commonest
// English words, one or two edits away as above, whose stem the index
// knows. A word that is itself an everyday word is never respelt, and the
// commoner word wins a tie.
func (ix *Index) correctSpelling(typed string) string {
	n := utf8.RuneCountInString(typed)
	if _, ok := englishRank[typed]; ok || n < minEditLen || strings.ContainsFunc(typed, func(r rune) bool { return r < 'a' || r > 'z' }) {
		return ""
	}
	maxDist := 1
	if n > 7 {
		maxDist = 2
	}
	tr := []rune(typed)
	best, bestDist := "", maxDist+1
	for _, e := range englishWords {
		if e[0] != typed[0] || len(e) < n-maxDist || len(e) > n+maxDist {
			continue
		}
		if d := editDistance(tr, []rune(e), maxDist); d < bestDist {
			if stem, _ := ix.analyse(e); stem != "" && ix.phraseDF(stem) > 0 {
				best, bestDist = stem, d
			}
		}
	}
	return best
}
