package health_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/kbbot/kbbot/internal/health"
	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/slackbot"
)

// The Slack layer reports through health.Metrics.
var _ slackbot.Metrics = (*health.Metrics)(nil)

// start runs a server on a free loopback port and returns its base URL and
// a function that stops it and returns Run's result.
func start(t *testing.T, ready func() (bool, string), m *health.Metrics) (string, func() error) {
	t.Helper()
	s := health.NewServer("127.0.0.1:0", ready, m, zerolog.New(zerolog.NewTestWriter(t)))
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var stopped bool
	var result error
	stop := func() error {
		if stopped {
			return result
		}
		stopped = true
		cancel()
		select {
		case result = <-done:
		case <-time.After(10 * time.Second):
			result = errors.New("Run did not return within 10s of cancel")
		}
		return result
	}
	t.Cleanup(func() { stop() })
	return "http://" + s.Addr(), stop
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", url, err)
	}
	return resp.StatusCode, string(b)
}

func TestProbes(t *testing.T) {
	var why atomic.Value
	why.Store("index not loaded")
	ready := func() (bool, string) {
		if w := why.Load().(string); w != "" {
			return false, w
		}
		return true, ""
	}
	base, stop := start(t, ready, nil)

	steps := []struct {
		name     string
		why      string
		path     string
		wantCode int
		wantBody string
	}{
		{"alive while not ready", "index not loaded", "/healthz", 200, "ok\n"},
		{"index not loaded", "index not loaded", "/readyz", 503, "index not loaded\n"},
		{"socket not connected", "socket mode not connected", "/readyz", 503, "socket mode not connected\n"},
		{"ready", "", "/readyz", 200, "ready\n"},
		{"alive when ready", "", "/healthz", 200, "ok\n"},
		{"no metrics without Metrics", "", "/metrics", 404, ""},
	}
	for _, tc := range steps {
		t.Run(tc.name, func(t *testing.T) {
			why.Store(tc.why)
			code, body := get(t, base+tc.path)
			if code != tc.wantCode {
				t.Errorf("GET %s: got status %d, want %d", tc.path, code, tc.wantCode)
			}
			if tc.wantBody != "" && body != tc.wantBody {
				t.Errorf("GET %s: got body %q, want %q", tc.path, body, tc.wantBody)
			}
		})
	}

	if err := stop(); err != nil {
		t.Fatalf("Run: got %v, want nil after cancel", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("GET /healthz after stop: got a response, want the listener closed")
	}
}

func TestMetricsEndpoint(t *testing.T) {
	m := health.NewMetrics(prometheus.NewRegistry())
	m.Question("dm")
	m.Question("dm")
	m.Question("slash")
	m.Answer("dm", "answered", 40*time.Millisecond)
	m.Answer("slash", "no_answer", 20*time.Millisecond)
	m.SlackError("chat.postMessage", "ratelimited")
	m.Reconnect()
	m.ObserveSearch(3 * time.Millisecond)
	m.ObserveSearch(300 * time.Microsecond)
	m.SetArticles(12)
	m.Reindexed(kb.Report{Articles: 13, Duration: 2 * time.Second}, nil)
	m.Reindexed(kb.Report{}, errors.New("disk full"))
	m.Reindexed(kb.Report{}, fmt.Errorf("wait: %w", context.Canceled))

	base, _ := start(t, nil, m)
	code, body := get(t, base+"/metrics")
	if code != 200 {
		t.Fatalf("GET /metrics: got status %d, want 200", code)
	}
	vals := parse(t, body)
	want := map[string]float64{
		`kbbot_questions_total{surface="dm"}`:                                        2,
		`kbbot_questions_total{surface="slash"}`:                                     1,
		`kbbot_questions_total{surface="mention"}`:                                   0,
		`kbbot_answers_total{outcome="answered"}`:                                    1,
		`kbbot_answers_total{outcome="no_answer"}`:                                   1,
		`kbbot_answers_total{outcome="error"}`:                                       0,
		`kbbot_answer_duration_seconds_count{surface="dm"}`:                          1,
		`kbbot_slack_api_errors_total{code="ratelimited",method="chat.postMessage"}`: 1,
		`kbbot_socket_reconnects_total`:                                              1,
		`kbbot_search_duration_seconds_count`:                                        2,
		`kbbot_search_duration_seconds_bucket{le="0.0001"}`:                          0,
		`kbbot_search_duration_seconds_bucket{le="1"}`:                               2,
		`kbbot_reindex_total{result="ok"}`:                                           1,
		`kbbot_reindex_total{result="error"}`:                                        1,
		`kbbot_reindex_duration_seconds_count`:                                       1,
		`kbbot_reindex_duration_seconds_sum`:                                         2,
		`kbbot_indexed_articles`:                                                     13,
	}
	for k, w := range want {
		got, ok := vals[k]
		switch {
		case !ok:
			t.Errorf("%s: missing from /metrics", k)
		case got != w:
			t.Errorf("%s: got %v, want %v", k, got, w)
		}
	}
	// Fine-grained latency buckets: at least one boundary between 0.1 ms
	// and 1 ms, so sub-millisecond searches are told apart.
	if !hasBucketBetween(vals, "kbbot_search_duration_seconds_bucket", 0.0001, 0.001) {
		t.Error("search_duration_seconds: no bucket boundary between 0.1 ms and 1 ms")
	}
	for _, prefix := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if _, ok := vals[prefix]; !ok {
			t.Errorf("%s: missing (Go and process collectors should be registered)", prefix)
		}
	}
}

// parse reads the text exposition format into series -> value.
func parse(t *testing.T, body string) map[string]float64 {
	t.Helper()
	vals := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			t.Fatalf("bad exposition line %q", line)
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("bad value in %q: %v", line, err)
		}
		vals[line[:i]] = v
	}
	return vals
}

func hasBucketBetween(vals map[string]float64, name string, lo, hi float64) bool {
	for k := range vals {
		rest, ok := strings.CutPrefix(k, name+`{le="`)
		if !ok {
			continue
		}
		le, err := strconv.ParseFloat(strings.TrimSuffix(rest, `"}`), 64)
		if err == nil && le > lo && le < hi {
			return true
		}
	}
	return false
}

func TestNewMetricsTwiceOnOneRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	a := health.NewMetrics(reg)
	b := health.NewMetrics(reg) // must not panic, and must share the series
	a.Reconnect()
	b.Reconnect()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "kbbot_socket_reconnects_total" {
			if got := mf.GetMetric()[0].GetCounter().GetValue(); got != 2 {
				t.Errorf("socket_reconnects_total: got %v, want 2", got)
			}
			return
		}
	}
	t.Error("socket_reconnects_total: not gathered")
}

// A probe in flight when the context ends still gets its answer, and Run
// returns only after it has.
func TestGracefulShutdown(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	ready := func() (bool, string) {
		close(entered)
		<-release
		return true, ""
	}
	base, stop := start(t, ready, nil)

	type result struct {
		code int
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			got <- result{err: err}
			return
		}
		resp.Body.Close()
		got <- result{code: resp.StatusCode}
	}()
	<-entered

	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	select {
	case err := <-stopped:
		t.Fatalf("Run returned (%v) while a request was in flight", err)
	case <-time.After(50 * time.Millisecond):
		// Not a synchronisation sleep: a bounded window in which an early
		// return would show up as a failure.
	}
	close(release)

	r := <-got
	if r.err != nil || r.code != 200 {
		t.Fatalf("in-flight /readyz: got %d, %v; want 200, nil", r.code, r.err)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("Run: got %v, want nil", err)
	}
}

func TestAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s := health.NewServer(ln.Addr().String(), nil, nil, zerolog.New(zerolog.NewTestWriter(t)))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Run(ctx); err == nil {
		t.Fatal("Run on a busy port: got nil, want an error")
	} else if !strings.Contains(err.Error(), ln.Addr().String()) {
		t.Errorf("error %q does not name the address", err)
	}
	if s.Addr() != "" {
		t.Errorf("Addr after failed listen: got %q, want \"\"", s.Addr())
	}
}
