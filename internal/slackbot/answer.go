package slackbot

// Rendering an answer, "I don't know" and the short replies around a question.

import (
	"fmt"
	"strings"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/slack-go/slack"
)

// answer renders search results, or an honest "I don't know".
func (r renderer) answer(a kb.Answer, question string, o answerOpts) message {
	if !a.Answered() {
		return r.dontKnow(question)
	}
	results := a.Results
	if len(results) > r.maxResults {
		results = results[:r.maxResults]
	}
	// Each result takes three blocks; keep the intro and the buttons.
	if most := (maxBlocks - 3) / 3; len(results) > most {
		results = results[:most]
	}

	var blocks []slack.Block
	intro := ":mag: *You asked:* " + quote(question)
	if o.sharedBy != "" {
		intro = "<@" + o.sharedBy + "> shared an answer to " + quote(question)
	}
	if !o.inThread || o.sharedBy != "" {
		blocks = append(blocks, section(intro))
	}

	var text strings.Builder
	text.WriteString("Answer to " + quote(question) + ":")
	paths := make([]string, 0, len(results))
	for i, res := range results {
		title := resultTitle(res)
		body := title + "\n" + excerptMrkdwn(res.Excerpt, maxSectionText-len(title)-1)
		blocks = append(blocks, section(strings.TrimSpace(body)))
		blocks = append(blocks, contextBlock(resultContext(res)))
		if i < len(results)-1 {
			blocks = append(blocks, slack.NewDividerBlock())
		}
		paths = append(paths, res.Path)

		fmt.Fprintf(&text, "\n%d. %s\n%s", i+1, title, clip(res.Excerpt.Plain(), 400))
	}

	value := encodeValue(actionValue{Question: question, Paths: paths})
	var buttons []slack.BlockElement
	if o.share {
		buttons = append(buttons, button(actionShare, "Share in channel", value, slack.StylePrimary))
	}
	if o.thanked == "" {
		buttons = append(buttons,
			button(actionHelpful, ":+1: Helpful", value, ""),
			button(actionNotHelpful, ":-1: Not helpful", value, ""))
	}
	if o.expert {
		buttons = append(buttons, button(actionExpert, ":raising_hand: Ask an expert", value, ""))
	}
	if len(buttons) > 0 {
		blocks = append(blocks, slack.NewActionBlock(actionsBlockID, buttons...))
	}
	if o.thanked != "" {
		blocks = append(blocks, thanks(o.thanked))
	}
	return message{Text: fitText(text.String()), Blocks: blocks}
}

// resultTitle is the bold title, linked when the source has a web URL (the
// only kind Slack opens), and the section heading.
func resultTitle(res kb.Result) string {
	title := res.Title
	if title == "" {
		title = res.Path
	}
	var t string
	if webURL(res.URL) {
		t = link(res.URL, title, maxTitle+1000)
	} else {
		t = clip(title, maxTitle)
	}
	if !strings.Contains(title, "*") {
		t = "*" + t + "*"
	}
	if res.Section != "" && res.Section != res.Title {
		t += "  ›  " + clip(res.Section, maxHeading)
	}
	return t
}

// resultContext is the line under a result: source path, tags, updated.
func resultContext(res kb.Result) string {
	var parts []string
	if res.Path != "" {
		p := clip(res.Path, 300)
		if !strings.Contains(res.Path, "`") {
			p = "`" + p + "`"
		}
		parts = append(parts, ":page_facing_up: "+p)
	}
	if len(res.Tags) > 0 {
		tags := res.Tags
		more := ""
		if len(tags) > 8 {
			more = fmt.Sprintf(" +%d", len(tags)-8)
			tags = tags[:8]
		}
		esc := make([]string, len(tags))
		for i, t := range tags {
			esc[i] = clip(t, 40)
		}
		parts = append(parts, ":label: "+strings.Join(esc, ", ")+more)
	}
	if !res.Updated.IsZero() {
		parts = append(parts, "updated "+res.Updated.UTC().Format("2006-01-02"))
	}
	if len(parts) == 0 {
		return "knowledge base"
	}
	return strings.Join(parts, "  ·  ")
}

func thanks(user string) *slack.ContextBlock {
	return contextBlock(":white_check_mark: Thanks for the feedback, <@" + user + ">!")
}

// withThanks replaces the feedback buttons in a message's blocks by a thank
// you, keeping everything else (such as a Share button) as it was.
func withThanks(blocks []slack.Block, user string) []slack.Block {
	out := make([]slack.Block, 0, len(blocks)+1)
	for _, bl := range blocks {
		if ab, ok := bl.(*slack.ActionBlock); ok && ab.BlockID == actionsBlockID && ab.Elements != nil {
			var keep []slack.BlockElement
			for _, el := range ab.Elements.ElementSet {
				if btn, ok := el.(*slack.ButtonBlockElement); ok && (btn.ActionID == actionHelpful || btn.ActionID == actionNotHelpful) {
					continue
				}
				keep = append(keep, el)
			}
			if len(keep) == 0 {
				continue
			}
			bl = slack.NewActionBlock(ab.BlockID, keep...)
		}
		if cb, ok := bl.(*slack.ContextBlock); ok && isThanks(cb) {
			continue // one thank-you at a time
		}
		out = append(out, bl)
	}
	if len(out) >= maxBlocks {
		out = out[:maxBlocks-1]
	}
	return append(out, thanks(user))
}

func isThanks(cb *slack.ContextBlock) bool {
	for _, el := range cb.ContextElements.Elements {
		if t, ok := el.(*slack.TextBlockObject); ok && strings.Contains(t.Text, "Thanks for the feedback") {
			return true
		}
	}
	return false
}

// dontKnow says plainly that nothing matched and where to look instead.
func (r renderer) dontKnow(question string) message {
	text := fmt.Sprintf(":shrug: I don't know the answer to %s: nothing in the knowledge base matches it.\n"+
		"Try other words, or run `%s topics` to see what I can answer.", quote(question), r.command)
	return message{Text: text, Blocks: []slack.Block{section(text)}}
}

// searchFailed is the one sentence users see when the search itself broke.
func (r renderer) searchFailed() message {
	text := ":warning: Sorry, I couldn't search the knowledge base just now. Please try again in a minute."
	return message{Text: text, Blocks: []slack.Block{section(text)}}
}

// busy is the reply to a slash command the bot had no room for.
func (r renderer) busy() message {
	text := ":hourglass: I'm answering a lot of questions right now. Please try again in a moment."
	return message{Text: text}
}

// limited is the private notice to a user over the question limit.
func (r renderer) limited(perMinute int) message {
	text := fmt.Sprintf(":hourglass: You've asked more than %d questions in a minute, so I'm skipping some. Please wait a minute and ask again.", perMinute)
	return message{Text: text}
}
