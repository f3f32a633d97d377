package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigMistakesStop: a new user's mistakes stop the command with an
// error naming the variable, instead of passing silently.
func TestConfigMistakesStop(t *testing.T) {
	idx := filepath.Join(t.TempDir(), "index")
	if _, _, err := cli(t, map[string]string{"KNOWLEDGE_DIR": "testdata/e2e/knowledge", "INDEX_DIR": idx, "LOG_LEVEL": "warn"}, "index"); err != nil {
		t.Fatalf("index: %v", err)
	}
	dotenv := func(content string) string {
		p := filepath.Join(t.TempDir(), ".env")
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tokens := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_API_URL": "http://127.0.0.1:9/api/", "HTTP_ADDR": "127.0.0.1:0"}
	with := func(m map[string]string) map[string]string {
		out := map[string]string{"LOG_LEVEL": "warn", "INDEX_DIR": idx}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"token typo in .env", with(map[string]string{"KBBOT_ENV_FILE": dotenv("SLACK_BOT_TOKN=xoxb-1\nSLACK_APP_TOKEN=xapp-1\n")}), []string{"run"}, "did you mean SLACK_BOT_TOKEN?"},
		{"MAX_RESULT in .env", with(map[string]string{"KBBOT_ENV_FILE": dotenv("MAX_RESULT=5\n")}), []string{"index"}, "did you mean MAX_RESULTS?"},
		{"missing knowledge folder with an old index", with(merge(tokens, map[string]string{"KNOWLEDGE_DIR": "/nope"})), []string{"serve"}, "KNOWLEDGE_DIR: /nope is not a folder"},
		{"knowledge base url", with(map[string]string{"KNOWLEDGE_BASE_URL": "wiki.example.com"}), []string{"index"}, "KNOWLEDGE_BASE_URL: want an http(s) URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := cli(t, tc.env, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("kbbot %s: got %v, want an error containing %q", strings.Join(tc.args, " "), err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "xoxb-1") {
				t.Errorf("a token leaked into the error: %v", err)
			}
		})
	}
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
