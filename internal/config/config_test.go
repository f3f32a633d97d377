package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) Getenv { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.KnowledgeDir != "./knowledge" || c.IndexDir != "./data/index" || c.MaxResults != 3 || c.ExcerptChars != 800 ||
		c.SlashCommand != "/kb" || c.APIURL != "https://slack.com/api/" || c.WatchDebounce != 2*time.Second || c.HTTPAddr != "127.0.0.1:8080" {
		t.Errorf("defaults: %+v", c)
	}
	if c.HasSlackTokens() {
		t.Error("no tokens set, HasSlackTokens true")
	}
}

func TestEveryBadValueNamed(t *testing.T) {
	_, err := Load(env(map[string]string{
		"MAX_RESULTS": "0", "EXCERPT_CHARS": "x", "WATCH_KNOWLEDGE": "maybe", "WATCH_DEBOUNCE": "soon",
		"HTTP_ADDR": "nowhere", "SLASH_COMMAND": "kb", "SLACK_API_URL": "ftp://x", "KNOWLEDGE_BASE_URL": "wiki",
		"LOG_LEVEL": "loud", "LOG_FORMAT": "xml", "ADMIN_USER_IDS": "U123ABC, bob",
	}))
	if err == nil {
		t.Fatal("bad config accepted")
	}
	for _, v := range []string{"MAX_RESULTS", "EXCERPT_CHARS", "WATCH_KNOWLEDGE", "WATCH_DEBOUNCE", "HTTP_ADDR", "SLASH_COMMAND",
		"SLACK_API_URL", "KNOWLEDGE_BASE_URL", "LOG_LEVEL", "LOG_FORMAT", `ADMIN_USER_IDS: "bob"`} {
		if !strings.Contains(err.Error(), v) {
			t.Errorf("error does not name %s:\n%v", v, err)
		}
	}
}

func TestAPIURLGetsTrailingSlash(t *testing.T) {
	c, err := Load(env(map[string]string{"SLACK_API_URL": "http://127.0.0.1:9/api"}))
	if err != nil || c.APIURL != "http://127.0.0.1:9/api/" {
		t.Errorf("got %q, %v", c.APIURL, err)
	}
}

func TestSlackTokens(t *testing.T) {
	for _, tc := range []struct {
		bot, app string
		want     []string
	}{
		{"", "", []string{"SLACK_BOT_TOKEN: not set", "SLACK_APP_TOKEN: not set"}},
		{"xapp-1", "xoxb-2", []string{"SLACK_BOT_TOKEN: must start with xoxb-", "SLACK_APP_TOKEN: must start with xapp-"}},
		{"xoxb-1", "xapp-2", nil},
	} {
		c, _ := Load(env(map[string]string{"SLACK_BOT_TOKEN": tc.bot, "SLACK_APP_TOKEN": tc.app}))
		err := c.ValidateSlack()
		if tc.want == nil {
			if err != nil {
				t.Errorf("valid tokens rejected: %v", err)
			}
			continue
		}
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("got %v, want %q", err, w)
			}
		}
		// A token never appears in the message.
		if err != nil && (tc.bot != "" && strings.Contains(err.Error(), tc.bot) || tc.app != "" && strings.Contains(err.Error(), tc.app)) {
			t.Errorf("token leaked into error: %v", err)
		}
	}
}

func TestLayer(t *testing.T) {
	p := filepath.Join(t.TempDir(), ".env")
	os.WriteFile(p, []byte("MAX_RESULTS=5\nINDEX_DIR=/from/dotenv\n"), 0o644)
	get, err := Layer(env(map[string]string{"INDEX_DIR": "/from/env"}), p)
	if err != nil {
		t.Fatal(err)
	}
	if get("MAX_RESULTS") != "5" || get("INDEX_DIR") != "/from/env" {
		t.Errorf("layering: MAX_RESULTS=%q INDEX_DIR=%q", get("MAX_RESULTS"), get("INDEX_DIR"))
	}
	if _, err := Layer(env(nil), filepath.Join(t.TempDir(), "missing.env")); err != nil {
		t.Errorf("a missing .env is fine, got %v", err)
	}
	if os.Getenv("MAX_RESULTS") == "5" {
		t.Error(".env leaked into the process environment")
	}
}

func TestIsAdmin(t *testing.T) {
	c, _ := Load(env(map[string]string{"ADMIN_USER_IDS": "U0ALICE,W0BOB"}))
	if !c.IsAdmin("U0ALICE") || !c.IsAdmin("W0BOB") || c.IsAdmin("U0EVE") {
		t.Errorf("IsAdmin wrong for %v", c.AdminUserIDs)
	}
}

func TestSlackMode(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		mode string
		errs []string // in Load or ValidateSlack; none: valid
	}{
		{"default is socket", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, ModeSocket, nil},
		{"http needs no app token", map[string]string{"SLACK_MODE": "HTTP", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cr3t-value"}, ModeHTTP, nil},
		{"http needs the signing secret", map[string]string{"SLACK_MODE": "http", "SLACK_BOT_TOKEN": "xoxb-1"}, ModeHTTP, []string{"SLACK_SIGNING_SECRET: not set"}},
		{"unknown mode", map[string]string{"SLACK_MODE": "webhook"}, "webhook", []string{`SLACK_MODE: want socket or http, got "webhook"`}},
		{"bad address", map[string]string{"SLACK_MODE": "http", "SLACK_HTTP_ADDR": "3000"}, ModeHTTP, []string{"SLACK_HTTP_ADDR"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(env(tc.vars))
			if err == nil {
				err = c.ValidateSlack()
			}
			if c.Mode != tc.mode {
				t.Errorf("mode %q, want %q", c.Mode, tc.mode)
			}
			if len(tc.errs) == 0 && err != nil {
				t.Errorf("got %v, want no error", err)
			}
			for _, want := range tc.errs {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("got %v, want an error with %q", err, want)
				}
			}
			if err != nil && tc.vars["SLACK_SIGNING_SECRET"] != "" && strings.Contains(err.Error(), tc.vars["SLACK_SIGNING_SECRET"]) {
				t.Errorf("the secret is in the error: %v", err)
			}
		})
	}
	if c, _ := Load(env(nil)); c.SlackHTTPAddr != ":3000" {
		t.Errorf("SLACK_HTTP_ADDR default %q, want :3000", c.SlackHTTPAddr)
	}
}
