package health_test

import (
	"strings"
	"testing"

	"github.com/kbbot/kbbot/internal/health"
	"github.com/kbbot/kbbot/internal/store"
)

// The store writer reports through health.Metrics.
var _ store.Metrics = (*health.Metrics)(nil)

func TestReadyWithDetail(t *testing.T) {
	base, _ := start(t, func() (bool, string) { return true, "store postgres failing for 12s, 3 records waiting" }, nil)
	code, body := get(t, base+"/readyz")
	if code != 200 || body != "ready\nstore postgres failing for 12s, 3 records waiting\n" {
		t.Errorf("got %d %q, want 200 with the detail after ready", code, body)
	}
}

func TestStoreMetrics(t *testing.T) {
	m := health.NewMetrics(nil)
	m.Feedback("not_helpful")
	m.Feedback("not_helpful")
	m.StoreWritten(5)
	m.StoreFailed()
	m.StorePending(3)
	m.StoreDropped(2)
	base, _ := start(t, nil, m)
	_, body := get(t, base+"/metrics")
	for _, want := range []string{
		`kbbot_feedback_total{rating="helpful"} 0`,
		`kbbot_feedback_total{rating="not_helpful"} 2`,
		"kbbot_store_written_total 5",
		"kbbot_store_write_errors_total 1",
		"kbbot_store_pending_records 3",
		"kbbot_store_dropped_total 2",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
