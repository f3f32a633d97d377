package search

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/kbbot/kbbot/internal/kb"
)

// MaxQuestionRunes bounds the text that reaches the index: a longer question
// is cut (at a word) rather than refused, so a pasted paragraph still works
// and can never cost a multi-second query.
const MaxQuestionRunes = 300

// maxTerms caps distinct search terms for the same reason.
const maxTerms = 24

// ctxEvery is how many passages (or vocabulary entries, hits) a loop of Ask
// works through between looks at its context: Ask returns the context's
// error within one such step of its deadline.
const ctxEvery = 64

var wordRE = regexp.MustCompile(`_*[\p{L}\p{N}]+(?:[_'’.\-+#][\p{L}\p{N}]+)*_*[+#]*`)

// queryStop are words that carry no topic in a question. The index's own
// English stop list removes most function words; these are question words
// and politeness that it keeps.
var queryStop = map[string]bool{
	"what": true, "whats": true, "what's": true, "how": true, "why": true, "when": true, "where": true,
	"which": true, "who": true, "whom": true, "does": true, "do": true, "did": true, "can": true,
	"could": true, "should": true, "would": true, "i": true, "me": true, "my": true, "we": true,
	"our": true, "you": true, "your": true, "please": true, "explain": true, "tell": true,
	"about": true, "is": true, "are": true, "a": true, "an": true, "the": true, "of": true,
	"to": true, "in": true, "on": true, "for": true, "with": true, "and": true, "or": true,
	"it": true, "its": true, "be": true, "there": true, "mean": true, "means": true, "meaning": true,
	"need": true, "know": true, "use": true, "using": true, "get": true, "make": true,
	"difference": true, "between": true, "e.g": true, "eg": true, "kind": true, "kinds": true,
	"way": true, "ways": true, "some": true, "any": true, "thing": true, "things": true,
	"like": true, "such": true, "good": true, "best": true, "vs": true, "versus": true,
	// Greetings and politeness around a real question ("hi, what is REST? thx").
	"hi": true, "hey": true, "hello": true, "hiya": true, "thanks": true, "thank": true,
	"thx": true, "ty": true, "pls": true, "plz": true, "cheers": true, "help": true,
	"kbbot": true, "bot": true,
}

// isQuestionWord reports whether a lower-case word carries no topic: a
// queryStop word, or a contraction typed without its apostrophe.
func isQuestionWord(w string) bool { return queryStop[w] || contractions[w] }

// politeness are the queryStop words that are never a topic, even alone.
var politeness = map[string]bool{
	"hi": true, "hey": true, "hello": true, "hiya": true, "thanks": true, "thank": true,
	"thx": true, "ty": true, "pls": true, "plz": true, "cheers": true, "help": true,
	"kbbot": true, "bot": true, "please": true, "i": true, "me": true, "my": true, "we": true,
	"you": true, "your": true, "a": true, "an": true, "the": true, "is": true, "are": true,
	"of": true, "to": true, "in": true, "on": true, "for": true, "and": true, "or": true, "it": true,
}

// isAllCaps reports whether a word is typed in capitals (SQL keywords,
// acronyms): a name, not a question word. "I" and "A" are not.
func isAllCaps(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2
}

var greetingRE = regexp.MustCompile(`^(hi|hello|hey|hiya|yo|howdy|hola|good (morning|afternoon|evening)|thanks|thank you|thx|ty|cheers|ok|okay|cool|great)( (there|kbbot|bot|all|everyone|a lot|so much))?[!. ]*$`)
var helpRE = regexp.MustCompile(`^(help|\?|usage|commands|what can you do|how do i use (this|you|kbbot)|what do you know|who are you)[?!. ]*$`)

// Classify tells small talk and help requests from questions.
func Classify(q string) kb.Kind {
	t := strings.ToLower(strings.Join(strings.Fields(q), " "))
	t = strings.TrimFunc(t, func(r rune) bool { return unicode.IsPunct(r) && r != '?' || unicode.IsSpace(r) })
	switch {
	case len(wordRE.FindAllString(t, -1)) == 0 && t != "?":
		return kb.KindEmpty
	case helpRE.MatchString(t):
		return kb.KindHelp
	case greetingRE.MatchString(t):
		return kb.KindGreeting
	}
	return kb.KindQuestion
}

// term is one distinct word of the question as the index sees it.
type term struct {
	word      string   // as typed, lower-case
	stem      string   // analysed form ("" if the analyser drops it)
	parts     []string // an identifier's analysed parts, space-joined ("pg stat statement")
	synonyms  []string // analysed forms of the other words to search for
	idf       float64
	known     bool    // the word or a synonym occurs in the index
	df        float64 // passages containing the word (or its commonest synonym)
	common    bool    // searched in titles and headings only
	corrected string  // the index term an unknown word was taken for ("" if none)
	foreign   bool    // a compound the index never writes whole, with a part it never uses
}

// terms extracts the question's searchable words. User text is only ever
// tokenised into words and analysed; it never reaches a query parser.
func (ix *Index) terms(q string) []term {
	if r := []rune(q); len(r) > MaxQuestionRunes {
		q = string(r[:MaxQuestionRunes])
	}
	var out []term
	seen := map[string]bool{}
	// Words keep their case for analysis (camelCase is split by case);
	// stop words and synonyms are looked up lower-case.
	words := wordRE.FindAllString(q, -1)
	for i := range words {
		// A possessive is the word itself: "a dev's job" looks up "dev".
		w := strings.TrimSuffix(strings.TrimSuffix(words[i], "'s"), "’s")
		words[i] = strings.Trim(w, ".'’-")
	}
	lower := make([]string, len(words))
	for i, w := range words {
		lower[i] = strings.ToLower(w)
	}
	onlyStop := true
	for i, w := range lower {
		if !isQuestionWord(w) || isAllCaps(words[i]) {
			onlyStop = false
		}
	}
	for i := 0; i < len(words) && len(out) < maxTerms; i++ {
		w, typed := lower[i], words[i]
		// A two- or three-word phrase with synonyms ("version control")
		// counts as one term.
		var syn []string
		for n := 3; n >= 2 && syn == nil; n-- {
			if i+n <= len(words) {
				phrase := strings.Join(lower[i:i+n], " ")
				if s := ix.opts.Synonyms.Of(phrase); s != nil {
					syn, w, typed = s, phrase, phrase
					i += n - 1
				}
			}
		}
		// Question words carry no topic, unless typed as a name
		// (EXPLAIN, LIKE) or unless nothing else is left.
		if w == "" || isQuestionWord(w) && !isAllCaps(typed) && !(onlyStop && !politeness[w]) {
			continue
		}
		if syn == nil {
			syn = ix.opts.Synonyms.Of(w)
		}
		stem, parts := ix.analyse(typed)
		if bare := strings.Trim(typed, "_"); bare != typed {
			// A name wrapped in underscores (`__main__`, `_private`) is a
			// word of its own where the index has it, with its bare word
			// as its part; elsewhere (Slack's _italics_) the bare word.
			bstem, _ := ix.analyse(bare)
			if ix.phraseDF(stem) == 0 && !ix.inMeta(stem) {
				stem, parts, w = bstem, "", strings.Trim(w, "_")
			} else if parts == "" {
				parts = bstem
			}
		}
		if stem == "" && len(syn) == 0 {
			continue
		}
		key := stem
		if key == "" {
			key = w
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		var synStems []string // analysed once, used by every step below
		for _, x := range syn {
			if st, _ := ix.analyse(x); st != "" {
				synStems = append(synStems, st)
			}
		}
		if stem == "" && len(synStems) == 0 {
			continue
		}
		t := term{word: w, stem: stem, synonyms: synStems}
		if parts != "" {
			t.parts = []string{parts}
			// A hyphenated compound's words each stand for it
			// ("blocking" for "non-blocking"); an identifier's parts only
			// together.
			if strings.Contains(typed, "-") && !strings.ContainsAny(typed, "_.") {
				t.parts = strings.Fields(parts)
			}
		}
		out = append(out, t)
	}
	return out
}

// analyse runs one word through the index analyser. Multi-token words (such
// as "blue-green") come back space-joined; an identifier comes back whole,
// with its parts separately ("pg_stat_statements" -> "pg_stat_stat", "pg
// stat statement").
func (ix *Index) analyse(w string) (stem, parts string) {
	toks := ix.analyzer.Analyze([]byte(w))
	var whole, split []string
	for i, t := range toks {
		if i > 0 && t.Position == toks[i-1].Position {
			split = append(split, string(t.Term))
			continue
		}
		whole = append(whole, string(t.Term))
	}
	return strings.Join(whole, " "), strings.Join(split, " ")
}

// buildQuery is a disjunction with one clause per question word, each a
// disjunction over the fields (title, heading, body, tags) and the word's
// synonyms. Bleve multiplies a disjunction's score by the share of clauses
// that matched, which rewards passages covering more of the question.
func (ix *Index) buildQuery(ts []term, s Settings) query.Query {
	// The words are analysed already: term queries skip Bleve's analysis,
	// which a match query would run again for every field.
	fieldQ := func(stem string, boost float64, common bool) query.Query {
		toks := strings.Fields(stem)
		var fs []query.Query
		add := func(field string, b float64) {
			if b <= 0 {
				return
			}
			// A word of several tokens ("blue-green", an identifier's
			// parts, a two-word synonym) needs all of them in the field.
			var all []query.Query
			for _, tok := range toks {
				q := bleve.NewTermQuery(tok)
				q.SetField(field)
				q.SetBoost(b * boost)
				all = append(all, q)
			}
			if len(all) == 1 {
				fs = append(fs, all[0])
			} else if len(all) > 1 {
				fs = append(fs, bleve.NewConjunctionQuery(all...))
			}
		}
		if !common {
			add(fieldBody, 1)
		}
		add(fieldTitle, s.TitleBoost)
		add(fieldHeading, s.HeadingBoost)
		add(fieldTags, s.TagsBoost)
		return bleve.NewDisjunctionQuery(fs...)
	}
	var clauses []query.Query
	for _, t := range ts {
		var alts []query.Query
		if t.stem != "" {
			alts = append(alts, fieldQ(t.stem, 1, t.common))
		}
		for _, st := range t.parts {
			alts = append(alts, fieldQ(st, s.PartsBoost, t.common))
		}
		for _, st := range t.synonyms {
			alts = append(alts, fieldQ(st, s.SynonymBoost, t.common))
		}
		if len(alts) == 1 {
			clauses = append(clauses, alts[0])
		} else if len(alts) > 1 {
			clauses = append(clauses, bleve.NewDisjunctionQuery(alts...))
		}
	}
	return bleve.NewDisjunctionQuery(clauses...)
}

// rareQuery searches for the question's rarest known word alone (nil when
// the question has one word, or the rarest is common).
func (ix *Index) rareQuery(ts []term, s Settings) query.Query {
	if len(ts) < 2 || !s.RareCandidates {
		return nil
	}
	best := -1
	for i, t := range ts {
		if t.known && t.df > 0 && (best < 0 || t.idf > ts[best].idf) {
			best = i
		}
	}
	if best < 0 || ts[best].common {
		return nil
	}
	return ix.buildQuery(ts[best:best+1], s)
}

// Ask answers a question with up to limit articles, best first. No results
// means the knowledge base does not cover the question.
func (ix *Index) Ask(ctx context.Context, q string, limit int) (kb.Answer, error) {
	ans := kb.Answer{Question: q, Kind: Classify(q)}
	if ans.Kind != kb.KindQuestion {
		return ans, nil
	}
	if limit <= 0 {
		limit = 3
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return ans, errClosed
	}
	s := ix.opts.Settings
	ts, cands, qs, err := ix.find(ctx, q, s)
	if err != nil {
		return ans, err
	}
	if ts == nil {
		ans.Kind = kb.KindEmpty
		return ans, nil
	}
	if len(cands) == 0 || !ix.covers(ts, cands[0].cov, cands[0].pcov) {
		// The best match leaves the question unexplained: say so rather
		// than show something loosely related.
		return ans, nil
	}
	matched := ix.highlightTerms(ts)
	want := asksOf(q, ts)
	add := func(c cand, pass int) {
		// The first result is the answer: the run of sentences that
		// holds the question best is chosen within chooseShare of
		// ExcerptChars, then extended by whole sentences up to all of it.
		// Later results back it up and get restShare of that.
		size := ix.opts.ExcerptChars
		if len(ans.Results) > 0 {
			size = int(restShare * float64(size))
		}
		choose := min(size, int(chooseShare*float64(ix.opts.ExcerptChars)))
		a := &ix.arts[c.art]
		p := ix.byArt[c.art][pass]
		sec := a.Sections[p.sec]
		before, after := "", ""
		if pass > 0 && ix.byArt[c.art][pass-1].sec == p.sec {
			before = ix.byArt[c.art][pass-1].text
		}
		if ps := ix.byArt[c.art]; pass+1 < len(ps) && ps[pass+1].sec == p.sec {
			after = ps[pass+1].text
		}
		ans.Results = append(ans.Results, kb.Result{
			Title:   a.Title,
			Section: sec.Heading,
			Path:    a.Path,
			URL:     ix.link(a, sec),
			Tags:    a.Tags,
			Updated: a.Updated,
			Excerpt: ix.excerpt(p.text, before, after, matched, ix.headingFor(c.art, pass), want, choose, size),
			Score:   c.score,
		})
	}
	for i, c := range cands {
		if len(ans.Results) >= limit {
			break
		}
		if err := ctx.Err(); err != nil {
			return kb.Answer{Question: q, Kind: ans.Kind}, err
		}
		if c.cov < s.MinCoverage/2 || c.score < s.MinScoreShare*cands[0].score {
			continue
		}
		add(c, c.pass)
		if i == 0 && (len(cands) == 1 || cands[1].score < s.DominantShare*c.score) {
			// One article clearly holds the answer: its next best passages
			// say more than other articles' weak ones.
			for _, p := range ix.morePassages(ctx, c, qs, s, limit-1) {
				add(c, p)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return kb.Answer{Question: q, Kind: ans.Kind}, err // cut short: not the answer
	}
	return ans, nil
}

// Excerpt sizes as shares of ExcerptChars (README "Search quality", the
// 2026-12-04 row "the first excerpt, the answer, may be 800 characters"):
// the best run is chosen within 500 of the default 800 characters, the size
// every excerpt rule was measured at (choosing within 800 lost two seeds
// questions), and results after the first are half as long.
const (
	chooseShare = 0.625
	restShare   = 0.5
)

// find analyses a question and ranks the candidate articles: everything
// Ask does before cutting excerpts. ts is nil when the question has no
// words to search. The caller holds ix.mu.
func (ix *Index) find(ctx context.Context, q string, s Settings) ([]term, []cand, []qterm, error) {
	ts := ix.terms(q)
	if len(ts) == 0 {
		return nil, nil, nil, nil
	}
	if err := ix.setIDF(ctx, ts); err != nil {
		return nil, nil, nil, err
	}
	ix.markCommon(ts, s)
	req := bleve.NewSearchRequestOptions(ix.buildQuery(ts, s), s.Candidates, 0, false)
	res, err := ix.bl.SearchInContext(ctx, req)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("search: %w", err)
	}
	hits := res.Hits
	if rare := ix.rareQuery(ts, s); rare != nil {
		// Passages with the question's rarest word are candidates even
		// when long pages full of its commoner words fill the list.
		req := bleve.NewSearchRequestOptions(rare, s.Candidates, 0, false)
		more, err := ix.bl.SearchInContext(ctx, req)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("search: %w", err)
		}
		hits = append(hits, more.Hits...)
	}
	qs := ix.qterms(ts, s)
	cands, err := ix.rank(ctx, hits, qs, s)
	if err != nil {
		return nil, nil, nil, err
	}
	return ts, cands, qs, nil
}

// morePassages are up to n other passages of a candidate's article, best
// first, that score at least ExtraPassageShare of its shown passage.
func (ix *Index) morePassages(ctx context.Context, c cand, qs []qterm, s Settings, n int) []int {
	st := ix.stats[c.art]
	type sp struct {
		p  int
		sc float64
	}
	var out []sp
	for n, j := range st.holding(qs) {
		if j == c.pass {
			continue
		}
		if n%ctxEvery == 0 && ctx.Err() != nil {
			return nil // Ask returns the context's error
		}
		if sc := ix.choice(st, j, qs, s); sc >= s.ExtraPassageShare*c.choice && sc > 0 {
			out = append(out, sp{j, sc})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].sc > out[j].sc })
	ps := make([]int, 0, n)
	for _, x := range out[:min(len(out), n)] {
		ps = append(ps, x.p)
	}
	return ps
}

// headingFor is the heading path of a passage that opens its section (whose
// first sentences answer the heading), else nothing.
func (ix *Index) headingFor(art, pass int) []string {
	ps := ix.byArt[art]
	p := ps[pass]
	if pass > 0 && ps[pass-1].sec == p.sec {
		return nil
	}
	return ix.arts[art].Sections[p.sec].Path
}

// cand is one candidate article with its best passage.
type cand struct {
	art, pass int     // the article and the passage to show
	score     float64 // the article's score
	best      float64 // its best passage's BM25F
	choice    float64 // the shown passage's score among the article's passages
	cov       float64 // article coverage
	doc       float64 // the whole article's BM25F
	pcov      float64 // best passage's coverage
	named     float64 // share of the question its title names (named)
}

// rank scores every passage of each article Bleve found with BM25F; an
// article is as good as its best passage. Articles that cover the question
// rank above those that do not, whatever their passage scores: a heading
// full of common words should not beat the one article that mentions the
// rare ones.
func (ix *Index) rank(ctx context.Context, hits search.DocumentMatchCollection, qs []qterm, s Settings) ([]cand, error) {
	var cands []cand
	at := map[int]int{} // article -> index in cands
	for n, h := range hits {
		if n%ctxEvery == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		p, ok := ix.passages[h.ID]
		if !ok {
			continue
		}
		i, ok := at[p.art]
		if !ok {
			i = len(cands)
			at[p.art] = i
			cands = append(cands, cand{art: p.art, pass: -1})
		}
		cands[i].consider(ix, p.order, qs, s)
	}
	for i := range cands {
		c := &cands[i]
		st := ix.stats[c.art]
		c.cov = ix.articleCoverage(st, qs)
		c.doc = ix.bm25fArticle(st, qs, s)
		c.named = named(st, qs)
		c.rescore(s)
	}
	order := func() {
		sort.SliceStable(cands, func(i, j int) bool {
			ci, cj := cands[i].cov >= s.MinCoverage, cands[j].cov >= s.MinCoverage
			if ci != cj {
				return ci
			}
			return cands[i].score > cands[j].score
		})
	}
	order()
	// Bleve returns only some passages of each article: the leading
	// articles get every passage scored, so the one shown is the best.
	for i := range cands[:min(len(cands), s.FullArticles)] {
		c := &cands[i]
		for n, j := range ix.stats[c.art].holding(qs) {
			if n%ctxEvery == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			c.consider(ix, j, qs, s)
		}
		c.rescore(s)
	}
	order()
	for i := range cands {
		c := &cands[i]
		// A long section is cut into passages at a paragraph near
		// PassageChars, not where its thought ends, and the excerpt shown
		// grows into the next passage of the section: the passage explains
		// the question together with that next one.
		var next []int
		if ps := ix.byArt[c.art]; c.pass+1 < len(ps) && ps[c.pass+1].sec == ps[c.pass].sec {
			next = append(next, c.pass+1)
		}
		c.pcov = ix.passageCoverage(ix.stats[c.art], c.pass, qs, next...)
	}
	return cands, nil
}

// consider scores one passage of the candidate's article: for the article's
// rank (BM25F with title and tags) and for which passage to show.
func (c *cand) consider(ix *Index, p int, qs []qterm, s Settings) {
	st := ix.stats[c.art]
	if full := ix.bm25f(st, p, qs, s); full > c.best {
		c.best = full
	}
	if ch := ix.choice(st, p, qs, s); c.pass < 0 || ch > c.choice {
		c.pass, c.choice = p, ch
	}
}

// rescore combines the best passage and the whole article into the
// article's score.
func (c *cand) rescore(s Settings) {
	c.score = ((1-s.ArticleShare)*c.best + s.ArticleShare*c.doc) * (1 + s.TitleNamed*c.named)
}

// setIDF weighs each term by rarity in the body field. A word the index has
// never seen (nor any of its synonyms) is marked unknown.
func (ix *Index) setIDF(ctx context.Context, ts []term) error {
	n := ix.docCount
	for i := range ts {
		if err := ctx.Err(); err != nil {
			return err
		}
		t := &ts[i]
		// The word's rarity is its own, or its commonest synonym's; an
		// identifier's parts count only when the whole never occurs.
		df := ix.phraseDF(t.stem)
		for _, syn := range t.synonyms {
			df = max(df, ix.phraseDF(syn))
		}
		if df == 0 {
			for _, p := range t.parts {
				pdf := ix.phraseDF(p)
				df = max(df, pdf)
				t.foreign = t.foreign || pdf == 0 && !ix.inMeta(p)
			}
		}
		t.known = df > 0 || ix.inMeta(t.stem) || ix.anyInMeta(t.synonyms) || ix.anyInMeta(t.parts)
		if !t.known && ix.opts.Settings.Fuzzy {
			if c := ix.correct(ctx, t.word, t.stem); c != "" {
				t.synonyms = append(t.synonyms, c)
				t.corrected = c
				df, t.known = max(ix.phraseDF(c), 1), true
			}
		}
		t.df = df
		t.idf = math.Log(1 + (n-df+0.5)/(df+0.5))
	}
	return ctx.Err()
}

// commonMinDF keeps markCommon's rule off in small indexes, where walking
// every posting costs next to nothing.
const commonMinDF = 500

// markCommon flags very common words (in more than CommonShare of all
// passages, and in more than commonMinDF). They are searched in titles and headings but not in passage
// bodies: there they barely change the ranking yet make the index walk most
// of its postings. They still count for coverage and highlighting.
func (ix *Index) markCommon(ts []term, s Settings) {
	if s.CommonShare <= 0 {
		return
	}
	for i := range ts {
		ts[i].common = ts[i].df > s.CommonShare*ix.docCount && ts[i].df > commonMinDF
	}
}

// inMeta reports whether every word of an analysed phrase occurs in some
// title, heading, tag or alias: words an article uses only there (an alias
// such as "kube") are known to the knowledge base too.
func (ix *Index) inMeta(stem string) bool {
	ws := strings.Fields(stem)
	for _, w := range ws {
		if !ix.metaTerms[w] {
			return false
		}
	}
	return len(ws) > 0
}

func (ix *Index) anyInMeta(stems []string) bool {
	for _, st := range stems {
		if ix.inMeta(st) {
			return true
		}
	}
	return false
}

// phraseDF is the smallest document frequency among a phrase's words.
func (ix *Index) phraseDF(stem string) float64 {
	df := -1.0
	for _, w := range strings.Fields(stem) {
		d := float64(ix.df[w])
		if df < 0 || d < df {
			df = d
		}
	}
	return max(df, 0)
}

// highlightTerms maps every analysed form of the question's words and
// synonyms to the word's IDF.
func (ix *Index) highlightTerms(ts []term) map[string]float64 {
	m := map[string]float64{}
	add := func(stem string, idf float64) {
		for _, w := range strings.Fields(stem) {
			m[w] = max(m[w], idf)
		}
	}
	for _, t := range ts {
		if !t.known {
			continue
		}
		add(t.stem, t.idf)
		for _, x := range t.parts {
			add(x, t.idf)
		}
		for _, x := range t.synonyms {
			add(x, t.idf)
		}
	}
	return m
}

// covers is the "I don't know" rule. A question is answered only if (1) more
// than half of its words occur somewhere in the knowledge base (a question
// about Mount Everest or pizza is mostly words the corpus has never seen; a
// word taken for its nearest index term counts half; a compound the index
// never writes whole, with a part it never uses, such as "cherry-pick" or
// "maxmemory-policy", is a name from elsewhere and counts as unknown),
// (2) the best article contains at least MinCoverage of the IDF weight of
// the words that do occur (it is about the question, not one stray word),
// and (3) its best passage, with its heading and title (and the next
// passage of its section, where a long section was cut), contains at least
// MinPassageCoverage of it (on a large corpus every common word occurs
// somewhere in a long article).
func (ix *Index) covers(ts []term, cov, pcov float64) bool {
	unknown := 0.0
	for _, t := range ts {
		switch {
		case !t.known || t.foreign:
			unknown++
		case t.corrected != "":
			unknown += 0.5 // a guess, not a word the knowledge base uses
		}
	}
	s := ix.opts.Settings
	return unknown*2 < float64(len(ts)) && cov >= s.MinCoverage && pcov >= s.MinPassageCoverage
}

// link is the source URL: front-matter url, else base URL + path + anchor,
// else the relative path (+ anchor).
func (ix *Index) link(a *kb.Article, s kb.Section) string {
	if a.URL != "" {
		return a.URL
	}
	frag := ""
	if s.Anchor != "" {
		frag = "#" + s.Anchor
	}
	segs := strings.Split(a.Path, "/")
	for i, sg := range segs {
		segs[i] = url.PathEscape(sg)
	}
	p := strings.Join(segs, "/")
	if b := ix.opts.BaseURL; b != "" {
		return strings.TrimRight(b, "/") + "/" + p + frag
	}
	return p + frag
}

// topics counts articles per tag, most common first.
func topics(arts []kb.Article) []kb.Topic {
	count := map[string]int{}
	for _, a := range arts {
		for _, t := range a.Tags {
			count[strings.ToLower(t)]++
		}
	}
	out := make([]kb.Topic, 0, len(count))
	for k, v := range count {
		out = append(out, kb.Topic{Name: k, Articles: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Articles != out[j].Articles {
			return out[i].Articles > out[j].Articles
		}
		return out[i].Name < out[j].Name
	})
	return out
}
