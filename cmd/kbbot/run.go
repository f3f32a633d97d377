package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"

	"github.com/kbbot/kbbot/internal/config"
)

// exitCode ends the process with a status and no further message (usage
// errors have already been printed).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// env is what every subcommand gets: its arguments, the environment and the
// standard streams. Nothing reads the process environment directly.
type env struct {
	args   []string
	getenv config.Getenv
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env) error
}

// commands are kbbot's subcommands, one file each, in the order usage lists
// them: running the bot, then the knowledge base, then measuring, then
// operations.
var commands = []command{
	{"run", "start the bot: in Slack if tokens are configured, otherwise the local playground", runRun},
	{"serve", "answer questions in Slack (Socket Mode, or HTTP with SLACK_MODE=http)", runServe},
	{"playground", "try the bot in a browser: a local Slack emulator, the real bot, and a web page", runPlayground},
	{"ask", "answer a question in the terminal", runAsk},
	{"index", "rebuild the search index from the knowledge folder", runIndex},
	{"check", "lint the knowledge folder before reindexing", runCheck},
	{"eval", "measure answer quality on question sets", runEval},
	{"questions", "derive a question set from a manual's book index or glossary", runQuestions},
	{"report", "the knowledge-gap report: unanswered questions, Not helpful articles, weak answers, hand-overs", runReport},
	{"migrate", "bring the store's schema (SQLite in DATA_DIR, or DATABASE_URL) up to date", runMigrate},
	{"healthcheck", "exit 0 if a running kbbot serve on HTTP_ADDR is ready (for container health checks)", runHealthcheck},
}

func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		usage(stderr)
		return exitCode(2)
	}
	name := args[1]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 2 {
			if c, ok := lookup(args[2]); ok {
				return c.run(ctx, env{args: []string{"-h"}, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stdout})
			}
		}
		usage(stdout)
		return nil
	}
	c, ok := lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "kbbot: unknown command %q\n\n", name)
		usage(stderr)
		return exitCode(2)
	}
	return c.run(ctx, env{args: args[2:], getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr})
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "kbbot answers backend-development questions in Slack from a folder of knowledge articles.")
	fmt.Fprintln(w, "\nUsage: kbbot COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'kbbot COMMAND -h' for a command's flags. Settings come from the environment and .env (see .env.example).")
}

// parseFlags parses a subcommand's flags; -h prints usage and exits 0, a bad
// flag prints usage and exits 2.
func parseFlags(fs *flag.FlagSet, e env, synopsis string) error {
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: kbbot %s %s\n", fs.Name(), synopsis)
		fs.PrintDefaults()
	}
	if err := fs.Parse(e.args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitCode(0)
		}
		return exitCode(2)
	}
	return nil
}

// folderFlags are the --knowledge and --index flags several commands share.
type folderFlags struct{ knowledge, index *string }

func addFolderFlags(fs *flag.FlagSet, withIndex bool) folderFlags {
	f := folderFlags{knowledge: fs.String("knowledge", "", "knowledge folder (default $KNOWLEDGE_DIR or ./knowledge)")}
	if withIndex {
		f.index = fs.String("index", "", "index folder (default $INDEX_DIR or ./data/index)")
	}
	return f
}

// load reads the configuration and applies the flags over it.
func (f folderFlags) load(e env) (config.Config, error) {
	cfg, err := loadConfig(e)
	if err != nil {
		return cfg, err
	}
	if *f.knowledge != "" {
		cfg.KnowledgeDir = *f.knowledge
	}
	if f.index != nil && *f.index != "" {
		cfg.IndexDir = *f.index
	}
	return cfg, nil
}

// loadConfig layers .env under the environment and validates it.
func loadConfig(e env) (config.Config, error) {
	getenv, err := config.Layer(e.getenv, envFile(e.getenv))
	if err != nil {
		return config.Config{}, err
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return cfg, fmt.Errorf("configuration:\n%w", err)
	}
	return cfg, nil
}

func envFile(getenv config.Getenv) string {
	if p := getenv("KBBOT_ENV_FILE"); p != "" {
		return p
	}
	return ".env"
}

// newLogger builds the injected logger: JSON by default, console on a terminal.
// Durations in logs read with their unit ("took":"243ms"), not as bare
// numbers of an unstated unit. Set before any logger exists (and before
// any test goroutine), since zerolog reads it on every Dur field.
func init() { zerolog.DurationFieldFormat = zerolog.DurationFormatString }

func newLogger(cfg config.Config, w io.Writer) zerolog.Logger {
	level, err := zerolog.ParseLevel(cfg.LogLevel)
	if err != nil {
		level = zerolog.InfoLevel
	}
	console := cfg.LogFormat == "console"
	if cfg.LogFormat == "auto" {
		if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
			console = true
		}
	}
	if console {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: "15:04:05"}
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger()
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

// quietLogger is newLogger for one-shot commands whose output is the point:
// routine info lines would only get in the way (LOG_LEVEL=debug still shows all).
func quietLogger(cfg config.Config, w io.Writer) zerolog.Logger {
	l := newLogger(cfg, w)
	if l.GetLevel() == zerolog.InfoLevel {
		l = l.Level(zerolog.WarnLevel)
	}
	return l
}
