package health

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kbbot/kbbot/internal/kb"
)

const namespace = "kbbot"

// Label values created up front, so dashboards and alerts see a zero rather
// than a missing series before the first event of each kind.
var (
	knownSurfaces = []string{"mention", "dm", "slash", "share"}
	knownOutcomes = []string{"answered", "no_answer", "greeting", "help", "error", "refused", "undelivered"}
)

// Histogram boundaries in seconds, in 1-2-3-5 steps so that they read well
// on a dashboard.
var (
	searchBuckets  = steps(0.0001, 1)  // 0.1 ms to 1 s
	answerBuckets  = steps(0.005, 30)  // 5 ms to 30 s
	reindexBuckets = steps(0.01, 1000) // 10 ms to 1000 s (about 17 min)
)

// steps lists 1, 2, 3, 5 times each power of ten from lo up to hi.
func steps(lo, hi float64) []float64 {
	var b []float64
	for decade := 1e-6; decade <= hi; decade *= 10 {
		for _, f := range []float64{1, 2, 3, 5} {
			// Round away the float noise of repeated *10, so that
			// boundaries print as 0.0003, not 0.00030000000000000003.
			v, _ := strconv.ParseFloat(strconv.FormatFloat(decade*f, 'g', 6, 64), 64)
			if v >= lo*0.999 && v <= hi*1.001 {
				b = append(b, v)
			}
		}
	}
	return b
}

// Metrics counts what the bot does, in Prometheus form. Its methods are cheap
// and safe for concurrent use; it satisfies slackbot.Metrics.
type Metrics struct {
	questions       *prometheus.CounterVec
	answers         *prometheus.CounterVec
	answerDuration  *prometheus.HistogramVec
	search          prometheus.Histogram
	reindexes       *prometheus.CounterVec
	reindexDuration prometheus.Histogram
	articles        prometheus.Gauge
	slackErrors     *prometheus.CounterVec
	reconnects      prometheus.Counter
	limited         *prometheus.CounterVec
	store           storeMetrics

	gatherer prometheus.Gatherer
}

// NewMetrics registers kbbot's metrics, and the Go runtime and process
// collectors, with reg. A nil reg means a new private registry. When reg is
// not also a Gatherer (as *prometheus.Registry is), /metrics serves
// prometheus.DefaultGatherer. Registering twice on one registry reuses the
// collectors already there.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	g, ok := reg.(prometheus.Gatherer)
	if !ok {
		g = prometheus.DefaultGatherer
	}
	m := &Metrics{
		questions: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "questions_total",
			Help: "Questions taken, by surface (mention, dm, slash, share, ...).",
		}, []string{"surface"})),
		answers: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "answers_total",
			Help: "Requests handled, by outcome (answered, no_answer, greeting, help, error, refused, ...).",
		}, []string{"outcome"})),
		answerDuration: register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "answer_duration_seconds",
			Help:    "Time from receiving a request to replying, by surface.",
			Buckets: answerBuckets,
		}, []string{"surface"})),
		search: register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Name: "search_duration_seconds",
			Help: "Time to answer one question from the index.",
			// Searches usually take well under 10 ms, so the detail is there.
			Buckets: searchBuckets,
		})),
		reindexes: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "reindex_total",
			Help: "Reindex runs, by result (ok, error).",
		}, []string{"result"})),
		reindexDuration: register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Name: "reindex_duration_seconds",
			Help:    "Wall time of successful reindex runs, incremental or full.",
			Buckets: reindexBuckets,
		})),
		articles: register(reg, prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Name: "indexed_articles",
			Help: "Articles in the index that answers questions.",
		})),
		slackErrors: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "slack_api_errors_total",
			Help: "Failed Slack Web API calls, by method and Slack error code.",
		}, []string{"method", "code"})),
		reconnects: register(reg, prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "socket_reconnects_total",
			Help: "Socket Mode reconnections.",
		})),
		limited: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "rate_limited_questions_total",
			Help: "Questions not answered because their user was over USER_RATE_LIMIT, by surface.",
		}, []string{"surface"})),
		gatherer: g,
	}
	m.store = newStoreMetrics(reg)
	register(reg, collectors.NewGoCollector())
	register(reg, collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, s := range knownSurfaces {
		m.questions.WithLabelValues(s)
	}
	for _, s := range knownSurfaces {
		m.limited.WithLabelValues(s)
	}
	for _, o := range knownOutcomes {
		m.answers.WithLabelValues(o)
	}
	m.reindexes.WithLabelValues("ok")
	m.reindexes.WithLabelValues("error")
	return m
}

// register adds c to reg, or returns the equal collector already there (so
// that the default registry, which already has the Go and process
// collectors, works). Any other failure is a programming error, as with
// MustRegister.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		panic(err)
	}
	return c
}

// Question counts a question taken on a surface (mention, dm, slash, share).
func (m *Metrics) Question(surface string) { m.questions.WithLabelValues(surface).Inc() }

// Answer counts a handled request by outcome, and its latency from receipt
// to reply by surface.
func (m *Metrics) Answer(surface, outcome string, latency time.Duration) {
	m.answers.WithLabelValues(outcome).Inc()
	m.answerDuration.WithLabelValues(surface).Observe(latency.Seconds())
}

// SlackError counts a failed Slack Web API call by method and error code.
func (m *Metrics) SlackError(method, code string) {
	m.slackErrors.WithLabelValues(method, code).Inc()
}

// Reconnect counts a Socket Mode reconnection.
func (m *Metrics) Reconnect() { m.reconnects.Inc() }

// Limited counts a question over the per-user limit, by surface.
func (m *Metrics) Limited(surface string) { m.limited.WithLabelValues(surface).Inc() }

// ObserveSearch records how long one search took.
func (m *Metrics) ObserveSearch(d time.Duration) { m.search.Observe(d.Seconds()) }

// Reindexed records the outcome of one reindex run and, when it worked, the
// number of articles now indexed. A run the caller stopped waiting for
// (context cancelled or timed out) says nothing about the index and is not
// counted.
func (m *Metrics) Reindexed(rep kb.Report, err error) {
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
	case err != nil:
		m.reindexes.WithLabelValues("error").Inc()
	default:
		m.reindexes.WithLabelValues("ok").Inc()
		m.reindexDuration.Observe(rep.Duration.Seconds())
		m.articles.Set(float64(rep.Articles))
	}
}

// SetArticles sets the number of indexed articles, e.g. after the index is
// opened at start-up.
func (m *Metrics) SetArticles(n int) { m.articles.Set(float64(n)) }

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.gatherer, promhttp.HandlerOpts{})
}
