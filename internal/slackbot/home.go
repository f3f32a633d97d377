package slackbot

// Rendering the App Home.

import (
	"fmt"
	"strings"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/slack-go/slack"
)

// home is the App Home tab: what the bot knows and how to ask it.
func (r renderer) home(s kb.Stats) []slack.Block {
	indexed := "not indexed yet"
	if !s.IndexedAt.IsZero() {
		fallback := s.IndexedAt.UTC().Format("2006-01-02 15:04 UTC")
		indexed = fmt.Sprintf("last indexed <!date^%d^{date_short_pretty} at {time}|%s>", s.IndexedAt.Unix(), fallback)
	}
	blocks := []slack.Block{
		header("Knowledge base answers"),
		section("I answer questions from the team knowledge base, with links to the articles I found the answer in."),
		section(fmt.Sprintf("*What I know*\n%s · %s · %s", plural(s.Articles, "article"), plural(s.Sections, "section"), indexed)),
	}
	if len(s.Topics) > 0 {
		top := sortedTopics(s.Topics)
		more := ""
		if len(top) > 40 {
			more = fmt.Sprintf(" …and %d more (`%s topics`)", len(top)-40, r.command)
			top = top[:40]
		}
		names := make([]string, len(top))
		for i, t := range top {
			names[i] = clip(t.Name, 60)
		}
		blocks = append(blocks, section(clipMrkdwnLines("*Topics*\n"+strings.Join(names, " · ")+more, maxSectionText)))
	}
	blocks = append(blocks, slack.NewDividerBlock())
	mention := "Mention me"
	if r.botUserID != "" {
		mention = "Mention me (<@" + r.botUserID + ">)"
	}
	blocks = append(blocks, section("*How to ask*\n"+
		"• "+mention+" in a channel with your question: I answer in a thread.\n"+
		"• Write to me in the *Messages* tab.\n"+
		"• `"+r.command+" your question` anywhere: I answer just to you, and you can share the answer.\n"+
		"• `"+r.command+" topics` lists what I know; `"+r.command+" help` shows this again."))
	if ex := r.exampleQuestions(s, 3); len(ex) > 0 {
		t := "*Try asking*"
		for _, q := range ex {
			t += "\n• " + clip(q, maxQuestion)
		}
		blocks = append(blocks, section(t))
	}
	if len(blocks) > maxHomeBlocks {
		blocks = blocks[:maxHomeBlocks]
	}
	return blocks
}
