package slackbot

// Rendering what admins see: /kb stats and reindex progress and reports.

import (
	"fmt"
	"strings"
	"time"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/slack-go/slack"
)

// botStats are the bot's own counters, for /kb stats.
type botStats struct {
	Uptime                                        time.Duration
	Questions, Answered, NoAnswer, Errors, Recons int64
}

func (r renderer) stats(s kb.Stats, b botStats) message {
	indexed := "never"
	if !s.IndexedAt.IsZero() {
		indexed = kb.FormatTime(s.IndexedAt)
	}
	kbText := fmt.Sprintf("*Knowledge base*\n%s, %s, %s · index %s · last indexed %s",
		plural(s.Articles, "article"), plural(s.Sections, "section"), plural(len(s.Topics), "topic"),
		humanBytes(s.IndexBytes), indexed)
	if s.LastOutcome != "" {
		kbText += " · " + clip(s.LastOutcome, 500)
	}
	blocks := []slack.Block{section(kbText)}
	text := kbText
	if len(s.Skipped) > 0 {
		sk := fmt.Sprintf("*Skipped files* (%d)", len(s.Skipped))
		for i, k := range s.Skipped {
			if i == 10 {
				sk += fmt.Sprintf("\n…and %d more", len(s.Skipped)-10)
				break
			}
			sk += "\n• " + clip(k.Path, 200) + ": " + clip(k.Reason, 200)
		}
		blocks = append(blocks, section(clipMrkdwnLines(sk, maxSectionText)))
		text += "\n" + sk
	}
	bot := fmt.Sprintf("*Since start* (%s)\n%s · %d answered · %d without an answer · %s · %s",
		b.Uptime.Round(time.Second), plural(int(b.Questions), "question"), b.Answered, b.NoAnswer,
		plural(int(b.Errors), "error"), plural(int(b.Recons), "reconnect"))
	blocks = append(blocks, section(bot))
	text += "\n" + bot
	return message{Text: fitText(text), Blocks: blocks}
}

// refusal is the polite answer to a non-admin running an admin command.
func (r renderer) refusal(sub string) message {
	text := fmt.Sprintf(":lock: Sorry, `%s %s` is only for kbbot admins. Ask one of them if you need it.", r.command, sub)
	return message{Text: text, Blocks: []slack.Block{section(text)}}
}

func (r renderer) reindexUnavailable() message {
	text := ":information_source: Reindexing on request isn't available in this deployment."
	return message{Text: text, Blocks: []slack.Block{section(text)}}
}

func (r renderer) reindexStarted() message {
	text := ":arrows_counterclockwise: Reindexing the knowledge base. I'll post a summary here when it's done; answers keep coming from the current index meanwhile."
	return message{Text: text, Blocks: []slack.Block{section(text)}}
}

func (r renderer) reindexProgress(p kb.Progress) message {
	text := fmt.Sprintf(":hourglass_flowing_sand: Reindexing: read %d of %d files.", p.Done, p.Total)
	return message{Text: text, Blocks: []slack.Block{section(text)}}
}

func (r renderer) reindexFailed() message {
	text := ":warning: Reindexing failed; I keep answering from the previous index. The details are in the bot's log."
	return message{Text: text, Blocks: []slack.Block{section(text)}}
}

// reindexReport summarises an index run: what changed and what was skipped.
func (r renderer) reindexReport(rep kb.Report) message {
	kind := "incremental update"
	if rep.Full {
		kind = "full rebuild"
	}
	head := fmt.Sprintf(":white_check_mark: Reindexed in %s (%s): %s, %s.",
		rep.Duration.Round(time.Millisecond), kind, plural(rep.Articles, "article"), plural(rep.Sections, "section"))
	var lines []string
	list := func(label string, paths []string) {
		line := fmt.Sprintf("• %s: %d", label, len(paths))
		for i, p := range paths {
			if i == 10 {
				line += fmt.Sprintf(", …and %d more", len(paths)-10)
				break
			}
			sep := ", "
			if i == 0 {
				sep = " ("
			}
			line += sep + clip(p, 150)
		}
		if len(paths) > 0 {
			line += ")"
		}
		lines = append(lines, line)
	}
	list("Added", rep.Added)
	list("Changed", rep.Changed)
	list("Removed", rep.Removed)
	sk := fmt.Sprintf("• Skipped: %d", len(rep.Skipped))
	for i, s := range rep.Skipped {
		if i == 10 {
			sk += fmt.Sprintf("\n    …and %d more", len(rep.Skipped)-10)
			break
		}
		sk += "\n    " + clip(s.Path, 150) + ": " + clip(s.Reason, 200)
	}
	lines = append(lines, sk)
	body := strings.Join(lines, "\n")
	text := head + "\n" + body
	blocks := []slack.Block{section(head), section(clipMrkdwnLines(body, maxSectionText))}
	if rep.Changes != nil {
		ch := r.changes(*rep.Changes)
		text += "\n" + ch
		blocks = append(blocks, section(clipMrkdwnLines(ch, maxSectionText)))
	}
	return message{Text: fitText(text), Blocks: blocks}
}

// changes says what the new index answers differently, on the recent
// questions asked of both.
func (r renderer) changes(c kb.Changes) string {
	if c.Questions == 0 {
		return "*Answers*\n_No recorded questions to compare yet._"
	}
	s := fmt.Sprintf("*Answers to %s asked again*\n• Now answered: %d\n• No longer answered: %d\n• Another first article: %d",
		plural(c.Questions, "recent question"), c.NowAnswered, c.NoLongerAnswered, c.NewTop)
	if !c.Any() {
		return s + "\n_No answer changed._"
	}
	path := func(p string) string {
		if p == "" {
			return "no answer"
		}
		return "`" + clip(p, 150) + "`"
	}
	s += "\n*For example*"
	for _, x := range c.Examples {
		s += "\n• " + quote(x.Question) + ": " + path(x.Before) + " → " + path(x.After)
	}
	return s
}
