package health

import "github.com/prometheus/client_golang/prometheus"

// storeMetrics count what the store writer and the feedback buttons do.
type storeMetrics struct {
	feedback *prometheus.CounterVec
	written  prometheus.Counter
	failed   prometheus.Counter
	pending  prometheus.Gauge
	dropped  prometheus.Counter
}

func newStoreMetrics(reg prometheus.Registerer) storeMetrics {
	m := storeMetrics{
		feedback: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "feedback_total",
			Help: "Helpful / Not helpful clicks, by rating (helpful, not_helpful).",
		}, []string{"rating"})),
		written: register(reg, prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "store_written_total",
			Help: "Records (questions, votes) written to the store.",
		})),
		failed: register(reg, prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "store_write_errors_total",
			Help: "Failed store write attempts; the records are kept and retried.",
		})),
		pending: register(reg, prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Name: "store_pending_records",
			Help: "Records waiting to be written to the store.",
		})),
		dropped: register(reg, prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "store_dropped_total",
			Help: "Records given up on: the buffer was full, or the store still failed at shutdown.",
		})),
	}
	m.feedback.WithLabelValues("helpful")
	m.feedback.WithLabelValues("not_helpful")
	return m
}

// Feedback counts a Helpful / Not helpful click.
func (m *Metrics) Feedback(rating string) { m.store.feedback.WithLabelValues(rating).Inc() }

// StoreWritten counts records written to the store.
func (m *Metrics) StoreWritten(rows int) { m.store.written.Add(float64(rows)) }

// StoreFailed counts a failed store write attempt.
func (m *Metrics) StoreFailed() { m.store.failed.Inc() }

// StorePending sets how many records wait to be written.
func (m *Metrics) StorePending(rows int) { m.store.pending.Set(float64(rows)) }

// StoreDropped counts records the store writer gave up on.
func (m *Metrics) StoreDropped(rows int) { m.store.dropped.Add(float64(rows)) }
