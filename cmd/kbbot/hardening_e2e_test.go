package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kbbot/kbbot/internal/slackemu"
)

// TestHostileURLNeverReachesSlack: articles whose front-matter url is a
// Slack mention (!channel, !here, !subteam^ID, @U...) or a script
// (javascript:) are answered, but the answer links them to the knowledge
// base instead: nothing posted pings anyone or carries the script.
func TestHostileURLNeverReachesSlack(t *testing.T) {
	emu := opsEmulator(t, slackemu.Options{})
	kdir := opsKnowledge(t)
	hostile := []string{"!channel", "!here", "!everyone", "!subteam^S0ADMINS", "@U0ALICE", "#C0GENERAL", "javascript:alert(1)", "data:text/html,<script>alert(1)</script>"}
	for i, u := range hostile {
		body := fmt.Sprintf("---\ntitle: \"Gizmo %d maintenance\"\ntags: [ops]\nurl: %q\n---\n\n## How do I oil gizmo%d?\n\nOil gizmo%d with sprocketine every week and log it.\n", i, u, i, i)
		opsWrite(t, filepath.Join(kdir, fmt.Sprintf("gizmo-%d.md", i)), body)
	}
	opsStart(t, emu, "bot", "KNOWLEDGE_DIR="+kdir, "LOG_LEVEL=info")
	ctx := opsCtx(t, 60*time.Second)
	feed := opsWatch(t, emu)
	for i, u := range hostile {
		t.Run(u, func(t *testing.T) {
			c := opsAsk(t, ctx, emu, feed, fmt.Sprintf("how do I oil gizmo%d", i))
			if !opsCites(c, fmt.Sprintf("Gizmo %d maintenance", i)) {
				t.Fatalf("answer does not cite the article: %q", s(c.Params["text"]))
			}
			raw, err := json.Marshal(c.Params)
			if err != nil {
				t.Fatal(err)
			}
			// JSON escapes < and > as \u003c and \u003e; undo that to see
			// what Slack would parse.
			posted := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(raw))
			for _, bad := range []string{"<!", "<@", "<#", "javascript:", "data:text"} {
				if strings.Contains(posted, bad) {
					t.Errorf("posted message contains %q:\n%s", bad, posted)
				}
			}
			if want := fmt.Sprintf("<https://kb.example.com/gizmo-%d.md", i); !strings.Contains(posted, want) {
				t.Errorf("posted message does not link %s…; got:\n%s", want, posted)
			}
		})
	}
}
