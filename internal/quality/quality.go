// Package quality measures answer quality on question sets in the format of
// shared/eval/README.md: hit@k, MRR, answer@k, honest rejections, latency.
package quality

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/kbbot/kbbot/internal/kb"
)

// Question is one line of a question set (see shared/eval/README.md).
type Question struct {
	Q      string    `json:"q"`
	Source flexNames `json:"source,omitempty"`
	Answer []string  `json:"answer,omitempty"`
	None   bool      `json:"none,omitempty"`
}

// flexNames accepts a string or a list of strings.
type flexNames []string

func (f *flexNames) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*f = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("source: want a file name or a list of them")
	}
	*f = many
	return nil
}

// Metrics are exactly the figures the question-set format defines.
type Metrics struct {
	Questions    int     `json:"questions"`
	Hit1         float64 `json:"hit@1"`
	Hit3         float64 `json:"hit@3"`
	MRR10        float64 `json:"mrr@10"`
	Answer1      float64 `json:"answer@1"`
	Answer3      float64 `json:"answer@3"`
	NoneRejected float64 `json:"none_rejected"`
	P50ms        float64 `json:"p50_ms"`
	P99ms        float64 `json:"p99_ms"`
}

// Asker is what Evaluate needs from the search library.
type Asker interface {
	Ask(ctx context.Context, q string, limit int) (kb.Answer, error)
}

// ReadQuestions reads a JSON Lines question set.
func ReadQuestions(p string) ([]Question, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("questions: %w", err)
	}
	defer f.Close()
	var qs []Question
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "//") {
			continue
		}
		var q Question
		if err := json.Unmarshal([]byte(t), &q); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", p, line, err)
		}
		if strings.TrimSpace(q.Q) == "" {
			return nil, fmt.Errorf("%s:%d: \"q\" is empty", p, line)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("%s: no questions", p)
	}
	return qs, nil
}

var spaceRE = regexp.MustCompile(`\s+`)

func norm(s string) string {
	return strings.ToLower(spaceRE.ReplaceAllString(strings.TrimSpace(s), " "))
}

// contains reports whether every answer element (with | alternatives) is in text.
func containsAll(text string, answer []string) bool {
	t := norm(text)
	for _, el := range answer {
		ok := false
		for _, alt := range strings.Split(el, "|") {
			if a := norm(alt); a != "" && strings.Contains(t, a) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// Outcome is what happened to one question: enough to recompute every
// metric, so confidence intervals can resample questions.
type Outcome struct {
	Q         string
	HasSource bool    // the question names source articles (hit@k, mrr@10)
	Rank      int     // rank of the first source article within the top ten; 0 if absent
	HasAnswer bool    // the question names answer strings (answer@k)
	Answer1   bool    // the first excerpt contains every answer element
	Answer3   bool    // one of the first three excerpts does
	None      bool    // nothing should answer the question (none_rejected)
	Rejected  bool    // and nothing did
	LatencyMs float64 // search time, excerpts included
}

// Run is one question set's result: the metrics, a 95% bootstrap confidence
// interval for each quality metric that applies to the set (see CIs), the
// per-question outcomes and a line per miss.
type Run struct {
	Metrics
	CI       map[string][2]float64
	Outcomes []Outcome
	Misses   []string
}

// Measure runs every question and computes the metrics of
// shared/eval/README.md with their confidence intervals.
func Measure(ctx context.Context, a Asker, qs []Question, depth int) (Run, error) {
	var r Run
	for _, q := range qs {
		start := time.Now()
		ans, err := a.Ask(ctx, q.Q, depth)
		o := Outcome{Q: q.Q, LatencyMs: float64(time.Since(start).Microseconds()) / 1000}
		if err != nil {
			return Run{}, fmt.Errorf("ask %q: %w", q.Q, err)
		}
		// Results are counted per article: an answer may show several
		// passages of one.
		var got []string
		for _, res := range ans.Results {
			if b := path.Base(res.Path); !contains(got, b) {
				got = append(got, b)
			}
		}
		switch {
		case q.None:
			o.None = true
			o.Rejected = !ans.Answered()
			if !o.Rejected {
				r.Misses = append(r.Misses, fmt.Sprintf("%q should get no answer; got %s", q.Q, strings.Join(got, ", ")))
			}
		default:
			if len(q.Source) > 0 {
				o.HasSource = true
				for i, g := range got {
					if i < 10 && contains(q.Source, g) {
						o.Rank = i + 1
						break
					}
				}
				if o.Rank != 1 {
					r.Misses = append(r.Misses, fmt.Sprintf("%q: want %s, rank %d; got %s", q.Q, strings.Join(q.Source, " or "), o.Rank, strings.Join(first(got, 3), ", ")))
				}
			}
			if len(q.Answer) > 0 {
				o.HasAnswer = true
				for i, res := range ans.Results {
					if i >= 3 {
						break
					}
					if containsAll(res.Excerpt.Plain(), q.Answer) {
						o.Answer3 = true
						o.Answer1 = o.Answer1 || i == 0
					}
				}
				if !o.Answer3 {
					first := ""
					if len(ans.Results) > 0 {
						first = ans.Results[0].Path + ": " + ans.Results[0].Excerpt.Plain()
					}
					r.Misses = append(r.Misses, fmt.Sprintf("%q: no excerpt in the top 3 contains %v; first: %.160s", q.Q, q.Answer, first))
				}
			}
		}
		r.Outcomes = append(r.Outcomes, o)
	}
	r.Metrics = Summarize(r.Outcomes)
	r.CI = CIs(r.Outcomes, Resamples, Seed)
	return r, nil
}

// Evaluate is Measure without the intervals and outcomes.
func Evaluate(ctx context.Context, a Asker, qs []Question, depth int) (Metrics, []string, error) {
	r, err := Measure(ctx, a, qs, depth)
	if err != nil {
		return Metrics{}, nil, err
	}
	return r.Metrics, r.Misses, nil
}

// Summarize computes the metrics from per-question outcomes. A metric that
// no question applies to is 0 (CIs leaves it out, which is how callers tell).
func Summarize(outs []Outcome) Metrics {
	m := Metrics{Questions: len(outs)}
	for name, vals := range perQuestion(outs) {
		v := round3(mean(vals))
		switch name {
		case "hit@1":
			m.Hit1 = v
		case "hit@3":
			m.Hit3 = v
		case "mrr@10":
			m.MRR10 = v
		case "answer@1":
			m.Answer1 = v
		case "answer@3":
			m.Answer3 = v
		case "none_rejected":
			m.NoneRejected = v
		}
	}
	if len(outs) == 0 {
		return m
	}
	lat := make([]float64, len(outs))
	for i, o := range outs {
		lat[i] = o.LatencyMs
	}
	sort.Float64s(lat)
	m.P50ms = round3(lat[len(lat)/2])
	m.P99ms = round3(lat[min(len(lat)-1, int(float64(len(lat))*0.99))])
	return m
}

// QualityMetrics names the metrics that get confidence intervals, in the
// order they are reported.
var QualityMetrics = []string{"hit@1", "hit@3", "mrr@10", "answer@1", "answer@3", "none_rejected"}

// perQuestion gives each quality metric's per-question values (1/0, or
// 1/rank for mrr@10) over the questions it applies to; a metric no
// question applies to is absent.
func perQuestion(outs []Outcome) map[string][]float64 {
	v := map[string][]float64{}
	b := func(ok bool) float64 {
		if ok {
			return 1
		}
		return 0
	}
	for _, o := range outs {
		if o.HasSource {
			v["hit@1"] = append(v["hit@1"], b(o.Rank == 1))
			v["hit@3"] = append(v["hit@3"], b(o.Rank >= 1 && o.Rank <= 3))
			rr := 0.0
			if o.Rank >= 1 {
				rr = 1 / float64(o.Rank)
			}
			v["mrr@10"] = append(v["mrr@10"], rr)
		}
		if o.HasAnswer {
			v["answer@1"] = append(v["answer@1"], b(o.Answer1))
			v["answer@3"] = append(v["answer@3"], b(o.Answer3))
		}
		if o.None {
			v["none_rejected"] = append(v["none_rejected"], b(o.Rejected))
		}
	}
	return v
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
