package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"strings"

	"github.com/kbbot/kbbot/internal/config"
	"github.com/kbbot/kbbot/internal/playground"
	"github.com/kbbot/kbbot/internal/slackbot"
	"github.com/kbbot/kbbot/internal/slackemu"
)

// playgroundUser is who types in the page: the emulator's admin, so that
// /kb stats, /kb reindex, /kb gaps and the admins' App Home can be tried too.
const playgroundUser = "U0ALICE"

// playgroundHelp is the playground's help channel, where the bot answers
// questions nobody mentioned it in (AUTO_ANSWER_CHANNELS).
var playgroundHelp = slackemu.Channel{ID: "C0HELP", Name: "help-backend"}

// runPlayground starts, in this order, the Slack emulator on a loopback
// port, `kbbot serve` itself pointed at the emulator (its own test tokens and
// API URL), and the web page; it stops them in reverse order. The bot is the
// production code path: the same command, configuration, search library and
// rendering, connected over Socket Mode.
func runPlayground(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("playground", flag.ContinueOnError)
	addr := fs.String("addr", "", "listen address of the web page (default PLAYGROUND_ADDR, 127.0.0.1:3000); 127.0.0.1:0 picks a free port")
	if err := parseFlags(fs, e, "[-addr host:port]"); err != nil {
		return err
	}
	cfg, err := loadConfig(e)
	if err != nil {
		return err
	}
	base := newLogger(cfg, e.stderr)
	log := base.With().Str("component", "playground").Logger()
	if *addr == "" {
		*addr = cfg.PlaygroundAddr
	}

	// Listen first: the page's URL goes into the bot's KNOWLEDGE_BASE_URL.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("playground listen %s (PLAYGROUND_ADDR or -addr picks another): %w", *addr, err)
	}
	defer ln.Close()
	pageURL := "http://" + playgroundBrowserAddr(ln.Addr())
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
		log.Warn().Str("addr", ln.Addr().String()).Msg("the playground is reachable from other machines; anyone who can reach it can use the bot")
	}

	emu := slackemu.New(slackemu.Options{EchoBotMessages: true, Logger: &base})
	emu.AddChannel(playgroundHelp)
	if err := emu.Start("127.0.0.1:0"); err != nil {
		return err
	}
	defer emu.Close()

	page, err := playground.New(playground.Options{
		Emulator:     emu,
		User:         playgroundUser,
		HelpChannel:  playgroundHelp.ID,
		SlashCommand: cfg.SlashCommand,

		ShortcutCallbackID: slackbot.ShortcutCallbackID,
		KnowledgeDir:       cfg.KnowledgeDir,
		MaxFileBytes:       cfg.MaxFileBytes,
		Logger:             base,
	})
	if err != nil {
		return err
	}

	botCtx, stopBot := context.WithCancel(ctx)
	defer stopBot()
	botErr := make(chan error, 1)
	go func() {
		botErr <- runServe(botCtx, env{getenv: playgroundEnv(e.getenv, cfg, emu, pageURL), stdin: e.stdin, stdout: e.stdout, stderr: e.stderr})
	}()

	pageCtx, stopPage := context.WithCancel(ctx)
	defer stopPage()
	pageErr := make(chan error, 1)
	go func() { pageErr <- page.Serve(pageCtx, ln) }()

	// Print the URL once the bot is connected (building the index on a first
	// run takes a moment), so that what the reader opens answers at once.
	connected := make(chan error, 1)
	go func() { connected <- emu.WaitForConnections(botCtx, 1) }()
	var runErr error
	select {
	case err := <-botErr:
		runErr, botErr = playgroundBotErr(err), nil
	case err := <-pageErr:
		runErr, pageErr = err, nil
	case err := <-connected:
		if err == nil {
			log.Info().Str("url", pageURL).Str("slack_emulator", emu.URL()).Msg("playground ready")
			fmt.Fprintf(e.stdout, "Playground: %s\n", pageURL)
			select {
			case <-ctx.Done():
			case err := <-botErr:
				runErr, botErr = playgroundBotErr(err), nil
			case err := <-pageErr:
				runErr, pageErr = err, nil
			}
		}
	}
	// Reverse order: the page, then the bot, then (deferred) the emulator.
	stopPage()
	if pageErr != nil {
		if err := <-pageErr; err != nil && runErr == nil {
			runErr = err
		}
	}
	stopBot()
	if botErr != nil {
		if err := playgroundBotErr(<-botErr); err != nil && runErr == nil {
			runErr = err
		}
	}
	log.Info().Msg("playground stopped")
	return runErr
}

// playgroundBotErr is the bot's result as the playground's: stopping is not an error.
func playgroundBotErr(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return nil
	}
	return fmt.Errorf("bot: %w", err)
}

// playgroundEnv is the environment `kbbot serve` runs with in the
// playground: the user's, with the emulator's tokens and API URL, the
// playground's own article pages as KNOWLEDGE_BASE_URL unless one is
// configured, the playground user as an admin, and the help channel among
// the AUTO_ANSWER_CHANNELS. The health and metrics
// endpoints get a free port: they are for production, and a newcomer's
// 127.0.0.1:8080 is often taken by something else.
func playgroundEnv(getenv config.Getenv, cfg config.Config, emu *slackemu.Server, pageURL string) config.Getenv {
	eo := emu.Options()
	over := map[string]string{
		"SLACK_BOT_TOKEN":      eo.BotToken,
		"SLACK_APP_TOKEN":      eo.AppToken,
		"SLACK_API_URL":        emu.APIURL(),
		"ADMIN_USER_IDS":       strings.Join(append(append([]string(nil), cfg.AdminUserIDs...), playgroundUser), ","),
		"HTTP_ADDR":            "127.0.0.1:0",
		"AUTO_ANSWER_CHANNELS": strings.Join(append(append([]string(nil), cfg.AutoAnswerChannels...), playgroundHelp.ID), ","),
	}
	if cfg.KnowledgeBaseURL == "" {
		over["KNOWLEDGE_BASE_URL"] = pageURL + "/kb/"
	}
	return func(k string) string {
		if v, ok := over[k]; ok {
			return v
		}
		return getenv(k)
	}
}

// playgroundBrowserAddr is host:port to open in a browser: a wildcard listen address
// is reached through loopback.
func playgroundBrowserAddr(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	ip := ta.IP
	if ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(ta.Port))
}
