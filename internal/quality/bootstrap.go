package quality

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Resamples and Seed are the bootstrap settings kbbot eval uses: fixed, so
// the same outcomes always print the same intervals.
const (
	Resamples = 1000
	Seed      = 20240601
)

// CIs gives a 95% percentile-bootstrap confidence interval for each quality
// metric that applies to at least one question, keyed like the JSON metrics
// (hit@1, ..., none_rejected). Each metric resamples, with replacement, the
// questions it applies to.
func CIs(outs []Outcome, resamples int, seed uint64) map[string][2]float64 {
	ci := map[string][2]float64{}
	for name, vals := range perQuestion(outs) {
		ci[name] = Bootstrap(vals, resamples, seed)
	}
	return ci
}

// Bootstrap is the 95% percentile interval (2.5th and 97.5th percentiles,
// nearest rank) of the mean of vals over resamples resamples drawn with
// replacement, rounded to three decimals like the metrics. The generator is
// a PCG seeded with seed, so the interval is reproducible. With no values it
// returns [0, 0].
func Bootstrap(vals []float64, resamples int, seed uint64) [2]float64 {
	if len(vals) == 0 || resamples <= 0 {
		return [2]float64{}
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	means := make([]float64, resamples)
	for i := range means {
		s := 0.0
		for range vals {
			s += vals[rng.IntN(len(vals))]
		}
		means[i] = s / float64(len(vals))
	}
	sort.Float64s(means)
	return [2]float64{round3(percentile(means, 0.025)), round3(percentile(means, 0.975))}
}

// percentile is the nearest-rank percentile of sorted values.
func percentile(sorted []float64, p float64) float64 {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(len(sorted)-1, i))]
}
