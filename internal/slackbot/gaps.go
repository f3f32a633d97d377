package slackbot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/kbbot/kbbot/internal/kb"
)

// GapReporter tells what the knowledge base should cover next (/kb gaps).
type GapReporter interface {
	Gaps(ctx context.Context, since time.Time) (kb.Gaps, error)
}

// gapsWindow is how far back /kb gaps looks.
const gapsWindow = 7 * 24 * time.Hour

// gaps answers an admin's /kb gaps.
func (b *Bot) gaps(ctx context.Context, r *request) {
	if b.opts.Gaps == nil {
		b.replySlash(ctx, r, b.render.gapsUnavailable(), "unavailable")
		return
	}
	g, err := b.opts.Gaps.Gaps(ctx, time.Now().Add(-gapsWindow))
	if err != nil {
		_ = b.respondOrEphemeral(ctx, r, b.render.gapsFailed())
		b.logDone(r, "error", 0, err)
		return
	}
	b.replySlash(ctx, r, b.render.gaps(g, gapsWindow), "gaps")
}

func (r renderer) gapsUnavailable() message {
	text := ":information_source: This deployment keeps no record of questions, so there is no gap report."
	return message{Text: text, Blocks: []slack.Block{section(text)}}
}

func (r renderer) gapsFailed() message {
	text := ":warning: Sorry, I couldn't read the question records just now. Try again in a minute."
	return message{Text: text, Blocks: []slack.Block{section(text)}}
}

// gapLines is how many rows each list of /kb gaps shows.
const gapLines = 8

// gaps renders the knowledge-gap report: what went unanswered, which
// articles people found unhelpful, which answers were weak, and what was
// handed to an expert (only when something was).
func (r renderer) gaps(g kb.Gaps, window time.Duration) message {
	title := gapsTitle(window)
	blocks, text := r.gapLists(g)
	blocks = append([]slack.Block{header(title)}, blocks...)
	blocks = append(blocks, contextBlock(fmt.Sprintf("Similar wordings are counted together. `%s reindex` after adding articles; `kbbot report` prints the full lists.", r.command)))
	return message{Text: fitText(title + text), Blocks: blocks}
}

func gapsTitle(window time.Duration) string {
	return fmt.Sprintf("Knowledge gaps, last %s", plural(int(window/(24*time.Hour)), "day"))
}

// homeGaps is the gap report as the admins' part of the App Home.
func (r renderer) homeGaps(g kb.Gaps, window time.Duration) []slack.Block {
	blocks, _ := r.gapLists(g)
	blocks = append([]slack.Block{slack.NewDividerBlock(), header(gapsTitle(window))}, blocks...)
	return append(blocks, contextBlock(fmt.Sprintf("Shown to kbbot admins only. Similar wordings are counted together; `%s gaps` posts this anywhere, `kbbot report` prints the full lists.", r.command)))
}

// homeGapsFailed stands in for the gap report when the store cannot be read.
func (r renderer) homeGapsFailed(window time.Duration) []slack.Block {
	return []slack.Block{slack.NewDividerBlock(), header(gapsTitle(window)),
		section(":warning: I couldn't read the question records just now; open this tab again in a minute.")}
}

// gapLists renders the report's lists as sections, and the same as text.
func (r renderer) gapLists(g kb.Gaps) ([]slack.Block, string) {
	var blocks []slack.Block
	var text string
	list := func(heading, empty string, lines []string) {
		body := "*" + heading + "*\n"
		if len(lines) == 0 {
			body += "_" + empty + "_"
		} else {
			body += strings.Join(lines, "\n")
		}
		body = clipMrkdwnLines(body, maxSectionText)
		blocks = append(blocks, section(body))
		text += "\n" + body
	}
	var lines []string
	for i, q := range g.Unanswered {
		if i == gapLines {
			break
		}
		lines = append(lines, fmt.Sprintf("• %d× %s", q.Count, quote(q.Question)))
	}
	list("Asked but not answered", "Nothing: every question found an answer.", lines)

	lines = nil
	for i, a := range g.NotHelpful {
		if i == gapLines {
			break
		}
		l := fmt.Sprintf("• `%s`: %d not helpful, %d helpful", clip(a.Path, 200), a.Count, a.Helpful)
		if a.Question != "" {
			l += " · e.g. " + quote(a.Question)
		}
		lines = append(lines, l)
	}
	list("Voted Not helpful", "No Not helpful votes.", lines)

	lines = nil
	for i, q := range g.Weak {
		if i == gapLines {
			break
		}
		lines = append(lines, fmt.Sprintf("• %d× %s → `%s` (score %.2f)", q.Count, quote(q.Question), clip(q.Path, 200), q.Score))
	}
	list("Answered weakly", "No weak answers.", lines)

	if len(g.HandedOver) > 0 {
		lines = nil
		for i, q := range g.HandedOver {
			if i == gapLines {
				break
			}
			l := fmt.Sprintf("• %d× %s", q.Count, quote(q.Question))
			if q.Path != "" {
				l += " → `" + clip(q.Path, 200) + "`"
			}
			lines = append(lines, l)
		}
		list("Handed to an expert", "", lines)
	}
	return blocks, text
}
