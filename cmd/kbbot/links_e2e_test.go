package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kbbot/kbbot/internal/slackemu"
)

// slackLink matches a Slack link, <target|label> or <target>, but not a
// mention or special (<@U…>, <#C…>, <!here>).
var slackLink = regexp.MustCompile(`<([^@#!<>|][^<>|]*)(\|[^<>]*)?>`)

// copyKnowledge copies the e2e knowledge folder, so a test can add a
// checkout or front matter to it.
func copyKnowledge(t *testing.T) string {
	t.Helper()
	src := filepath.Join("testdata", "e2e", "knowledge")
	dst := filepath.Join(t.TempDir(), "repo", "kb")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		b, err := os.ReadFile(filepath.Join(src, en.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, en.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// TestLinksE2E answers one question through the real binary for each
// source of links and checks that every link in the answer is an http(s)
// URL that points where it should, or that there is no link at all.
func TestLinksE2E(t *testing.T) {
	const question = "how do I rotate a leaked API key?"
	const file, anchor = "secret-rotation.md", "how-do-i-rotate-a-leaked-api-key"
	tests := []struct {
		name  string
		setup func(t *testing.T, kdir string) []string // extra environment
		want  string                                   // the answer's link, "" for none
	}{
		{"front-matter url", func(t *testing.T, kdir string) []string {
			p := filepath.Join(kdir, file)
			b, _ := os.ReadFile(p)
			b = []byte(strings.Replace(string(b), "---\n", "---\nurl: https://wiki.example.com/rotation\n", 1))
			os.WriteFile(p, b, 0o644)
			return []string{"KNOWLEDGE_BASE_URL=https://kb.example.com/"}
		}, "https://wiki.example.com/rotation"},
		{"KNOWLEDGE_BASE_URL template", func(t *testing.T, kdir string) []string {
			return []string{"KNOWLEDGE_BASE_URL=https://wiki.example.com/view?page={path}#{anchor}"}
		}, "https://wiki.example.com/view?page=" + file + "#" + anchor},
		{"git checkout on GitHub", func(t *testing.T, kdir string) []string {
			git := filepath.Join(filepath.Dir(kdir), ".git")
			os.MkdirAll(git, 0o755)
			os.WriteFile(filepath.Join(git, "HEAD"), []byte("ref: refs/heads/main\n"), 0o644)
			os.WriteFile(filepath.Join(git, "config"), []byte("[remote \"origin\"]\n\turl = git@github.com:acme/handbook.git\n"), 0o644)
			return nil
		}, "https://github.com/acme/handbook/blob/main/kb/" + file + "#" + anchor},
		{"own article pages at PUBLIC_URL", func(t *testing.T, kdir string) []string {
			return []string{"PUBLIC_URL=https://kbbot.example.com"}
		}, "https://kbbot.example.com/articles/" + file + "#" + anchor},
		{"none: plain text", func(t *testing.T, kdir string) []string { return nil }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kdir := copyKnowledge(t)
			extra := append([]string{"KNOWLEDGE_DIR=" + kdir, "KNOWLEDGE_BASE_URL="}, tc.setup(t, kdir)...)
			emu := slackemu.New(slackemu.Options{})
			if err := emu.Start("127.0.0.1:0"); err != nil {
				t.Fatal(err)
			}
			defer emu.Close()
			bot := startBot(t, emu, botEnv(t, emu, extra...))
			e := &e2e{t: t, emu: emu, bot: bot}
			defer bot.kill()

			ev := e.mention(t, "C0GENERAL", question, "")
			bj := jsonText(e.reply(t, "C0GENERAL", ev.TS).Params["blocks"])
			links := slackLink.FindAllStringSubmatch(bj, -1)
			for _, l := range links {
				if !strings.HasPrefix(l[1], "http://") && !strings.HasPrefix(l[1], "https://") {
					t.Errorf("link %q is not an http(s) URL", l[0])
				}
			}
			switch {
			case tc.want == "" && len(links) > 0:
				t.Errorf("got links %q, want none", links)
			case tc.want == "":
				if !strings.Contains(bj, "*Secret rotation: replacing API keys and passwords*") || !strings.Contains(bj, "`"+file+"`") {
					t.Errorf("without links the title should be bold and the path code:\n%s", bj)
				}
				e.waitLog(t, func(ln map[string]any) bool { return strings.Contains(s(ln["message"]), "not clickable") })
			case !strings.Contains(bj, "<"+tc.want+"|"):
				t.Errorf("reply lacks a link to %s:\n%s", tc.want, bj)
			}
			if !strings.Contains(tc.name, "PUBLIC_URL") {
				return
			}
			// The page the link names is served on HTTP_ADDR, with the anchor on its section.
			ln := e.waitLog(t, func(ln map[string]any) bool { return s(ln["message"]) == "starting slack bot" })
			res, err := http.Get("http://" + s(ln["http_addr"]) + "/articles/" + file)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || !strings.Contains(string(body), `id="`+anchor+`"`) {
				t.Errorf("article page: status %d, body:\n%s", res.StatusCode, body)
			}
		})
	}
}
