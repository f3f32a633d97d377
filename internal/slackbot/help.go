package slackbot

// Rendering greetings, help and the /kb topics list.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/slack-go/slack"
)

func (r renderer) greeting(user string, s kb.Stats) message {
	who := ""
	if user != "" {
		who = " <@" + user + ">"
	}
	text := fmt.Sprintf(":wave: Hi%s! I answer questions from the team knowledge base (%s). %s",
		who, plural(s.Articles, "article"), r.howToAskLine())
	if ex := r.exampleQuestions(s, 1); len(ex) > 0 {
		text += "\nFor example: " + quote(ex[0])
	}
	return message{Text: text, Blocks: []slack.Block{section(text)}}
}

func (r renderer) howToAskLine() string {
	return fmt.Sprintf("Mention me with a question, send me a direct message, or use `%s your question`.", r.command)
}

// help explains how to ask and lists the commands.
func (r renderer) help(s kb.Stats) message {
	mention := "Mention me"
	if r.botUserID != "" {
		mention = "Mention me (<@" + r.botUserID + ">)"
	}
	ask := "*How to ask*\n" +
		"• " + mention + " in a channel with your question: I answer in a thread.\n" +
		"• Send me a direct message.\n" +
		"• `" + r.command + " your question`: I answer just to you, and you can share the answer."
	cmds := "*Commands*\n" +
		"• `" + r.command + " topics`: what the knowledge base covers; `" + r.command + " topics NAME`: one heading in full\n" +
		"• `" + r.command + " help`: this message\n" +
		"• `" + r.command + " stats`, `" + r.command + " reindex`, `" + r.command + " gaps`: for admins"
	blocks := []slack.Block{section(ask), section(cmds)}
	text := ask + "\n" + cmds
	if ex := r.exampleQuestions(s, 3); len(ex) > 0 {
		t := "*Try asking*"
		for _, q := range ex {
			t += "\n• " + clip(q, maxQuestion)
		}
		blocks = append(blocks, section(t))
		text += "\n" + t
	}
	return message{Text: fitText(text), Blocks: blocks}
}

// sortedTopics orders topics by article count, then name.
func sortedTopics(ts []kb.Topic) []kb.Topic {
	out := append([]kb.Topic(nil), ts...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Articles != out[j].Articles {
			return out[i].Articles > out[j].Articles
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// exampleQuestions are the configured ones, else questions the articles'
// headings ask, else ones made from the top topics.
func (r renderer) exampleQuestions(s kb.Stats, n int) []string {
	if len(r.examples) > 0 {
		return r.examples[:min(n, len(r.examples))]
	}
	if len(s.Examples) > 0 {
		return s.Examples[:min(n, len(s.Examples))]
	}
	var out []string
	for _, t := range sortedTopics(s.Topics) {
		if len(out) == n {
			break
		}
		out = append(out, "What should I know about "+t.Name+"?")
	}
	return out
}

// topics lists what the knowledge base covers, in as many sections as the
// list needs.
func (r renderer) topics(s kb.Stats) message {
	if len(s.Topics) == 0 {
		text := fmt.Sprintf("The knowledge base has %s and no topics yet.", plural(s.Articles, "article"))
		return message{Text: text, Blocks: []slack.Block{section(text)}}
	}
	intro := fmt.Sprintf("*What I know about* (%s, %s)", plural(s.Articles, "article"), plural(len(s.Topics), "topic"))
	blocks := []slack.Block{section(intro)}
	lines := make([]string, 0, len(s.Topics))
	for _, t := range sortedTopics(s.Topics) {
		lines = append(lines, fmt.Sprintf("• %s (%d)", clip(t.Name, 100), t.Articles))
	}
	blocks = append(blocks, listSections(lines, maxBlocks-2)...)
	blocks = append(blocks, contextBlock(fmt.Sprintf("Ask about any of these: mention me, DM me, or `%s your question`.", r.command)))
	text := intro + "\n" + strings.Join(lines, "\n")
	return message{Text: fitText(text), Blocks: blocks}
}

// listSections packs lines into at most n sections of at most
// maxSectionText bytes; lines that do not fit are counted in a last line.
func listSections(lines []string, n int) []slack.Block {
	var blocks []slack.Block
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			blocks = append(blocks, section(cur.String()))
			cur.Reset()
		}
	}
	for i, l := range lines {
		if cur.Len()+len(l)+1 > maxSectionText-100 {
			flush()
			if len(blocks) == n-1 {
				cur.WriteString(fmt.Sprintf("…and %d more", len(lines)-i))
				break
			}
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(l)
	}
	flush()
	return blocks
}
