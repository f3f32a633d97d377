// Package config loads kbbot's settings from the environment and a .env file,
// and validates them all at once with errors that name the variable.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"
)

// Config is every setting kbbot reads. Defaults live in Defaults.
type Config struct {
	// Slack
	BotToken        string // SLACK_BOT_TOKEN, xoxb-
	AppToken        string // SLACK_APP_TOKEN, xapp- (socket mode)
	Mode            string // SLACK_MODE: socket or http
	SlackHTTPAddr   string // SLACK_HTTP_ADDR: where http mode serves /slack/events, /slack/interactive, /slack/commands
	SigningSecret   string // SLACK_SIGNING_SECRET: http mode; never log it
	APIURL          string // SLACK_API_URL, must end with "/"
	SlashCommand    string // SLASH_COMMAND
	AdminUserIDs    []string
	AdminsFromSlack bool // ADMINS_FROM_SLACK: workspace admins (users.info is_admin) count as admins

	// Help channels and hand-over (slackux.go)
	AutoAnswerChannels []string          // AUTO_ANSWER_CHANNELS: IDs or names; questions there are answered unasked
	Experts            map[string]string // EXPERTS: owner name -> Slack user or group ID
	DefaultExperts     []string          // DEFAULT_EXPERTS: asked when an article names no owner

	// Knowledge and search
	KnowledgeDir     string
	IndexDir         string
	KnowledgeBaseURL string // a prefix, or a template with {path} and {anchor}
	PublicURL        string // PUBLIC_URL: where users reach HTTP_ADDR; serve shows articles under /articles/
	SynonymsFile     string
	MaxResults       int
	ExcerptChars     int
	MaxFileBytes     int64

	// Reindexing
	WatchKnowledge bool
	WatchDebounce  time.Duration
	PollInterval   time.Duration

	// Operations
	HTTPAddr       string
	PlaygroundAddr string
	LogLevel       string
	LogFormat      string // json, console, or auto
	ShutdownGrace  time.Duration
	UserRateLimit  int // USER_RATE_LIMIT: questions per minute per user, 0 = no limit
	// CHANNEL_POST_RATE: chat.postMessage calls per second per channel
	// after a short burst (Slack's guidance is one), 0 = no pacing
	ChannelPostRate int

	// Store
	DataDir           string // DATA_DIR: SQLite's kbbot.db when DatabaseURL is empty
	DatabaseURL       string // DATABASE_URL: PostgreSQL, shared by replicas; never log it (store.Redact)
	StoreQuestionText bool   // STORE_QUESTION_TEXT: false keeps only a question's analysed words
	RetentionDays     int    // RETENTION_DAYS: older records are deleted daily; 0 keeps them
	StoreDMs          bool   // STORE_DMS: false records nothing from direct messages
}

// Defaults are the values used when a variable is unset. .env.example mirrors them.
var Defaults = map[string]string{
	"SLACK_API_URL":      "https://slack.com/api/",
	"SLACK_MODE":         ModeSocket,
	"SLACK_HTTP_ADDR":    ":3000",
	"SLASH_COMMAND":      "/kb",
	"ADMIN_USER_IDS":     "",
	"ADMINS_FROM_SLACK":  "false",
	"KNOWLEDGE_DIR":      "./knowledge",
	"INDEX_DIR":          "./data/index",
	"KNOWLEDGE_BASE_URL": "",
	"PUBLIC_URL":         "",
	"SYNONYMS_FILE":      "",
	"MAX_RESULTS":        "3",
	"EXCERPT_CHARS":      "800",
	"MAX_FILE_BYTES":     "5242880",
	"WATCH_KNOWLEDGE":    "true",
	"WATCH_DEBOUNCE":     "2s",
	"POLL_INTERVAL":      "60s",
	"HTTP_ADDR":          "127.0.0.1:8080",
	"PLAYGROUND_ADDR":    "127.0.0.1:3000",
	"LOG_LEVEL":          "info",
	"LOG_FORMAT":         "auto",
	"SHUTDOWN_GRACE":     "10s",
	"USER_RATE_LIMIT":    "20",
	"CHANNEL_POST_RATE":  "1",

	"DATA_DIR":            "./data",
	"DATABASE_URL":        "",
	"STORE_QUESTION_TEXT": "true",
	"RETENTION_DAYS":      "90",
	"STORE_DMS":           "true",

	"AUTO_ANSWER_CHANNELS": "",
	"EXPERTS":              "",
	"DEFAULT_EXPERTS":      "",
}

// Slack transports (SLACK_MODE).
const (
	ModeSocket = "socket" // Socket Mode: the bot dials out; no public URL
	ModeHTTP   = "http"   // Events API, interactivity and slash commands as signed HTTPS requests
)

// Getenv looks a variable up; os.Getenv and a map lookup both fit.
type Getenv func(string) string

// Layer returns a Getenv that reads getenv first and falls back to the
// values in the .env file at path (if it exists). The process environment is
// never modified. A .env that exists but cannot be parsed is an error, and
// so is a key in it that looks like a mistyped kbbot variable.
func Layer(getenv Getenv, path string) (Getenv, error) {
	vals, err := godotenv.Read(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return getenv, nil
		}
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if err := checkEnvKeys(path, vals); err != nil {
		return nil, err
	}
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return vals[k]
	}, nil
}

// Load reads every setting, applying defaults, and validates the ones that
// every command needs. Slack tokens are checked by ValidateSlack, since only
// serve needs them.
func Load(getenv Getenv) (Config, error) {
	get := func(k string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return Defaults[k]
	}
	var errs []error
	intVar := func(k string, min int) int {
		n, err := strconv.Atoi(get(k))
		if err != nil || n < min {
			errs = append(errs, fmt.Errorf("%s: want a whole number >= %d, got %q", k, min, get(k)))
			return 0
		}
		return n
	}
	boolVar := func(k string) bool {
		b, err := strconv.ParseBool(get(k))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: want true or false, got %q", k, get(k)))
		}
		return b
	}
	durVar := func(k string) time.Duration {
		d, err := time.ParseDuration(get(k))
		if err != nil || d < 0 {
			errs = append(errs, fmt.Errorf("%s: want a duration such as 5s or 2m, got %q", k, get(k)))
		}
		return d
	}
	addrVar := func(k string) string {
		v := get(k)
		if _, _, err := net.SplitHostPort(v); err != nil {
			errs = append(errs, fmt.Errorf("%s: want host:port such as 127.0.0.1:8080, got %q", k, v))
		}
		return v
	}
	c := Config{
		BotToken:         strings.TrimSpace(getenv("SLACK_BOT_TOKEN")),
		AppToken:         strings.TrimSpace(getenv("SLACK_APP_TOKEN")),
		Mode:             strings.ToLower(get("SLACK_MODE")),
		SlackHTTPAddr:    addrVar("SLACK_HTTP_ADDR"),
		SigningSecret:    strings.TrimSpace(getenv("SLACK_SIGNING_SECRET")),
		APIURL:           get("SLACK_API_URL"),
		SlashCommand:     get("SLASH_COMMAND"),
		AdminsFromSlack:  boolVar("ADMINS_FROM_SLACK"),
		KnowledgeDir:     get("KNOWLEDGE_DIR"),
		IndexDir:         get("INDEX_DIR"),
		KnowledgeBaseURL: get("KNOWLEDGE_BASE_URL"),
		PublicURL:        get("PUBLIC_URL"),
		SynonymsFile:     get("SYNONYMS_FILE"),
		MaxResults:       intVar("MAX_RESULTS", 1),
		ExcerptChars:     intVar("EXCERPT_CHARS", 80),
		MaxFileBytes:     int64(intVar("MAX_FILE_BYTES", 1)),
		WatchKnowledge:   boolVar("WATCH_KNOWLEDGE"),
		WatchDebounce:    durVar("WATCH_DEBOUNCE"),
		PollInterval:     durVar("POLL_INTERVAL"),
		HTTPAddr:         addrVar("HTTP_ADDR"),
		PlaygroundAddr:   addrVar("PLAYGROUND_ADDR"),
		LogLevel:         strings.ToLower(get("LOG_LEVEL")),
		LogFormat:        strings.ToLower(get("LOG_FORMAT")),
		ShutdownGrace:    durVar("SHUTDOWN_GRACE"),
		UserRateLimit:    intVar("USER_RATE_LIMIT", 0),
		ChannelPostRate:  intVar("CHANNEL_POST_RATE", 0),

		DataDir:           get("DATA_DIR"),
		DatabaseURL:       get("DATABASE_URL"),
		StoreQuestionText: boolVar("STORE_QUESTION_TEXT"),
		RetentionDays:     intVar("RETENTION_DAYS", 0),
		StoreDMs:          boolVar("STORE_DMS"),
	}
	if err := checkDatabaseURL(c.DatabaseURL); err != nil {
		errs = append(errs, err)
	}
	for _, id := range strings.FieldsFunc(get("ADMIN_USER_IDS"), func(r rune) bool { return r == ',' || r == ' ' }) {
		if !validUserID(id) {
			errs = append(errs, fmt.Errorf("ADMIN_USER_IDS: %q is not a Slack user ID (they look like U012ABCDEF)", id))
			continue
		}
		c.AdminUserIDs = append(c.AdminUserIDs, id)
	}
	errs = append(errs, c.loadSlackUX(get)...) // slackux.go
	if c.MaxResults > 10 {
		errs = append(errs, fmt.Errorf("MAX_RESULTS: at most 10, got %d", c.MaxResults))
	}
	if !strings.HasPrefix(c.SlashCommand, "/") || strings.ContainsAny(c.SlashCommand, " \t") {
		errs = append(errs, fmt.Errorf("SLASH_COMMAND: want a command such as /kb, got %q", c.SlashCommand))
	}
	if !strings.HasPrefix(c.APIURL, "http://") && !strings.HasPrefix(c.APIURL, "https://") {
		errs = append(errs, fmt.Errorf("SLACK_API_URL: want an http(s) URL, got %q", c.APIURL))
	} else if !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/" // slack-go appends the method name directly
	}
	if u := c.KnowledgeBaseURL; u != "" && !isHTTPURL(u) {
		errs = append(errs, fmt.Errorf("KNOWLEDGE_BASE_URL: want an http(s) URL such as https://wiki.example.com/kb/, got %q", u))
	}
	if u := c.PublicURL; u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		errs = append(errs, fmt.Errorf("PUBLIC_URL: want the http(s) address users reach HTTP_ADDR at, got %q", u))
	}
	if c.Mode != ModeSocket && c.Mode != ModeHTTP {
		errs = append(errs, fmt.Errorf("SLACK_MODE: want socket or http, got %q", c.Mode))
	}
	switch c.LogLevel {
	case "trace", "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("LOG_LEVEL: want one of debug, info, warn, error, got %q", c.LogLevel))
	}
	switch c.LogFormat {
	case "auto", "json", "console":
	default:
		errs = append(errs, fmt.Errorf("LOG_FORMAT: want auto, json or console, got %q", c.LogFormat))
	}
	return c, errors.Join(errs...)
}

// HasSlackTokens reports whether either Slack token is set.
func (c Config) HasSlackTokens() bool { return c.BotToken != "" || c.AppToken != "" }

// ValidateSlack checks the secrets serve needs: the bot token, and the app
// token (socket mode) or the signing secret (http mode). Error messages name
// the variable and say where to get it, and never contain its value.
func (c Config) ValidateSlack() error {
	var errs []error
	if c.Mode == ModeHTTP {
		switch {
		case c.BotToken == "":
			errs = append(errs, errors.New("SLACK_BOT_TOKEN: not set; copy the Bot User OAuth Token (xoxb-...) from your app's OAuth & Permissions page"))
		case !strings.HasPrefix(c.BotToken, "xoxb-"):
			errs = append(errs, errors.New("SLACK_BOT_TOKEN: must start with xoxb-; use the Bot User OAuth Token from your app's OAuth & Permissions page"))
		}
		if c.SigningSecret == "" {
			errs = append(errs, errors.New("SLACK_SIGNING_SECRET: not set (SLACK_MODE=http); copy the Signing Secret from your app's Basic Information > App Credentials"))
		}
		return errors.Join(errs...)
	}
	switch {
	case c.BotToken == "":
		errs = append(errs, errors.New("SLACK_BOT_TOKEN: not set; copy the Bot User OAuth Token (xoxb-...) from your app's OAuth & Permissions page"))
	case !strings.HasPrefix(c.BotToken, "xoxb-"):
		errs = append(errs, errors.New("SLACK_BOT_TOKEN: must start with xoxb-; use the Bot User OAuth Token from your app's OAuth & Permissions page"))
	}
	switch {
	case c.AppToken == "":
		errs = append(errs, errors.New("SLACK_APP_TOKEN: not set; create an app-level token (xapp-...) with the connections:write scope under Basic Information > App-Level Tokens"))
	case !strings.HasPrefix(c.AppToken, "xapp-"):
		errs = append(errs, errors.New("SLACK_APP_TOKEN: must start with xapp-; create an app-level token with the connections:write scope under Basic Information > App-Level Tokens"))
	}
	return errors.Join(errs...)
}

// IsAdmin reports whether a Slack user ID is in ADMIN_USER_IDS.
func (c Config) IsAdmin(userID string) bool {
	for _, id := range c.AdminUserIDs {
		if id == userID {
			return true
		}
	}
	return false
}

// isHTTPURL reports whether u is an absolute http:// or https:// URL with a host.
func isHTTPURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != "" && !strings.ContainsAny(u, " \t\n<>|")
}

func validUserID(id string) bool {
	if len(id) < 3 || len(id) > 20 || (id[0] != 'U' && id[0] != 'W') {
		return false
	}
	for _, r := range id {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
