package search

import (
	"cmp"
	"math"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kbbot/kbbot/internal/kb"
)

// BM25F over passages, computed by kbbot itself. Bleve v2.6.1's BM25 takes a
// field's average length from its number of distinct terms, not from its
// token count, and scores each field on its own; here every field's term
// frequency is normalised by that field's real length and the fields are
// combined before saturation (Robertson and Zaragoza, "The Probabilistic
// Relevance Framework: BM25 and Beyond", 2009). Bleve finds the candidate
// passages; this ranks them.

// bag is the analysed terms of one field: sorted term ids with their counts.
type bag struct {
	ids []uint32
	tfs []uint16
	n   int32 // length in terms
}

func (b *bag) tf(id uint32) int {
	i, ok := slices.BinarySearch(b.ids, id)
	if !ok {
		return 0
	}
	return int(b.tfs[i])
}

// artStats are the term bags of one article: title and tags once, body and
// heading per passage, and every term of the article for coverage.
type artStats struct {
	title, tags bag
	name        []uint32 // the terms of the title's name (titleName), sorted
	body        bag      // every passage's text together
	defs        bag      // every term its passages define
	heading     bag      // every heading of the article
	own         float64  // share of the article's text that is not link text
	changelog   bool     // release notes or a changelog (isChangelog)
	passages    []passStats
	all         []uint32
	postings    []posting // which passages hold each term, for articles of many passages
}

// posting says that passage p's text or heading holds term id.
type posting struct{ id, p uint32 }

// manyPassages is the passage count from which an article keeps postings:
// a long manual page split at every parameter has a hundred passages, and
// a question's words are in few of them.
const manyPassages = 16

// holding is every passage that holds one of the question's words in its
// text or heading (a superset: an alternative of several words counts by
// its first), in order, or all passages when the article keeps no
// postings. A passage without any scores only its title and tags, which
// every passage of the article shares, so it never wins.
func (st *artStats) holding(qs []qterm) []int {
	if st.postings == nil {
		out := make([]int, len(st.passages))
		for i := range out {
			out[i] = i
		}
		return out
	}
	seen := make([]bool, len(st.passages))
	for _, q := range qs {
		for _, a := range q.alts {
			id := a.ids[0]
			i, _ := slices.BinarySearchFunc(st.postings, id, func(x posting, id uint32) int { return cmp.Compare(x.id, id) })
			for ; i < len(st.postings) && st.postings[i].id == id; i++ {
				seen[st.postings[i].p] = true
			}
		}
	}
	var out []int
	for i, ok := range seen {
		if ok {
			out = append(out, i)
		}
	}
	return out
}

type passStats struct {
	body, heading bag
	defs          bag     // the terms it defines, weighed as its heading is
	own           float64 // share of the passage's section that is not link text
	lead          bool    // text before the article's first heading
}

// Field indexes for bm25 parameters.
const (
	fBody = iota
	fHeading
	fTitle
	fTags
	fDefs // the terms a passage defines (definedTerms)
	nFields
)

// fieldParams are BM25F's per-field weight and length normalisation.
type fieldParams struct{ w, b float64 }

// bagger turns text into bags using the index's dictionary.
type bagger struct {
	ids   map[string]uint32
	words *wordCache
	tmp   map[uint32]uint16
}

func (g *bagger) bag(texts ...string) bag {
	clear(g.tmp)
	var n int32
	for _, t := range texts {
		g.words.each(t, func(_, _ int, term string) {
			n++
			if id, ok := g.ids[term]; ok {
				g.tmp[id]++
			}
		})
	}
	b := bag{ids: make([]uint32, 0, len(g.tmp)), n: n}
	for id := range g.tmp {
		b.ids = append(b.ids, id)
	}
	slices.Sort(b.ids)
	b.tfs = make([]uint16, len(b.ids))
	for i, id := range b.ids {
		b.tfs[i] = min(g.tmp[id], math.MaxUint16)
	}
	return b
}

func (ix *Index) computeStats(a *kb.Article, ps []passage, g *bagger) *artStats {
	st := &artStats{title: g.bag(a.Title), tags: g.bag(strings.Join(a.Tags, " "), strings.Join(a.Aliases, " "))}
	st.name = g.bag(titleName(a.Title)).ids
	st.changelog = isChangelog(a)
	texts := make([]string, len(ps))
	for i, p := range ps {
		texts[i] = p.text
	}
	st.body = g.bag(texts...)
	var own, size float64
	for _, sec := range a.Sections {
		own += (1 - sec.Links) * float64(len(sec.Text))
		size += float64(len(sec.Text))
	}
	st.own = 1
	if size > 0 {
		st.own = own / size
	}
	var heads []string
	for _, sec := range a.Sections {
		heads = append(heads, sec.Heading)
	}
	st.heading = g.bag(heads...)
	defs := make([][]string, len(ps)) // each passage's defined terms
	var every []string
	for i, p := range ps {
		defs[i] = definedTerms(p.text, a.Sections[p.sec].Heading)
		every = append(every, defs[i]...)
	}
	st.defs = g.bag(every...)
	all := map[uint32]bool{}
	for _, id := range st.title.ids {
		all[id] = true
	}
	for _, id := range st.tags.ids {
		all[id] = true
	}
	for i, p := range ps {
		sec := a.Sections[p.sec]
		s := passStats{body: g.bag(p.text), heading: g.bag(strings.Join(sec.Path, " ")), defs: g.bag(defs[i]...), own: 1 - sec.Links, lead: len(sec.Path) == 0}
		for _, id := range s.body.ids {
			all[id] = true
		}
		for _, id := range s.heading.ids {
			all[id] = true
		}
		st.passages = append(st.passages, s)
	}
	if len(st.passages) >= manyPassages {
		for i, p := range st.passages {
			for _, id := range p.body.ids {
				st.postings = append(st.postings, posting{id, uint32(i)})
			}
			for _, id := range p.heading.ids {
				if _, dup := slices.BinarySearch(p.body.ids, id); !dup {
					st.postings = append(st.postings, posting{id, uint32(i)})
				}
			}
		}
		slices.SortFunc(st.postings, func(a, b posting) int {
			return cmp.Or(cmp.Compare(a.id, b.id), cmp.Compare(a.p, b.p))
		})
	}
	st.all = make([]uint32, 0, len(all))
	for id := range all {
		st.all = append(st.all, id)
	}
	slices.Sort(st.all)
	return st
}

// buildStats computes every article's bags on all cores, and the average
// field lengths BM25F normalises by.
func (ix *Index) buildStats(byArt [][]passage) {
	ix.stats = make([]*artStats, len(ix.arts))
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := &bagger{ids: ix.ids, words: ix.words, tmp: map[uint32]uint16{}}
			for {
				i := int(next.Add(1) - 1)
				if i >= len(ix.arts) {
					return
				}
				ix.stats[i] = ix.computeStats(&ix.arts[i], byArt[i], g)
			}
		}()
	}
	wg.Wait()
	var sum [nFields]float64
	n := 0
	for _, st := range ix.stats {
		for _, p := range st.passages {
			sum[fBody] += float64(p.body.n)
			sum[fHeading] += float64(p.heading.n)
			sum[fTitle] += float64(st.title.n)
			sum[fTags] += float64(st.tags.n)
			sum[fDefs] += float64(p.defs.n)
			n++
		}
	}
	for f := range sum {
		ix.avgLen[f] = max(sum[f]/float64(max(n, 1)), 1)
	}
	var asum [nFields]float64
	for _, st := range ix.stats {
		asum[fBody] += float64(st.body.n)
		asum[fHeading] += float64(st.heading.n)
		asum[fTitle] += float64(st.title.n)
		asum[fTags] += float64(st.tags.n)
		asum[fDefs] += float64(st.defs.n)
	}
	for f := range asum {
		ix.avgArtLen[f] = max(asum[f]/float64(max(len(ix.stats), 1)), 1)
	}
}

// alt is one way a question word can occur: its analysed term(s) (all must
// occur; a multi-word synonym or an identifier's parts) and a weight.
type alt struct {
	ids    []uint32
	weight float64
}

// qterm is a question word ready for scoring.
type qterm struct {
	alts []alt
	idf  float64
	cw   float64 // its weight in coverage: idf x specificity^Generic
	rank float64 // its IDF's multiplier in ranking: NameWeight for a documented name, else 1
}

func (ix *Index) qterms(ts []term, s Settings) []qterm {
	out := make([]qterm, 0, len(ts))
	for _, t := range ts {
		sp := specificity(t.word)
		if !t.known {
			sp = unknownSpecificity(t.word)
		}
		q := qterm{idf: t.idf, cw: t.idf * math.Pow(sp, s.Generic)}
		q.rank = 1
		if ix.documentedName(t) {
			q.rank = s.NameWeight
		}
		add := func(stem string, w float64) {
			var ids []uint32
			for _, x := range strings.Fields(stem) {
				id, ok := ix.ids[x]
				if !ok {
					return
				}
				ids = append(ids, id)
			}
			if len(ids) > 0 {
				q.alts = append(q.alts, alt{ids, w})
			}
		}
		if t.stem != "" {
			add(t.stem, 1)
		}
		for _, p := range t.parts {
			add(p, s.PartsBoost)
		}
		for _, syn := range t.synonyms {
			add(syn, s.SynonymBoost)
		}
		out = append(out, q)
	}
	return out
}

// documentedName reports whether a question word is an identifier
// (`wal_compression`, `os.path.join`, `camelCase`: analysed whole and in
// parts; not a hyphenated compound) that the knowledge base writes whole in
// a title, heading, defined term or tag. Such a name is the most specific
// thing a question can say: a manual heads the definition of each
// parameter, function and option with it. BM25's saturation lets a page
// holding many of the question's other words outscore that definition, so
// in ranking (not in choosing the passage to show, nor in coverage) its IDF
// weighs NameWeight times. A name the documents only mention in passing
// (a user's own table name, `audit_log`) is not boosted: with every
// identifier boosted, PostgreSQL sets lost a question each (README, the
// 2026-12-05 "documented names" row).
func (ix *Index) documentedName(t term) bool {
	return len(t.parts) == 1 && ix.inMeta(t.stem)
}

// altTF is how often an alternative occurs in a bag: the rarest of its
// words, since all must be there.
func altTF(b *bag, a alt) float64 {
	tf := -1
	for _, id := range a.ids {
		n := b.tf(id)
		if tf < 0 || n < tf {
			tf = n
		}
	}
	return float64(max(tf, 0))
}

// bm25f scores one passage of an article for the question.
func (ix *Index) bm25f(st *artStats, p int, qs []qterm, s Settings) float64 {
	ps := &st.passages[p]
	return ix.bm25fOf([nFields]*bag{&ps.body, &ps.heading, &st.title, &st.tags, &ps.defs}, &ix.avgLen, qs, s, true) * hub(ps.own, s) * changelog(st, s)
}

// changelog discounts release notes and changelogs ("What's New In Python
// 3.3", "Release 15.14", CHANGELOG.md): each item names a feature in
// passing, so they hold the words of many questions whose answer is the
// page that documents the feature. They still answer when nothing else
// does.
func changelog(st *artStats, s Settings) float64 {
	if st.changelog {
		return s.ChangelogWeight
	}
	return 1
}

var (
	changelogTitle = regexp.MustCompile(`(?i)^(?:what.?s new\b|release notes?\b|change ?logs?\b|changes(?: in\b.*)?$|release (?:v|version )?\d+(?:\.\d+)*$)`)
	changelogFile  = regexp.MustCompile(`(?i)^(?:change ?logs?|changes|news|release[-_ ]?notes?)(?:\.[a-z]+)?$`)
)

// isChangelog tells release notes by their title (without its section
// number) or their file name.
func isChangelog(a *kb.Article) bool {
	base := a.Path[strings.LastIndex(a.Path, "/")+1:]
	return changelogTitle.MatchString(strings.TrimSpace(sectionNumber.ReplaceAllString(a.Title, ""))) || changelogFile.MatchString(base)
}

// hub discounts text that is mostly links: a back-of-book index or a table
// of contents contains every word, but the answer is on the pages it links
// to. The score is scaled by the share of the text that is the page's own.
func hub(own float64, s Settings) float64 {
	return math.Pow(max(own, 0.05), s.HubWeight)
}

// choice scores a passage against the other passages of its article. Title
// and tags are the same for all of them, so only the passage's own text and
// headings count: with the title included, every passage of an article about
// "SQL injection" would saturate on those words and a stray match elsewhere
// would decide. The heading path weighs ChoiceHeading times a body word:
// knowledge articles and manuals name a section for the question it
// answers ("Why do stateless services scale more easily?"), while a body
// may use the same words in passing. An article's lead (the text before its first heading)
// summarises what the sections explain; when there are sections, it is
// weighted by LeadWeight so the section that explains wins.
func (ix *Index) choice(st *artStats, p int, qs []qterm, s Settings) float64 {
	ps := &st.passages[p]
	var none bag
	cs := s
	cs.HeadingBoost = s.ChoiceHeading
	sc := ix.bm25fOf([nFields]*bag{&ps.body, &ps.heading, &none, &none, &ps.defs}, &ix.avgLen, qs, cs, false)
	if ps.lead && len(st.passages) > 1 {
		sc *= s.LeadWeight
	}
	return sc
}

// bm25fArticle scores a whole article as one document.
func (ix *Index) bm25fArticle(st *artStats, qs []qterm, s Settings) float64 {
	return ix.bm25fOf([nFields]*bag{&st.body, &st.heading, &st.title, &st.tags, &st.defs}, &ix.avgArtLen, qs, s, true) * hub(st.own, s) * changelog(st, s)
}

// bm25fOf is BM25F over the given fields; ranking applies each word's
// ranking multiplier (qterm.rank) to its IDF.
func (ix *Index) bm25fOf(bags [nFields]*bag, avg *[nFields]float64, qs []qterm, s Settings, ranking bool) float64 {
	params := [nFields]fieldParams{{1, s.BodyB}, {s.HeadingBoost, s.MetaB}, {s.TitleBoost, s.MetaB}, {s.TagsBoost, s.MetaB}, {s.HeadingBoost, s.MetaB}}
	var norm [nFields]float64
	for f := range bags {
		norm[f] = 1 - params[f].b + params[f].b*float64(bags[f].n)/avg[f]
	}
	score := 0.0
	for _, q := range qs {
		tf := 0.0
		for f, b := range bags {
			if params[f].w == 0 || b.n == 0 {
				continue
			}
			x := 0.0
			for _, a := range q.alts {
				x += a.weight * altTF(b, a)
			}
			tf += params[f].w * x / norm[f]
		}
		if tf > 0 {
			idf := q.idf
			if ranking && q.rank > 0 {
				idf *= q.rank
			}
			score += idf * tf / (s.K1 + tf)
		}
	}
	return score
}

// definedTerms are the terms a passage defines: the head of each of its
// "term: definition" paragraphs ("- Heroku: PaaS (Platform as a Service)
// that...", "Resource owner: the user who owns the data", a manual's
// "work_mem (integer): Sets..."), a short name before a colon that ends
// it. A passage that defines a word answers "what is" it better than one
// that mentions it, so the heads weigh as its heading does (the section's
// own heading, already there, is left out).
func definedTerms(text, heading string) []string {
	var out []string
	for _, para := range strings.Split(text, "\n\n") {
		para = strings.TrimLeft(para, "-*• \t")
		i := strings.Index(para, ": ")
		if i <= 0 || i > maxDefinedTerm {
			continue
		}
		head := para[:i]
		// A sentence before the colon is not a name ("Note that x: y"),
		// unless it is a call ("str.removeprefix(prefix, /)").
		sentence := strings.ContainsAny(head, ".?!;\n`") && !strings.Contains(head, "(")
		if sentence || len(strings.Fields(head)) > 6 || head == heading {
			continue
		}
		out = append(out, head)
	}
	return out
}

// maxDefinedTerm is the longest term, in bytes, a definition paragraph
// opens with.
const maxDefinedTerm = 60

// sectionNumber is a title's leading number: "20.5. ", "F.2. ".
var sectionNumber = regexp.MustCompile(`^\s*(?:[A-Z]|\d+)(?:\.\d+)*\.\s+`)

// titleName is the part of a title that names its subject: without a
// section number, and before a subtitle ("Feature flags: shipping dark",
// "functools — Higher-order functions").
func titleName(t string) string {
	t = sectionNumber.ReplaceAllString(t, "")
	for _, sep := range []string{": ", " — ", " – ", " - ", " | "} {
		if i := strings.Index(t, sep); i > 0 {
			t = t[:i]
		}
	}
	return t
}

// named is the share of the question's weight that an article's title
// name accounts for, when the question names it whole (every word of
// "pg_basebackup", "Write Ahead Log" or "CHECKPOINT"), else 0. A question
// that names a page's subject is most often about that page; the share
// keeps a name of one common word ("Examples") from counting much.
func named(st *artStats, qs []qterm) float64 {
	if len(st.name) == 0 {
		return 0
	}
	var got, total float64
	left := len(st.name)
	seen := make([]bool, len(st.name))
	for _, q := range qs {
		if len(q.alts) == 0 {
			continue
		}
		total += q.idf
		hit := false
		for _, a := range q.alts {
			if len(a.ids) != 1 {
				continue
			}
			if i, ok := slices.BinarySearch(st.name, a.ids[0]); ok {
				hit = true
				if !seen[i] {
					seen[i] = true
					left--
				}
			}
		}
		if hit {
			got += q.idf
		}
	}
	if left > 0 || total == 0 {
		return 0
	}
	return got / total
}

// has reports whether a sorted id list contains every id of an alternative.
func has(all []uint32, a alt) bool {
	for _, id := range a.ids {
		if _, ok := slices.BinarySearch(all, id); !ok {
			return false
		}
	}
	return true
}

// passageCoverage is the IDF-weighted share of the question's known words
// that occur in one passage (its text, heading, title or tags), or in the
// text of the further passages given (the rest of its section).
func (ix *Index) passageCoverage(st *artStats, p int, qs []qterm, more ...int) float64 {
	ps := &st.passages[p]
	held := func(a alt) bool {
		if altTF(&ps.body, a) > 0 || altTF(&ps.heading, a) > 0 || altTF(&st.title, a) > 0 || altTF(&st.tags, a) > 0 {
			return true
		}
		for _, j := range more {
			if altTF(&st.passages[j].body, a) > 0 {
				return true
			}
		}
		return false
	}
	var got, total float64
	for _, q := range qs {
		if len(q.alts) == 0 {
			if ix.opts.Settings.UnknownInCoverage {
				total += q.cw
			}
			continue
		}
		total += q.cw
		for _, a := range q.alts {
			if held(a) {
				got += q.cw
				break
			}
		}
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// articleCoverage is the same share over the whole article.
func (ix *Index) articleCoverage(st *artStats, qs []qterm) float64 {
	var got, total float64
	for _, q := range qs {
		if len(q.alts) == 0 {
			continue
		}
		total += q.cw
		for _, a := range q.alts {
			if has(st.all, a) {
				got += q.cw
				break
			}
		}
	}
	if total == 0 {
		return 0
	}
	return got / total
}
