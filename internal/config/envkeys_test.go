package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnvFileTypos(t *testing.T) {
	tests := []struct {
		name, dotenv string
		want         string // "" for no error
	}{
		{"known keys", "SLACK_BOT_TOKEN=xoxb-1\nMAX_RESULTS=3\n", ""},
		{"unrelated keys left alone", "DATABASE_URL=postgres://x\nGOFLAGS=-mod=mod\nPORT=1\n", ""},
		{"typo in a token", "SLACK_BOT_TOKN=xoxb-1\n", "SLACK_BOT_TOKN is not a kbbot variable; did you mean SLACK_BOT_TOKEN?"},
		{"singular", "MAX_RESULT=5\n", "MAX_RESULT is not a kbbot variable; did you mean MAX_RESULTS?"},
		{"lower case", "log_level=debug\n", "log_level is not a kbbot variable; did you mean LOG_LEVEL?"},
		{"our prefix", "KBBOT_WORKERS=4\n", "KBBOT_WORKERS is not a kbbot variable; did you mean KBBOT_ENV_FILE?"},
		{"slack prefix", "SLACK_VERIFICATION_TOKEN=x\n", "SLACK_VERIFICATION_TOKEN is not a kbbot variable"},
		{"http mode keys", "SLACK_MODE=http\nSLACK_HTTP_ADDR=:3000\nSLACK_SIGNING_SECRET=x\n", ""},
		{"two edits", "KNOWLEGE_DR=/k\n", "did you mean KNOWLEDGE_DIR?"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), ".env")
			if err := os.WriteFile(p, []byte(tc.dotenv), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Layer(env(nil), p)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "xoxb-1") {
				t.Errorf("a value leaked into the error: %v", err)
			}
		})
	}
}

func TestKnowledgeBaseURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://wiki.example.com/kb/", true},
		{"http://127.0.0.1:3000/kb/", true},
		{"wiki.example.com/kb", false},
		{"https://", false},
		{"javascript:alert(1)", false},
		{"!channel", false},
		{"ftp://wiki.example.com/", false},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			_, err := Load(env(map[string]string{"KNOWLEDGE_BASE_URL": tc.url}))
			if got := err == nil; got != tc.ok {
				t.Errorf("KNOWLEDGE_BASE_URL=%q: err %v, want ok=%v", tc.url, err, tc.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "KNOWLEDGE_BASE_URL") {
				t.Errorf("error does not name the variable: %v", err)
			}
		})
	}
}

func TestUserRateLimit(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil || c.UserRateLimit != 20 {
		t.Errorf("default USER_RATE_LIMIT = %d, %v; want 20", c.UserRateLimit, err)
	}
	if _, err := Load(env(map[string]string{"USER_RATE_LIMIT": "-1"})); err == nil || !strings.Contains(err.Error(), "USER_RATE_LIMIT") {
		t.Errorf("USER_RATE_LIMIT=-1: %v, want an error naming it", err)
	}
}
