package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/kbbot/kbbot/internal/quality"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// evalFixture writes two question sets over the project's knowledge folder
// into one directory: one with sources, answers and a none question, one
// with sources only.
func evalFixture(t *testing.T) (dir string, env map[string]string) {
	t.Helper()
	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, "mixed.jsonl"), []byte(`{"q": "What is a reverse proxy?", "source": "load-balancing-reverse-proxies.md", "answer": ["forward|in front of"]}
{"q": "best pizza toppings", "none": true}
`), 0o644)
	os.WriteFile(filepath.Join(dir, "sources.jsonl"), []byte(`{"q": "What is a reverse proxy?", "source": "load-balancing-reverse-proxies.md"}
{"q": "What is a reverse proxy?", "source": "no-such-article.md"}
`), 0o644)
	env = map[string]string{"KNOWLEDGE_DIR": "../../knowledge", "INDEX_DIR": filepath.Join(t.TempDir(), "index"), "LOG_LEVEL": "warn"}
	return dir, env
}

func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var o map[string]any
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		objs = append(objs, o)
	}
	return objs
}

func sortedKeys[V any](m map[string]V) string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

func TestEvalJSON(t *testing.T) {
	dir, env := evalFixture(t)
	const metrics = "answer@1,answer@3,ci,hit@1,hit@3,mrr@10,none_rejected,p50_ms,p99_ms,questions"
	for _, tc := range []struct {
		name string
		args []string
		sets []string // "set" of each line; "" for a single object without it
		ci   []string // the intervals each line has
	}{
		{"one set: today's object plus ci", []string{"--questions", filepath.Join(dir, "mixed.jsonl")},
			[]string{""}, []string{"answer@1,answer@3,hit@1,hit@3,mrr@10,none_rejected"}},
		{"two sets from a glob: a line each with set", []string{"--questions", filepath.Join(dir, "*.jsonl")},
			[]string{"mixed", "sources"}, []string{"answer@1,answer@3,hit@1,hit@3,mrr@10,none_rejected", "hit@1,hit@3,mrr@10"}},
		{"repeated flag, in order given", []string{"--questions", filepath.Join(dir, "sources.jsonl"), "--questions", filepath.Join(dir, "mixed.jsonl")},
			[]string{"sources", "mixed"}, []string{"hit@1,hit@3,mrr@10", "answer@1,answer@3,hit@1,hit@3,mrr@10,none_rejected"}},
		{"a shell-expanded glob: the rest are arguments", []string{"--questions", filepath.Join(dir, "mixed.jsonl"), filepath.Join(dir, "sources.jsonl")},
			[]string{"mixed", "sources"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, err := cli(t, env, append([]string{"eval", "--json"}, tc.args...)...)
			if err != nil {
				t.Fatalf("%v\n%s", err, errs)
			}
			objs := jsonLines(t, out)
			if len(objs) != len(tc.sets) {
				t.Fatalf("got %d lines, want %d:\n%s", len(objs), len(tc.sets), out)
			}
			for i, o := range objs {
				set, _ := o["set"].(string)
				if set != tc.sets[i] {
					t.Errorf("line %d: got set %q, want %q", i, set, tc.sets[i])
				}
				delete(o, "set")
				if got := sortedKeys(o); got != metrics {
					t.Errorf("line %d: got keys %s, want %s", i, got, metrics)
				}
				for k, v := range o {
					if _, ok := v.(float64); !ok && k != "ci" {
						t.Errorf("line %d: %s is %T, want a plain number", i, k, v)
					}
				}
				ci, _ := o["ci"].(map[string]any)
				if tc.ci != nil && sortedKeys(ci) != tc.ci[i] {
					t.Errorf("line %d: got intervals for %s, want %s", i, sortedKeys(ci), tc.ci[i])
				}
				for k, v := range ci {
					iv, _ := v.([]any)
					if len(iv) != 2 || iv[0].(float64) > o[k].(float64) || o[k].(float64) > iv[1].(float64) {
						t.Errorf("line %d: %s interval %v does not hold its value %v", i, k, v, o[k])
					}
				}
			}
		})
	}
}

func TestEvalTextAndMisses(t *testing.T) {
	dir, env := evalFixture(t)
	glob := filepath.Join(dir, "*.jsonl")
	out, _, err := cli(t, env, "eval", "--questions", glob, "--questions", filepath.Join(dir, "nothing-*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"set ", "mixed ", "sources ", "1.000 [1.000,1.000]", "Misses in sources (1):", "no-such-article.md"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Each value is "v [lo,hi]", two fields, so answer@1 is field 8 (from 0).
	if rows := strings.Fields(strings.Split(out, "\n")[2]); rows[0] != "sources" || rows[8] != "-" {
		t.Errorf("sources row: got %q, want answer@1 shown as -", rows)
	}
	out, _, err = cli(t, env, "eval", "--misses=false", "--questions", glob)
	if err != nil || strings.Contains(out, "Misses") {
		t.Errorf("--misses=false: %v\n%s", err, out)
	}
	_, _, err = cli(t, env, "eval", "--questions", filepath.Join(dir, "nothing-*.jsonl"))
	if err == nil || !strings.Contains(err.Error(), "no question set matches") {
		t.Errorf("only an empty glob: got %v, want an error", err)
	}
}

// TestEvalTable renders fixed results, so the layout is reviewed in a golden file.
func TestEvalTable(t *testing.T) {
	sets := []*evalSet{
		{name: "pgdocs-dev", run: quality.Run{
			Metrics: quality.Metrics{Questions: 15, Hit1: 0.733, Hit3: 0.867, MRR10: 0.789, P50ms: 0.97, P99ms: 2.1},
			CI:      map[string][2]float64{"hit@1": {0.533, 0.933}, "hit@3": {0.667, 1}, "mrr@10": {0.6, 0.933}},
			Misses:  []string{`"fsync": want wal.html, rank 2; got a.html, wal.html`},
		}},
		{name: "kb-dev", run: quality.Run{
			Metrics: quality.Metrics{Questions: 30, Hit1: 0.9, Hit3: 1, MRR10: 0.95, Answer1: 0.8, Answer3: 0.9, NoneRejected: 1, P50ms: 1.234, P99ms: 3},
			CI: map[string][2]float64{"hit@1": {0.8, 1}, "hit@3": {1, 1}, "mrr@10": {0.883, 1},
				"answer@1": {0.6, 0.95}, "answer@3": {0.75, 1}, "none_rejected": {1, 1}},
		}},
	}
	var got bytes.Buffer
	if err := writeEvalTable(&got, sets); err != nil {
		t.Fatal(err)
	}
	writeMisses(&got, sets)
	golden := filepath.Join("testdata", "eval-table.golden")
	if *update {
		os.WriteFile(golden, got.Bytes(), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("%s differs (run go test -update and review the diff):\ngot:\n%s", golden, got.Bytes())
	}
}

func TestCLIQuestions(t *testing.T) {
	const pages = "../../internal/quality/testdata"
	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		lines int
		want  string // in stdout+stderr
	}{
		{"bookindex", []string{"bookindex", pages}, 0, 12, `{"q":"VACUUM FULL","source":["sql-vacuum.html","routine-vacuuming.html"]}`},
		{"glossary", []string{"glossary", pages}, 0, 4, `{"q":"what is Analyze","source":["sql-analyze.html"]}`},
		{"sample after the arguments", []string{"bookindex", pages, "--sample", "3"}, 0, 3, "12 bookindex questions"},
		{"sample before", []string{"--sample", "3", "bookindex", pages}, 0, 3, ""},
		{"unknown kind", []string{"manpages", pages}, 2, 0, `unknown kind "manpages"`},
		{"no folder", []string{"bookindex"}, 2, 0, "give a kind"},
		{"missing page", []string{"bookindex", t.TempDir()}, 1, 0, "bookindex.html"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, err := cli(t, map[string]string{}, append([]string{"questions"}, tc.args...)...)
			if got := exitStatus(err); got != tc.code {
				t.Fatalf("exit %d, want %d (%v)\n%s", got, tc.code, err, errs)
			}
			if n := strings.Count(out, "\n"); n != tc.lines {
				t.Errorf("got %d questions, want %d:\n%s", n, tc.lines, out)
			}
			msg := out + errs
			if err != nil {
				msg += err.Error()
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, msg)
			}
		})
	}
	// The same sample twice.
	a, _, _ := cli(t, map[string]string{}, "questions", "bookindex", pages, "--sample", "5")
	b, _, _ := cli(t, map[string]string{}, "questions", "bookindex", pages, "--sample", "5")
	if a != b || reflect.DeepEqual(a, "") {
		t.Errorf("two samples differ:\n%s\n%s", a, b)
	}
}
