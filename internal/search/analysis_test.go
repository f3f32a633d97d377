package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	unitok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"

	"github.com/kbbot/kbbot/internal/kb"
)

func TestIdentParts(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"pg_stat_statements", "pg|stat|statements"},
		{"os.path.join", "os|path|join"},
		{"camelCase", "camel|Case"},
		{"HTTPServer", "HTTP|Server"},
		{"getUserByID", "get|User|By|ID"},
		{"work_mem", "work|mem"},
		{"kebab-case", "kebab|case"},
		{"plain", ""},
		{"_private", "private"},
		{"UPPER", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			var got []string
			for _, p := range identParts([]byte(tc.in)) {
				got = append(got, string(p))
			}
			if g := strings.Join(got, "|"); g != tc.want && !(len(got) == 1 && tc.want == "") {
				t.Errorf("identParts(%q) = %q, want %q", tc.in, g, tc.want)
			}
		})
	}
}

// writeFolder writes files into a fresh knowledge folder.
func writeFolder(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func firstPath(t *testing.T, ix *Index, q string) string {
	t.Helper()
	ans, err := ix.Ask(context.Background(), q, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Results) == 0 {
		return ""
	}
	return ans.Results[0].Path
}

var analysisFolder = map[string]string{
	"composers.md": "---\ntitle: Composers\n---\n\n## Who was Dvořák?\n\nAntonín Dvořák was a Czech composer of symphonies.\n\n## Straße names\n\nA Straße is a street in German.\n",
	"stats.md":     "---\ntitle: Query statistics\n---\n\n## Tracking statements\n\nThe pg_stat_statements extension records planning and execution times. Set maxConnections in the pool and read os.path.join for paths.\n",
	"kube.md":      "---\ntitle: Kubernetes\n---\n\n## Pods\n\nKubernetes schedules pods onto nodes; a deployment keeps replicas running.\n",
	"mongo.md":     "---\ntitle: Document stores\n---\n\n## MongoDB\n\nMongoDB stores JSON-like documents in collections.\n",
	"widths.md":    "---\ntitle: Widths\n---\n\n## Full width\n\nＡＢＣ full-width letters appear in Japanese text.\n",
}

func TestFolding(t *testing.T) {
	ix := build(t, writeFolder(t, analysisFolder), Options{})
	for _, tc := range []struct{ q, want string }{
		{"who was dvorak", "composers.md"},
		{"who was Dvořák", "composers.md"},
		{"what is a strasse", "composers.md"},
		{"abc full width letters", "widths.md"},
	} {
		t.Run(tc.q, func(t *testing.T) {
			if got := firstPath(t, ix, tc.q); got != tc.want {
				t.Errorf("%q: got %q, want %q", tc.q, got, tc.want)
			}
		})
	}
}

func TestIdentifierSplitting(t *testing.T) {
	ix := build(t, writeFolder(t, analysisFolder), Options{})
	for _, q := range []string{"pg_stat_statements", "stat statements extension", "max connections pool", "maxConnections", "os path join", "os.path.join"} {
		t.Run(q, func(t *testing.T) {
			if got := firstPath(t, ix, q); got != "stats.md" {
				t.Errorf("%q: got %q, want stats.md", q, got)
			}
		})
	}
}

func TestUnknownWordsMatchTheVocabulary(t *testing.T) {
	ix := build(t, writeFolder(t, analysisFolder), Options{})
	for _, tc := range []struct{ q, want string }{
		{"how does kubrenetes schedule things", "kube.md"}, // a typo
		{"is mongo good", "mongo.md"},                      // a short form
		{"mongo or kubrenetes", "kube.md|mongo.md"},
		{"how tall is mount everest", ""}, // nothing close enough: I don't know
	} {
		t.Run(tc.q, func(t *testing.T) {
			got := firstPath(t, ix, tc.q)
			ok := got == tc.want
			for _, w := range strings.Split(tc.want, "|") {
				ok = ok || got == w && got != ""
			}
			if !ok {
				t.Errorf("%q: got %q, want %q", tc.q, got, tc.want)
			}
		})
	}
}

// A page that is mostly links to others (an index, a table of contents)
// contains every word but ranks below the pages it points to.
func TestHubPagesRankBelowTheirTargets(t *testing.T) {
	var hub strings.Builder
	hub.WriteString("<html><head><title>Index</title></head><body><h1>Index</h1><ul>")
	for _, p := range []string{"vacuum", "analyze", "reindex", "cluster"} {
		for i := 0; i < 5; i++ {
			fmt.Fprintf(&hub, `<li><a href="%s.html">%s command and %s options</a></li>`, p, p, p)
		}
	}
	hub.WriteString("</ul></body></html>")
	dir := writeFolder(t, map[string]string{
		"index.html":  hub.String(),
		"vacuum.html": "<html><head><title>VACUUM</title></head><body><h1>VACUUM</h1><p>VACUUM reclaims storage occupied by dead tuples. Its options include FULL and VERBOSE.</p></body></html>",
		"other.html":  "<html><head><title>Other</title></head><body><h1>Other</h1><p>Unrelated text about replication slots and standby servers.</p></body></html>",
	})
	ix := build(t, dir, Options{})
	if got := firstPath(t, ix, "vacuum options"); got != "vacuum.html" {
		t.Errorf("got %q first, want vacuum.html above the index page", got)
	}
}

// When one article clearly holds the answer, the answer shows its next best
// passages instead of other articles' weak ones.
func TestDominantArticleShowsMorePassages(t *testing.T) {
	dir := writeFolder(t, map[string]string{
		"raft.md":  "---\ntitle: Raft consensus\n---\n\n## Leader election\n\nRaft elects a leader with randomized election timeouts and terms.\n\n## Log replication\n\nThe Raft leader replicates log entries to followers and commits them once a majority stores them.\n\n## Safety\n\nRaft guarantees that committed log entries survive leader changes.\n",
		"cache.md": "---\ntitle: Caching\n---\n\n## TTL\n\nA cache entry expires after its TTL; the leader of the team sets it.\n",
	})
	ix := build(t, dir, Options{})
	ans, err := ix.Ask(context.Background(), "raft leader log entries", 3)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, r := range ans.Results {
		paths = append(paths, r.Path+"#"+r.Section)
	}
	if len(paths) < 2 || !strings.HasPrefix(paths[0], "raft.md#") || !strings.HasPrefix(paths[1], "raft.md") {
		t.Errorf("got %v, want two Raft passages first", paths)
	}
}

// Code blocks stay code and URLs stay whole: no marks inside either.
func TestExcerptKeepsCodeAndURLs(t *testing.T) {
	dir := writeFolder(t, map[string]string{
		"retry.md": "---\ntitle: Retries\n---\n\n## How do I cap retries?\n\nCap the backoff so retries stop growing; see https://api.example.com/retry-cap for the API.\n\n```python\nretry(cap=5.0)\n\nrun()\n```\n",
	})
	ix := build(t, dir, Options{})
	ans, err := ix.Ask(context.Background(), "how do I cap retries with the api", 3)
	if err != nil || len(ans.Results) == 0 {
		t.Fatalf("no answer: %v", err)
	}
	var code bool
	for _, f := range ans.Results[0].Excerpt {
		if f.Match && (strings.Contains(f.Text, "/") || strings.Contains(f.Text, "=")) {
			t.Errorf("marked %q inside a URL or code", f.Text)
		}
		if f.Match && f.Text == "api" {
			t.Errorf("marked %q inside the URL", f.Text)
		}
		if f.Code {
			code = true
			if !strings.Contains(f.Text, "retry(cap=5.0)\n \nrun()") {
				t.Errorf("code block %q, want its lines kept", f.Text)
			}
		}
	}
	if !code {
		t.Errorf("excerpt %q has no code block", ans.Results[0].Excerpt.Plain())
	}
}

// A long section is split into passages, here just before "This allows
// ...". An excerpt from the second passage takes the sentence it leans on
// from the first; a run that ends the first goes on into the second, where
// the thought continues.
func TestExcerptsCrossPassageBoundaries(t *testing.T) {
	filler := strings.Repeat("Monitoring covers response times, error rates and the use of every resource on the servers. ", 15)
	body := filler + "Engineers also study historical load data to find trends in usage.\n\nThis allows them to anticipate traffic spikes and plan capacity early."
	dir := writeFolder(t, map[string]string{
		"monitoring.md": "---\ntitle: Monitoring\n---\n\n" + body + "\n",
	})
	ix := build(t, dir, Options{})
	if ps := ix.byArt[0]; len(ps) < 2 || !strings.HasPrefix(ps[len(ps)-1].text, "This allows") {
		t.Fatalf("passages %+v: the test needs the section split before \"This allows\"", ps)
	}
	for _, tc := range []struct{ q, why string }{
		{"how can you anticipate traffic spikes", "the spikes sentence with the one before it"},
		{"why study historical load data", "the historical-data sentence and the one after it"},
	} {
		ans, err := ix.Ask(context.Background(), tc.q, 1)
		if err != nil || len(ans.Results) == 0 {
			t.Fatalf("%q: no answer: %v", tc.q, err)
		}
		got := ans.Results[0].Excerpt.Plain()
		if !strings.Contains(got, "historical load data") || !strings.Contains(got, "anticipate traffic spikes") {
			t.Errorf("%q: excerpt %q, want %s", tc.q, got, tc.why)
		}
	}
}

func TestAmountQuestionsPreferTheSentenceStatingOne(t *testing.T) {
	pad := strings.Repeat("Clients resend requests after timeouts and network failures of all kinds. ", 3)
	first := "The server should keep idempotency keys so that a retried request is recognised as the same operation. "
	second := "The server should keep idempotency keys for 24 hours, enough for any client retry. "
	dir := writeFolder(t, map[string]string{
		"idempotency.md": "---\ntitle: Retries\n---\n\n" + first + pad + second + pad + "\n",
	})
	ix := build(t, dir, Options{ExcerptChars: 240})
	for q, want := range map[string]string{
		"how long should the server keep idempotency keys": "24 hours",       // asks for an amount
		"why should the server keep idempotency keys":      "same operation", // does not: the earliest wins
	} {
		ans, err := ix.Ask(context.Background(), q, 3)
		if err != nil || len(ans.Results) == 0 {
			t.Fatalf("%q: no answer: %v", q, err)
		}
		if got := ans.Results[0].Excerpt.Plain(); !strings.Contains(got, want) {
			t.Errorf("%q: excerpt %q, want the sentence with %q", q, got, want)
		}
	}
}

// The heading lends its words to the section's opening, but when a later
// sentence says them itself, that sentence is the better excerpt.
func TestExplicitMatchBeatsTheHeadingsLoan(t *testing.T) {
	pad := strings.Repeat("Lamps are chosen for rooms of every size and shape. ", 3)
	dir := writeFolder(t, map[string]string{
		"lamps.md": "---\ntitle: Lamps\n---\n\n## What do amber and violet lamps do?\n\n" +
			"Lamps come in many colours for every room of a house. " + pad +
			"Amber lamps calm a room and violet lamps kill germs on surfaces. " + pad + "\n",
	})
	ix := build(t, dir, Options{ExcerptChars: 200})
	ans, err := ix.Ask(context.Background(), "amber and violet lamps", 3)
	if err != nil || len(ans.Results) == 0 {
		t.Fatalf("no answer: %v", err)
	}
	if got := ans.Results[0].Excerpt.Plain(); !strings.Contains(got, "kill germs") {
		t.Errorf("excerpt %q, want the sentence that names amber and violet", got)
	}
}

func TestAmountWeight(t *testing.T) {
	ts := []term{{known: true, idf: 1}, {known: true, idf: 3}, {known: true, idf: 2}, {idf: 9}}
	for q, want := range map[string]float64{
		"how long do keys live":   2, // the median of the known words
		"max_wal_size default":    2,
		"when was REST described": 2,
		"why use idempotency":     0,
		"explain the max heap":    2,
		"maxim of the day":        0,
	} {
		if got := amountWeight(q, ts); got != want {
			t.Errorf("amountWeight(%q) = %v, want %v", q, got, want)
		}
	}
	for s, want := range map[string]bool{
		"expire them after 24 hours": true, "70 to 80% coverage": true, "(15 minutes on Lambda)": true,
		"use HTTP2 or http/2": false, "call v1 of the API": false, "pg_stat_statements": false,
	} {
		if got := statesAmount.MatchString(s); got != want {
			t.Errorf("statesAmount(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestComparisonExcerptInTwoParts(t *testing.T) {
	item := func(name, what string) string {
		return "- **" + name + "**: " + what + " " + strings.Repeat("It is described here at some length for the reader. ", 2) + "\n"
	}
	body := item("Gravel", "gravel roads drain well but wear tyres.") +
		item("Asphalt", "asphalt roads are smooth and quiet.") +
		item("Concrete", "concrete roads last for decades.") +
		item("Cobble", "cobble roads slow traffic in old towns.")
	dir := writeFolder(t, map[string]string{
		"roads.md": "---\ntitle: Road surfaces\n---\n\n## Which surfaces are there?\n\n" + body,
	})
	ix := build(t, dir, Options{ExcerptChars: 260})
	ans, err := ix.Ask(context.Background(), "gravel vs cobble", 3)
	if err != nil || len(ans.Results) == 0 {
		t.Fatalf("no answer: %v", err)
	}
	got := ans.Results[0].Excerpt.Plain()
	if !strings.Contains(got, "wear tyres") || !strings.Contains(got, "old towns") || !strings.Contains(got, gap) {
		t.Errorf("excerpt %q, want the gravel and cobble items in two parts", got)
	}
	if len(got) > 260+len(gap) {
		t.Errorf("excerpt is %d bytes, want at most the budget", len(got))
	}
	// The same words without "vs" are not a comparison: one run of text.
	ans, err = ix.Ask(context.Background(), "gravel cobble", 3)
	if err != nil || len(ans.Results) == 0 {
		t.Fatalf("no answer: %v", err)
	}
	if got := ans.Results[0].Excerpt.Plain(); strings.Contains(got, gap) {
		t.Errorf("excerpt %q for a question that compares nothing, want one part", got)
	}
}

// A kebab-case word is one token, as snake_case is: "no-store" matches the
// directive itself before a page that merely says "store" often, and its
// parts still match words typed apart.
func TestKebabCaseWholeAndInParts(t *testing.T) {
	files := map[string]string{
		"headers.md": "---\ntitle: Response headers\n---\n\n## Directives\n\nThe no-store directive forbids keeping a copy anywhere.\n",
		"flags.md":   "---\ntitle: Server flags\n---\n\n## Pool\n\nPass --max-connections to cap the pool.\n",
		"sockets.md": "---\ntitle: Sockets\n---\n\n## Modes\n\nA socket can be set non-blocking with a flag.\n",
		"stores.md":  "---\ntitle: Shops\n---\n\n## Opening hours\n\nA store keeps stock, and no store opens on Sunday.\n",
	}
	for i, topic := range []string{"queues", "caches", "indexes", "logs", "metrics", "tests"} {
		files[fmt.Sprintf("f%d.md", i)] = "---\ntitle: " + topic + "\n---\n\n## About " + topic + "\n\nSome text about " + topic + " and how teams use them.\n"
	}
	dir := writeFolder(t, files)
	ix := build(t, dir, Options{})
	for q, want := range map[string]string{
		"no-store":              "headers.md", // whole
		"what does no-store do": "headers.md",
		"max connections":       "flags.md", // in parts
		"max-connections":       "flags.md",
	} {
		if got := firstPath(t, ix, q); got != want {
			t.Errorf("%q: got %q first, want %q", q, got, want)
		}
	}
	// A compound's words each stand for it ("blocking" for "non-blocking");
	// an identifier's parts only all together.
	for q, want := range map[string][]string{"non-blocking": {"non", "block"}, "pg_stat": {"pg stat"}} {
		if ts := ix.terms(q); len(ts) != 1 || !slices.Equal(ts[0].parts, want) {
			t.Errorf("terms(%q) = %+v, want parts %q", q, ts, want)
		}
	}
	ans, err := ix.Ask(context.Background(), "no-store", 3)
	if err != nil || len(ans.Results) == 0 {
		t.Fatalf("no answer: %v", err)
	}
	var marked []string
	for _, f := range ans.Results[0].Excerpt {
		if f.Match {
			marked = append(marked, f.Text)
		}
	}
	if !slices.Contains(marked, "no-store") {
		t.Errorf("marked %q, want the whole word no-store", marked)
	}
}

func TestHyphenTokenizer(t *testing.T) {
	tk := hyphenTokenizer{unitok.NewUnicodeTokenizer()}
	var got []string
	for _, tok := range tk.Tokenize([]byte("no-store, max-age=5; a--b x - y 2024-01-15 end-")) {
		got = append(got, string(tok.Term))
	}
	want := []string{"no-store", "max-age", "5", "a", "b", "x", "y", "2024-01-15", "end"}
	if !slices.Equal(got, want) {
		t.Errorf("tokens %q, want %q", got, want)
	}
}

func TestTitleName(t *testing.T) {
	for in, want := range map[string]string{
		"20.5. Write Ahead Log": "Write Ahead Log",
		"F.2. amcheck":          "amcheck",
		"CHECKPOINT":            "CHECKPOINT",
		"functools — Higher-order functions and operations on callable objects": "functools",
		"Feature flags: shipping dark and rolling out safely":                   "Feature flags",
		"A guide to caching": "A guide to caching",
		"E.5. Release 15.16": "Release 15.16",
	} {
		if got := titleName(in); got != want {
			t.Errorf("titleName(%q) = %q, want %q", in, got, want)
		}
	}
}

// A question that names a page's subject whole ranks that page above a
// longer page that uses the word more often.
func TestQuestionNamingATitleFindsItsPage(t *testing.T) {
	long := strings.Repeat("<p>A checkpoint writes every dirty buffer to disk; checkpoints are spaced by checkpoint_timeout and max_wal_size, and a checkpoint after a crash bounds recovery.</p>", 4)
	dir := writeFolder(t, map[string]string{
		"wal-configuration.html": "<html><head><title>30.5. WAL Configuration</title></head><body><h1>WAL Configuration</h1>" + long + "</body></html>",
		"sql-checkpoint.html":    "<html><head><title>CHECKPOINT</title></head><body><h1>CHECKPOINT</h1><p>CHECKPOINT forces an immediate checkpoint of the write-ahead log. Only superusers may call it.</p></body></html>",
		"other.html":             "<html><head><title>Other</title></head><body><h1>Other</h1><p>Unrelated text about replication slots and standby servers.</p></body></html>",
	})
	for _, tc := range []struct {
		s    float64
		want string
	}{{0, "wal-configuration.html"}, {DefaultSettings.TitleNamed, "sql-checkpoint.html"}} {
		s := DefaultSettings
		s.TitleNamed = tc.s
		ix := build(t, dir, Options{Settings: s})
		if got := firstPath(t, ix, "checkpoint"); got != tc.want {
			t.Errorf("TitleNamed %v: got %q first, want %q", tc.s, got, tc.want)
		}
	}
}

// An article of many passages scores only the passages holding a question
// word; one of few passages scores them all.
func TestHoldingPassages(t *testing.T) {
	var long strings.Builder
	long.WriteString("---\ntitle: Settings\n---\n\n")
	for i := 0; i < manyPassages+4; i++ {
		word := "filler"
		if i == 7 || i == 13 {
			word = "vacuum"
		}
		fmt.Fprintf(&long, "## Setting %d\n\nThis setting is about %s and more.\n\n", i, word)
	}
	dir := writeFolder(t, map[string]string{
		"long.md":  long.String(),
		"short.md": "---\ntitle: Short\n---\n\n## One\n\nvacuum here.\n\n## Two\n\nnothing.\n",
	})
	ix := build(t, dir, Options{})
	qs := ix.qterms(ix.terms("vacuum"), ix.opts.Settings)
	for i, a := range ix.arts {
		st := ix.stats[i]
		got := st.holding(qs)
		var want []int
		for j, p := range ix.byArt[i] {
			if a.Path == "short.md" || strings.Contains(p.text, "vacuum") {
				want = append(want, j)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: holding %v, want %v", a.Path, got, want)
		}
	}
}

func TestDefinedTerms(t *testing.T) {
	text := "- Heroku: PaaS (Platform as a Service) that deploys web apps.\n\nNote that x. y: z\n\nwork_mem (integer): Sets the memory.\n\nSee https://example.com: there.\n\nstr.removeprefix(prefix, /): Return a copy."
	got := strings.Join(definedTerms(text, "Hosting"), "|")
	if want := "Heroku|work_mem (integer)|str.removeprefix(prefix, /)"; got != want {
		t.Errorf("definedTerms = %q, want %q", got, want)
	}
}

// "What is X?" is answered by the passage that defines X (a "X: what it
// is" list item), not by a shorter one that only names it.
func TestDefiningPassageAnswersWhatIs(t *testing.T) {
	dir := writeFolder(t, map[string]string{
		"skills.md": "---\ntitle: Backend skills\n---\n\n## Skills\n\nKnow hosting platforms such as AWS, GCP, Azure and Heroku.\n\n" +
			"## Hosting platforms\n\nTeams deploy their services to one of several hosting platforms, and each of them makes different trade-offs between control and convenience for the people who run the code.\n\n" +
			"- AWS: the largest cloud, with a service for nearly everything.\n- Heroku: a platform as a service that deploys web apps from a git push.\n",
	})
	ix := build(t, dir, Options{})
	ans, err := ix.Ask(context.Background(), "what is heroku", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Results) == 0 || ans.Results[0].Section != "Hosting platforms" || !strings.Contains(ans.Results[0].Excerpt.Plain(), "platform as a service") {
		t.Errorf("got %+v, want the Hosting platforms passage that defines Heroku", ans.Results)
	}
}

// Everyday English words say little about what a question is about; words
// outside the commonest 20,000 say all they can.
func TestSpecificity(t *testing.T) {
	for _, w := range []string{"bcrypt", "postgres", "Downtime"} {
		if got := specificity(w); got != 1 {
			t.Errorf("specificity(%q) = %.2f, want 1", w, got)
		}
	}
	order := []string{"the", "take", "really", "suddenly", "password"}
	for i := 1; i < len(order); i++ {
		if a, b := specificity(order[i-1]), specificity(order[i]); a >= b {
			t.Errorf("specificity(%q) %.2f >= specificity(%q) %.2f", order[i-1], a, order[i], b)
		}
	}
	if got := specificity("take"); got > 0.6 {
		t.Errorf("specificity(take) = %.2f, want <= 0.6", got)
	}
	// A number the knowledge base never states is an instance, not a topic.
	if got := unknownSpecificity("4711"); got > 0.6 {
		t.Errorf("unknownSpecificity(4711) = %.2f, want <= 0.6", got)
	}
	for w, want := range map[string]bool{"20ms": true, "1.5k": true, "99.9": true, "k8s": false, "p99": false, "v1234567": false, "12345abcd": false} {
		if got := isNumber(w); got != want {
			t.Errorf("isNumber(%q) = %v, want %v", w, got, want)
		}
	}
	if got := unknownSpecificity("nginx"); got != 1 {
		t.Errorf("unknownSpecificity(nginx) = %.2f, want 1", got)
	}
}

// A chatty question whose filler words ("really", "ignore", "part") are rare
// in technical writing is answered: with coverage weighed by corpus IDF
// alone they outweighed "bcrypt" and "password" and the bot said it did not
// know.
func TestFillerWordsDoNotSinkCoverage(t *testing.T) {
	const q = "does bcrypt ignore part of a really long password?"
	for _, tc := range []struct {
		generic float64
		want    bool
	}{{0, false}, {DefaultSettings.Generic, true}} {
		s := DefaultSettings
		s.Generic = tc.generic
		ix := build(t, "../../knowledge", Options{Settings: s})
		ans, err := ix.Ask(context.Background(), q, 3)
		if err != nil {
			t.Fatal(err)
		}
		got := len(ans.Results) > 0 && ans.Results[0].Path == "authentication.md" && strings.Contains(ans.Results[0].Excerpt.Plain(), "72 bytes")
		if got != tc.want {
			t.Errorf("Generic %v: answered from authentication.md with the 72-byte limit = %v, want %v (%+v)", tc.generic, got, tc.want, ans.Results)
		}
	}
}

// A misspelt word is corrected before it counts as unknown: to the nearest
// index term, else, when its stem lands far from every term ("runing" stems
// to "rune"), to the everyday word it misspells; an identifier's typo to the
// identifier. A word spelt right that the index lacks stays unknown.
func TestMisspellingsAreCorrected(t *testing.T) {
	ix := build(t, writeFolder(t, analysisFolder), Options{})
	stem := func(w string) string { s, _ := ix.analyse(w); return s }
	for _, tc := range []struct{ typed, want string }{
		{"runing", stem("running")},
		{"kubrenetes", stem("kubernetes")},
		{"os.path.jion", stem("os.path.join")},
		{"chess", ""},
		{"notes", ""}, // an everyday word, one edit from "nodes"
	} {
		ts := ix.terms(tc.typed)
		if len(ts) != 1 {
			t.Fatalf("%q: %d terms", tc.typed, len(ts))
		}
		if err := ix.setIDF(context.Background(), ts); err != nil {
			t.Fatal(err)
		}
		if ts[0].corrected != tc.want {
			t.Errorf("%q corrected to %q, want %q", tc.typed, ts[0].corrected, tc.want)
		}
	}
}

// "X meaning" asks what X means: "meaning" is a question word, as "mean"
// and "means" are.
func TestMeaningIsAQuestionWord(t *testing.T) {
	ix := build(t, writeFolder(t, analysisFolder), Options{})
	for _, q := range []string{"kubernetes meaning", "what does kubernetes mean", "meaning of kubernetes"} {
		ts := ix.terms(q)
		if len(ts) != 1 || ts[0].word != "kubernetes" {
			t.Errorf("%q: terms %+v, want kubernetes alone", q, ts)
		}
	}
}

// Chat drops the apostrophe of a contraction ("dont", "whats"): still a stop
// word, unless the letters make a word of their own ("well", "shell").
func TestContractionsWithoutApostrophes(t *testing.T) {
	ix := build(t, writeFolder(t, analysisFolder), Options{})
	var got []string
	for _, x := range ix.terms("whats wrong, i dont get why pods cant start; isnt the shell well configured") {
		got = append(got, x.word)
	}
	want := []string{"wrong", "pods", "start", "shell", "well", "configured"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("terms = %q, want %q", got, want)
	}
}

// The first result is the answer and may use all of ExcerptChars, its run
// chosen within chooseShare of it; the results after it back it up in half
// of it (README: EXCERPT_CHARS).
func TestFirstExcerptIsTheLongest(t *testing.T) {
	long := func(topic string) string {
		var b strings.Builder
		for i := 0; i < 12; i++ {
			fmt.Fprintf(&b, "The %s scheduler keeps step %d of the plan in order for every worker. ", topic, i)
		}
		return b.String()
	}
	dir := writeFolder(t, map[string]string{
		"a.md": "---\ntitle: Alpha\n---\n\n## Scheduler steps\n\n" + long("alpha") + "\n",
		"b.md": "---\ntitle: Beta\n---\n\n## Scheduler steps\n\n" + long("beta") + "\n",
		"c.md": "---\ntitle: Gamma\n---\n\n## Scheduler steps\n\n" + long("gamma") + "\n",
	})
	const size = 600
	ix := build(t, dir, Options{ExcerptChars: size})
	ans, err := ix.Ask(context.Background(), "scheduler plan steps for every worker", 3)
	if err != nil || len(ans.Results) < 2 {
		t.Fatalf("want several results: %v %+v", err, ans.Results)
	}
	first := len(ans.Results[0].Excerpt.Plain())
	if first > size || first <= int(chooseShare*size) {
		t.Errorf("first excerpt %d bytes, want more than %d (grown past the chosen run) and at most %d", first, int(chooseShare*size), size)
	}
	for _, r := range ans.Results[1:] {
		if n := len(r.Excerpt.Plain()); n > size/2 {
			t.Errorf("later excerpt %d bytes, want at most %d", n, size/2)
		}
	}
}

// A hyphenated name the knowledge base never writes, with a part it never
// uses ("cherry-pick" beside a knowledge base that says "pick"), is a name
// from elsewhere: it counts as unknown in the known-words rule. A compound
// of words it does use ("branch-merge") still counts as known.
func TestForeignCompoundsAreUnknown(t *testing.T) {
	dir := writeFolder(t, map[string]string{
		"git.md": "---\ntitle: Git\n---\n\n## Branches\n\nGit keeps commits on branches; pick a branch and merge it into main.\n",
	})
	ix := build(t, dir, Options{})
	for q, want := range map[string]bool{
		"what does git cherry-pick do": false,
		"git branch-merge":             true,
	} {
		ans, err := ix.Ask(context.Background(), q, 3)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(ans.Results) > 0; got != want {
			t.Errorf("%q answered = %v, want %v", q, got, want)
		}
	}
}

// A name wrapped in underscores is a word of its own: `__init__` is not
// the "init" every initialisation paragraph has, while Slack's _italics_
// around a plain word still find the word.
func TestUnderscoreNamesAreWords(t *testing.T) {
	dir := writeFolder(t, map[string]string{
		"packages.md": "---\ntitle: Packages\n---\n\n## Package folders\n\nA folder becomes a package when it holds an `__init__.py` file, which runs on first import.\n",
		"startup.md":  "---\ntitle: Startup\n---\n\n## Init order\n\nThe init system runs each init script in order; init waits for every unit before the next init step.\n",
		"retries.md":  "---\ntitle: Retries\n---\n\n## Safe retries\n\nAn idempotent request can be retried safely.\n",
	})
	ix := build(t, dir, Options{})
	for q, want := range map[string]string{
		"what is __init__.py for":          "packages.md",
		"which requests are _idempotent_?": "retries.md",
	} {
		ans, err := ix.Ask(context.Background(), q, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(ans.Results) == 0 || ans.Results[0].Path != want {
			t.Errorf("%q: first result %v, want %s", q, paths(ans.Results), want)
		}
	}
}

func paths(rs []kb.Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Path)
	}
	return out
}

// Release notes name a feature in passing; the page that documents it ranks
// first even when the notes use the question's words as often.
func TestChangelogsRankBelowTheDocumentedFeature(t *testing.T) {
	dir := writeFolder(t, map[string]string{
		"whatsnew.html": "<html><head><title>What's New In Pooler 3.2</title></head><body><h1>What's New In Pooler 3.2</h1><h2>Connection pool idle timeout</h2><p>The connection pool gained an idle timeout: idle connections in the pool are closed after the idle timeout. The pool also logs each idle timeout.</p><p>Other changes: faster startup.</p></body></html>",
		"pool.html":     "<html><head><title>Connection pool</title></head><body><h1>Connection pool</h1><h2>Idle timeout</h2><p>Set idle_timeout to close connections that stayed idle in the pool longer than that many seconds; the default is 600.</p><h2>Size</h2><p>max_size bounds how many connections the pool opens.</p></body></html>",
		"other.html":    "<html><head><title>Other</title></head><body><h1>Other</h1><p>Unrelated text about replication slots and standby servers.</p></body></html>",
	})
	ix := build(t, dir, Options{})
	if got := firstPath(t, ix, "connection pool idle timeout"); got != "pool.html" {
		t.Errorf("got %q first, want pool.html above the release notes", got)
	}
}

func TestIsChangelog(t *testing.T) {
	for _, tc := range []struct {
		path, title string
		want        bool
	}{
		{"whatsnew/3.3.html", "What’s New In Python 3.3", true},
		{"release-15-4.html", "E.12. Release 15.4", true},
		{"CHANGELOG.md", "Project history", true},
		{"docs/release-notes.md", "Notes", true},
		{"pool.html", "Connection pool", false},
		{"news-feed.md", "Building a news feed", false},
		{"raft-state.md", "Changes of state in a Raft cluster", false},
		{"CHANGES.rst", "Changes in version 2.0", true},
	} {
		if got := isChangelog(&kb.Article{Path: tc.path, Title: tc.title}); got != tc.want {
			t.Errorf("isChangelog(%q, %q) = %v, want %v", tc.path, tc.title, got, tc.want)
		}
	}
}

// A question that names a documented identifier finds the page that defines
// it, even when another page holds more of the question's other words and
// mentions the name in passing.
func TestDocumentedNameFindsItsDefinition(t *testing.T) {
	files := map[string]string{
		"runtime-wal.html": "<html><head><title>Write-ahead log settings</title></head><body><h1>Write-ahead log settings</h1><dl>" +
			"<dt id=\"guc-wal-level\"><code>wal_level</code> (enum)</dt><dd><p>Decides how much information is written to the log.</p></dd>" +
			"<dt id=\"guc-wal-compression\"><code>wal_compression</code> (enum)</dt><dd><p>Compresses full-page images written to the log with the chosen algorithm: pglz, lz4 or zstd.</p></dd>" +
			"<dt id=\"guc-wal-buffers\"><code>wal_buffers</code> (integer)</dt><dd><p>Shared memory used for log data not yet written to disk.</p></dd>" +
			"</dl></body></html>",
		"basebackup.html": "<html><head><title>Base backups</title></head><body><h1>Base backups</h1><h2>Compression</h2><p>Compression of a base backup supports several algorithms: gzip, lz4 and zstd. Compression can run on the client or on the server, and each algorithm supports a level. Which algorithms are supported depends on the build; compression of the log itself is wal_compression, a server setting.</p></body></html>",
	}
	// The question's other words are common in a manual.
	for i := range 6 {
		files[fmt.Sprintf("page%d.html", i)] = fmt.Sprintf("<html><head><title>Page %d</title></head><body><h1>Page %d</h1><p>Topic %d text. Some tools support compression with several algorithms; see their own pages for which are supported.</p></body></html>", i, i, i)
	}
	const q = "which compression algorithms does wal_compression support"
	if got := firstPath(t, build(t, writeFolder(t, files), Options{}), q); got != "runtime-wal.html" {
		t.Errorf("got %q first, want runtime-wal.html, which defines wal_compression", got)
	}
	// The name's weight is what decides: without it, the page full of the
	// other words wins.
	s := DefaultSettings
	s.NameWeight = 1
	if got := firstPath(t, build(t, writeFolder(t, files), Options{Settings: s}), q); got != "basebackup.html" {
		t.Errorf("with NameWeight 1 got %q first; the test no longer exercises documentedName", got)
	}
}

// A long section is cut into passages where the indexer found a paragraph
// break, not where its thought ends: a question whose words the section
// holds across that cut is answered, not met with "I don't know".
func TestCoverageSpansThePassageCut(t *testing.T) {
	files := map[string]string{
		"station.md": "# Pump station\n\n## Maintenance\n\n" +
			"Every spring the crew flushes each hydrant on the north loop and checks the turbine bearings for wear, noting anything unusual in the station log before the summer demand begins and pressure in the mains climbs again.\n\n" +
			"The lantern over the intake must stay lit through the night, because divers inspect the screens after dark when the flow is lowest and the water is clearest for them to see by.\n",
		"office.md":  "# Office\n\nThe office opens at nine and closes at five; visitors sign in at the front desk.\n",
		"parking.md": "# Parking\n\nStaff park behind the office; the gate code changes every month.\n",
	}
	s := DefaultSettings
	s.PassageChars = 300 // one paragraph per passage
	ix := build(t, writeFolder(t, files), Options{Settings: s})
	if n := len(ix.byArt[0]) + len(ix.byArt[1]) + len(ix.byArt[2]); n != 4 {
		t.Fatalf("%d passages, want the Maintenance section cut in two (the test's premise)", n)
	}
	// hydrant and turbine are in the first paragraph, lantern in the
	// second; two words the folder never uses weigh against the question.
	const q = "hydrant turbine lantern quibblesnort flarnish"
	if got := firstPath(t, ix, q); got != "station.md" {
		t.Errorf("got %q, want station.md: its section holds every known word of the question", got)
	}
}
