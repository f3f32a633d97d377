package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kbbot/kbbot/internal/kb"
)

// cli runs the kbbot CLI in-process with its own environment.
func cli(t *testing.T, envv map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return envv[k] }
	if _, ok := envv["KBBOT_ENV_FILE"]; !ok {
		envv["KBBOT_ENV_FILE"] = filepath.Join(t.TempDir(), "none.env")
	}
	err := run(context.Background(), append([]string{"kbbot"}, args...), getenv, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

func exitStatus(err error) int {
	var c exitCode
	if errors.As(err, &c) {
		return int(c)
	}
	if err != nil {
		return 1
	}
	return 0
}

func TestCLIUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no command", nil, 2, "Usage: kbbot COMMAND"},
		{"help", []string{"help"}, 0, "Commands:"},
		{"unknown", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"bad flag", []string{"index", "--nope"}, 2, "flag provided but not defined"},
		{"subcommand -h", []string{"ask", "-h"}, 0, "Usage: kbbot ask"},
		{"help subcommand", []string{"help", "eval"}, 0, "Usage: kbbot eval"},
		{"ask nothing", []string{"ask"}, 2, "give a question"},
		{"eval without questions", []string{"eval"}, 2, "--questions FILE is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, err := cli(t, map[string]string{}, tc.args...)
			if got := exitStatus(err); got != tc.code {
				t.Errorf("exit %d, want %d (err %v)", got, tc.code, err)
			}
			if !strings.Contains(out+errs, tc.want) {
				t.Errorf("output lacks %q:\n%s%s", tc.want, out, errs)
			}
		})
	}
}

func TestConfigErrorsNameTheVariable(t *testing.T) {
	_, _, err := cli(t, map[string]string{"MAX_RESULTS": "lots", "LOG_LEVEL": "loud", "ADMIN_USER_IDS": "bob"}, "index")
	if err == nil {
		t.Fatal("bad config accepted")
	}
	for _, v := range []string{"MAX_RESULTS", "LOG_LEVEL", "ADMIN_USER_IDS"} {
		if !strings.Contains(err.Error(), v) {
			t.Errorf("error does not name %s: %v", v, err)
		}
	}
}

func TestDotEnvUnderEnvironment(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), ".env")
	os.WriteFile(envFile, []byte("MAX_RESULTS=oops\nLOG_LEVEL=loud\n"), 0o644)
	// The real environment wins over .env: only LOG_LEVEL stays bad.
	_, _, err := cli(t, map[string]string{"KBBOT_ENV_FILE": envFile, "MAX_RESULTS": "2"}, "index", "--knowledge", t.TempDir(), "--index", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "LOG_LEVEL") || strings.Contains(err.Error(), "MAX_RESULTS") {
		t.Errorf("got %v, want only LOG_LEVEL from .env reported", err)
	}
}

func TestIndexAskEval(t *testing.T) {
	idx := filepath.Join(t.TempDir(), "index")
	env := map[string]string{"KNOWLEDGE_DIR": "../../knowledge", "INDEX_DIR": idx, "LOG_LEVEL": "warn"}
	out, _, err := cli(t, env, "index")
	if err != nil || !strings.Contains(out, "Indexed 4") {
		t.Fatalf("index: %v\n%s", err, out)
	}

	out, _, err = cli(t, env, "index", "--changed")
	if err != nil || !strings.Contains(out, "(changed files only)") || strings.Contains(out, "changed:") {
		t.Fatalf("index --changed with nothing changed: %v\n%s", err, out)
	}

	out, _, err = cli(t, env, "ask", "--json", "what", "is", "a", "reverse", "proxy?")
	if err != nil {
		t.Fatal(err)
	}
	var ans struct {
		Answered bool             `json:"answered"`
		Results  []map[string]any `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatalf("ask --json: %v\n%s", err, out)
	}
	if !ans.Answered || len(ans.Results) == 0 {
		t.Fatalf("no answer: %s", out)
	}
	var keys []string
	for k := range ans.Results[0] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if got := strings.Join(keys, ","); got != "excerpt,path,score,section,title,url" {
		t.Errorf("result keys %s", got)
	}

	out, _, err = cli(t, env, "ask", "what is the capital of australia")
	if err != nil || !strings.Contains(out, "I don't know") {
		t.Errorf("off-topic: %v %q", err, out)
	}

	qfile := filepath.Join(t.TempDir(), "q.jsonl")
	os.WriteFile(qfile, []byte(`{"q": "What is a reverse proxy?", "source": "load-balancing-reverse-proxies.md", "answer": ["forward|in front of"]}
{"q": "best pizza toppings", "none": true}
`), 0o644)
	out, _, err = cli(t, env, "eval", "--json", "--questions", qfile)
	if err != nil {
		t.Fatal(err)
	}
	// One set prints the object it always has (every metric a plain number)
	// plus "ci": details in eval_test.go.
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("eval --json: %v\n%s", err, out)
	}
	keys = keys[:0]
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if got := strings.Join(keys, ","); got != "answer@1,answer@3,ci,hit@1,hit@3,mrr@10,none_rejected,p50_ms,p99_ms,questions" {
		t.Errorf("eval keys %s", got)
	}
	if m["questions"] != 2.0 || m["hit@1"] != 1.0 || m["none_rejected"] != 1.0 {
		t.Errorf("eval metrics %v", m)
	}
}

func TestIndexMissingFolder(t *testing.T) {
	_, _, err := cli(t, map[string]string{"LOG_LEVEL": "warn"}, "index", "--knowledge", filepath.Join(t.TempDir(), "nope"), "--index", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "knowledge folder not found") {
		t.Errorf("got %v", err)
	}
}

// In the terminal, prose is wrapped but a code block keeps its lines: it is
// never run into the sentence before or after it.
func TestAnswerTextKeepsCodeLines(t *testing.T) {
	ans := kb.Answer{Question: "q", Results: []kb.Result{{Title: "T", Path: "t.md", Excerpt: kb.Excerpt{
		{Text: "Run it with a stored password."},
		{Text: "aws secretsmanager get-secret-value\nvault kv get secret/db\n", Code: true},
		{Text: "For repositories, use "}, {Text: "SOPS", Match: true}, {Text: "."},
	}}}}
	var b bytes.Buffer
	writeAnswerText(&b, ans, false)
	got := b.String()
	for _, want := range []string{"password.\n", "│ aws secretsmanager get-secret-value\n", "│ vault kv get secret/db\n", "   For repositories, use SOPS.\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
