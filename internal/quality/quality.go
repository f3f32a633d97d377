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
	Source flexNames `json:"source"`
	Answer []string  `json:"answer"`
	None   bool      `json:"none"`
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

// Evaluate runs every question and computes the metrics of shared/eval/README.md.
func Evaluate(ctx context.Context, a Asker, qs []Question, depth int) (Metrics, []string, error) {
	var (
		m                             Metrics
		nSrc, nAns, nNone             int
		h1, h3, mrr, a1, a3, rejected float64
		lat                           []float64
		misses                        []string
	)
	for _, q := range qs {
		start := time.Now()
		ans, err := a.Ask(ctx, q.Q, depth)
		lat = append(lat, float64(time.Since(start).Microseconds())/1000)
		if err != nil {
			return m, nil, fmt.Errorf("ask %q: %w", q.Q, err)
		}
		m.Questions++
		got := make([]string, len(ans.Results))
		for i, r := range ans.Results {
			got[i] = path.Base(r.Path)
		}
		if q.None {
			nNone++
			if !ans.Answered() {
				rejected++
			} else {
				misses = append(misses, fmt.Sprintf("%q should get no answer; got %s", q.Q, strings.Join(got, ", ")))
			}
			continue
		}
		if len(q.Source) > 0 {
			nSrc++
			rank := 0
			for i, g := range got {
				if i < 10 && contains(q.Source, g) {
					rank = i + 1
					break
				}
			}
			if rank == 1 {
				h1++
			}
			if rank >= 1 && rank <= 3 {
				h3++
			}
			if rank >= 1 {
				mrr += 1 / float64(rank)
			}
			if rank != 1 {
				misses = append(misses, fmt.Sprintf("%q: want %s, rank %d; got %s", q.Q, strings.Join(q.Source, " or "), rank, strings.Join(first(got, 3), ", ")))
			}
		}
		if len(q.Answer) > 0 {
			nAns++
			ok1, ok3 := false, false
			for i, r := range ans.Results {
				if i >= 3 {
					break
				}
				if containsAll(r.Excerpt.Plain(), q.Answer) {
					ok3 = true
					ok1 = ok1 || i == 0
				}
			}
			if ok1 {
				a1++
			}
			if ok3 {
				a3++
			} else {
				first := ""
				if len(ans.Results) > 0 {
					first = ans.Results[0].Path + ": " + ans.Results[0].Excerpt.Plain()
				}
				misses = append(misses, fmt.Sprintf("%q: no excerpt in the top 3 contains %v; first: %.160s", q.Q, q.Answer, first))
			}
		}
	}
	div := func(a float64, b int) float64 {
		if b == 0 {
			return 0
		}
		return round3(a / float64(b))
	}
	m.Hit1, m.Hit3, m.MRR10 = div(h1, nSrc), div(h3, nSrc), div(mrr, nSrc)
	m.Answer1, m.Answer3 = div(a1, nAns), div(a3, nAns)
	m.NoneRejected = div(rejected, nNone)
	sort.Float64s(lat)
	m.P50ms = round3(lat[len(lat)/2])
	m.P99ms = round3(lat[min(len(lat)-1, int(float64(len(lat))*0.99))])
	return m, misses, nil
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
