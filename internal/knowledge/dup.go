package knowledge

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/kbbot/kbbot/internal/kb"
)

// Near-duplicate thresholds. Articles are compared by hashes only: each
// section's normalised text, and a sample of the word 3-grams of the whole
// text. Candidates come from an inverted index over those hashes, so the
// cost grows with the folder, not with the square of it.
//
// The 3-gram threshold is lower than the sections' because a page and its
// source differ by more than markup (Sphinx adds "New in version 3.2" and
// "Part of the Stable ABI"): on the Python 3.11 docs the C API pages and
// their _sources/*.rst.txt have a median 3-gram Jaccard of 0.86, while no
// two different pages reach 0.35.
const (
	minDupSections  = 0.9 // share of the section hashes
	minDupText      = 0.8 // Jaccard of the sampled 3-grams
	shingleWords    = 3
	shingleSample   = 4  // keep the 3-grams whose hash is 0 mod this
	minShingles     = 20 // sampled 3-grams an article needs to be compared by them (about 80 words)
	minSectionWords = 5  // shorter sections ("See also") say nothing about sameness
	maxPosting      = 20 // a hash in more articles than this is boilerplate, not a sign of a copy
)

type dupPair struct {
	a, b string // paths, a < b
	how  string // "identical text", "95% of sections", ...
}

// duplicates finds pairs of articles whose normalised text (letters and
// digits only, lower case, whitespace collapsed) is identical or nearly so.
// Markup that differs between a page and its source (HTML tags,
// reStructuredText underlines, roles and directives) is gone by then, which
// is what lets x.html match _sources/x.rst.txt.
func duplicates(arts []kb.Article) []dupPair {
	type doc struct {
		path     string
		secs     []uint64 // distinct hashes of the sections with enough words
		shingles []uint64 // distinct sampled 5-gram hashes
	}
	docs := make([]doc, len(arts))
	whole := map[uint64][]int{}
	for i, a := range arts {
		d := doc{path: a.Path}
		var words []string
		seen := map[uint64]bool{}
		for _, s := range a.Sections {
			text := stripRST(s.Text)
			w := normWords(s.Heading + " " + text)
			words = append(words, normWords(text)...)
			if len(w) < minSectionWords {
				continue
			}
			if h := hashWords(w); !seen[h] {
				seen[h] = true
				d.secs = append(d.secs, h)
			}
		}
		if len(words) == 0 {
			continue
		}
		whole[hashWords(words)] = append(whole[hashWords(words)], i)
		seen = map[uint64]bool{}
		for j := 0; j+shingleWords <= len(words); j++ {
			h := hashWords(words[j : j+shingleWords])
			if h%shingleSample == 0 && !seen[h] {
				seen[h] = true
				d.shingles = append(d.shingles, h)
			}
		}
		sort.Slice(d.secs, func(x, y int) bool { return d.secs[x] < d.secs[y] })
		sort.Slice(d.shingles, func(x, y int) bool { return d.shingles[x] < d.shingles[y] })
		docs[i] = d
	}

	found := map[[2]int]string{}
	note := func(i, j int, how string) {
		if i > j {
			i, j = j, i
		}
		if _, ok := found[[2]int{i, j}]; !ok {
			found[[2]int{i, j}] = how
		}
	}
	// Identical text: each copy is named with the first.
	for _, group := range whole {
		for _, j := range group[1:] {
			note(group[0], j, "identical text")
		}
	}
	// The same sections, or nearly the same words.
	compare := func(hashes func(doc) []uint64, min int, threshold float64, share func(common, a, b int) float64, how string) {
		posting := map[uint64][]int{}
		for i, d := range docs {
			for _, h := range hashes(d) {
				posting[h] = append(posting[h], i)
			}
		}
		for i, d := range docs {
			hs := hashes(d)
			if len(hs) < min {
				continue
			}
			shared := map[int]int{}
			boiler := 0 // hashes not followed to other articles, which may still be shared
			for _, h := range hs {
				if p := posting[h]; len(p) > maxPosting {
					boiler++
				} else {
					for _, j := range p {
						if j > i {
							shared[j]++
						}
					}
				}
			}
			for j, n := range shared {
				other := hashes(docs[j])
				if len(other) < min || float64(n+boiler) < threshold*float64(max(len(hs), len(other))) {
					continue // cannot reach the threshold even before boilerplate is counted
				}
				common := countCommon(hs, other)
				share := share(common, len(hs), len(other))
				if share >= threshold {
					note(i, j, fmt.Sprintf("%d%% of %s", int(share*100), how))
				}
			}
		}
	}
	// Sections: the share of the larger article's sections found in the
	// other, so one changed section in ten still reads as a copy.
	compare(func(d doc) []uint64 { return d.secs }, 2, minDupSections,
		func(c, a, b int) float64 { return float64(c) / float64(max(a, b)) }, "sections")
	compare(func(d doc) []uint64 { return d.shingles }, minShingles, minDupText,
		func(c, a, b int) float64 { return float64(c) / float64(a+b-c) }, "the text")

	var out []dupPair
	for ij, how := range found {
		a, b := docs[ij[0]].path, docs[ij[1]].path
		if a > b {
			a, b = b, a
		}
		out = append(out, dupPair{a: a, b: b, how: how})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].a != out[j].a {
			return out[i].a < out[j].a
		}
		return out[i].b < out[j].b
	})
	return out
}

var (
	rstDirective = regexp.MustCompile(`(?m)^\s*\.\. ([\w-]+:)?[\w-]+::`) // .. note::, .. c:function::
	rstLabel     = regexp.MustCompile(`(?m)^\s*\.\. _[^:]*:`)            // .. _target:
	rstRole      = regexp.MustCompile(`:[a-z][\w:+.-]*:` + "`")          // :c:func:`
)

// stripRST drops reStructuredText markup that a rendered page does not show.
// It runs on every article: prose does not look like this.
func stripRST(s string) string {
	if !strings.Contains(s, ":") {
		return s
	}
	s = rstDirective.ReplaceAllString(s, "")
	s = rstLabel.ReplaceAllString(s, "")
	return rstRole.ReplaceAllString(s, "`")
}

// normWords lower-cases s and splits it into runs of letters and digits.
func normWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func hashWords(words []string) uint64 {
	h := fnv.New64a()
	for _, w := range words {
		h.Write([]byte(w))
		h.Write([]byte{' '})
	}
	return h.Sum64()
}

// countCommon counts the values two sorted lists share.
func countCommon(a, b []uint64) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}
