package quality

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/kbbot/kbbot/internal/kb"
)

func repeat(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func TestQualityBootstrap(t *testing.T) {
	half := append(repeat(1, 15), repeat(0, 15)...)
	for _, tc := range []struct {
		name   string
		vals   []float64
		lo, hi float64 // the interval must lie within [lo, hi]...
		strict bool    // ...and strictly inside (0, 1), around the mean
	}{
		{"all hits", repeat(1, 20), 1, 1, false},
		{"all misses", repeat(0, 20), 0, 0, false},
		{"one question", []float64{1}, 1, 1, false},
		{"half", half, 0.2, 0.8, true},
		{"no questions", nil, 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Bootstrap(tc.vals, Resamples, Seed)
			if got[0] < tc.lo || got[1] > tc.hi || got[0] > got[1] {
				t.Errorf("got %v, want an interval within [%v, %v]", got, tc.lo, tc.hi)
			}
			if tc.strict && !(got[0] > 0 && got[0] < mean(tc.vals) && mean(tc.vals) < got[1] && got[1] < 1) {
				t.Errorf("got %v, want strictly inside (0, 1) around %v", got, mean(tc.vals))
			}
			if again := Bootstrap(tc.vals, Resamples, Seed); again != got {
				t.Errorf("same seed: got %v then %v", got, again)
			}
		})
	}
}

// TestQualityBootstrapWidth checks the interval narrows as the set grows,
// as a standard error does (about 1/sqrt(n)).
func TestQualityBootstrapWidth(t *testing.T) {
	small := Bootstrap(append(repeat(1, 10), repeat(0, 10)...), Resamples, Seed)
	large := Bootstrap(append(repeat(1, 1000), repeat(0, 1000)...), Resamples, Seed)
	if ws, wl := small[1]-small[0], large[1]-large[0]; !(wl < ws/5) || wl <= 0 {
		t.Errorf("width %.3f on 20 questions, %.3f on 2000: want the larger set's about 10x narrower", ws, wl)
	}
}

// fakeAsker answers each question with the fixed result paths (and
// excerpts) given for it.
type fakeAsker map[string][]kb.Result

func (f fakeAsker) Ask(_ context.Context, q string, limit int) (kb.Answer, error) {
	r, ok := f[q]
	if !ok {
		return kb.Answer{}, fmt.Errorf("unexpected question %q", q)
	}
	return kb.Answer{Question: q, Results: r}, nil
}

func res(path, excerpt string) kb.Result {
	return kb.Result{Path: path, Excerpt: kb.Excerpt{{Text: excerpt}}}
}

func TestQualityMeasure(t *testing.T) {
	a := fakeAsker{
		"first":    {res("dir/a.md", "alpha"), res("b.md", "beta")},
		"second":   {res("b.md", "beta"), res("a.md", "alpha")},
		"missing":  {res("b.md", "beta")},
		"answered": {res("b.md", "nothing here"), res("c.md", "the Answer is 42")},
		"nothing":  nil,
		"leaked":   {res("b.md", "beta")},
	}
	qs := []Question{
		{Q: "first", Source: []string{"a.md"}},
		{Q: "second", Source: []string{"a.md"}},
		{Q: "missing", Source: []string{"a.md"}},
		{Q: "answered", Answer: []string{"answer is|reply is", "42"}},
		{Q: "nothing", None: true},
		{Q: "leaked", None: true},
	}
	r, err := Measure(context.Background(), a, qs, 10)
	if err != nil {
		t.Fatal(err)
	}
	m := r.Metrics
	m.P50ms, m.P99ms = 0, 0
	want := Metrics{Questions: 6, Hit1: 0.333, Hit3: 0.667, MRR10: 0.5, Answer1: 0, Answer3: 1, NoneRejected: 0.5}
	if m != want {
		t.Errorf("got %+v, want %+v", m, want)
	}
	wantRanks := []int{1, 2, 0, 0, 0, 0}
	for i, o := range r.Outcomes {
		if o.Rank != wantRanks[i] {
			t.Errorf("%s: got rank %d, want %d", o.Q, o.Rank, wantRanks[i])
		}
	}
	if len(r.Misses) != 3 { // second, missing, leaked ("answered" is in the top 3)
		t.Errorf("got %d misses, want 3: %q", len(r.Misses), r.Misses)
	}
	for name, ci := range r.CI {
		if ci[0] < 0 || ci[1] > 1 || ci[0] > ci[1] {
			t.Errorf("%s: interval %v", name, ci)
		}
	}
	if r.CI["answer@3"] != [2]float64{1, 1} || r.CI["answer@1"] != [2]float64{0, 0} {
		t.Errorf("answer intervals %v %v, want [1 1] and [0 0]", r.CI["answer@3"], r.CI["answer@1"])
	}

	// Evaluate is the same figures without intervals.
	em, misses, err := Evaluate(context.Background(), a, qs, 10)
	em.P50ms, em.P99ms = 0, 0
	if err != nil || em != want || !reflect.DeepEqual(misses, r.Misses) {
		t.Errorf("Evaluate: got %+v %q %v", em, misses, err)
	}
}

func TestQualityCIsOnlyWhereTheyApply(t *testing.T) {
	for _, tc := range []struct {
		name string
		outs []Outcome
		want []string
	}{
		{"sources only", []Outcome{{HasSource: true, Rank: 1}, {HasSource: true}}, []string{"hit@1", "hit@3", "mrr@10"}},
		{"answers only", []Outcome{{HasAnswer: true, Answer3: true}}, []string{"answer@1", "answer@3"}},
		{"none only", []Outcome{{None: true, Rejected: true}}, []string{"none_rejected"}},
		{"nothing", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ci := CIs(tc.outs, 100, Seed)
			var got []string
			for _, name := range QualityMetrics {
				if _, ok := ci[name]; ok {
					got = append(got, name)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got intervals for %v, want %v", got, tc.want)
			}
		})
	}
}
