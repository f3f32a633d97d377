package slackbot

// Block Kit building blocks shared by every message the bot renders; each
// kind of message has its own file (answer.go, help.go, admin.go, home.go,
// gaps.go, topics.go, expert.go).

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/kbbot/kbbot/internal/kb"
)

// Block Kit limits (https://docs.slack.dev/reference/block-kit), less a
// little headroom; see mrkdwn.go for why lengths are counted in bytes.
const (
	maxBlocks      = 50
	maxHomeBlocks  = 100
	maxSectionText = 3000
	maxHeaderText  = 150
	maxButtonValue = 2000
	maxContextText = 3000
	maxFallback    = 3000 // message text; Slack allows more, notifications show less
	maxQuestion    = 300  // how much of a question is restated
	maxTitle       = 200
	maxHeading     = 150
)

// Action and block ids the bot puts on buttons and reads back on clicks.
const (
	actionsBlockID   = "kb_actions"
	actionHelpful    = "kb_feedback_up"
	actionNotHelpful = "kb_feedback_down"
	actionShare      = "kb_share"
	actionExpert     = "kb_expert"
)

// message is a rendered reply: Block Kit blocks plus the text fallback used
// for notifications and, when Slack rejects the blocks, as the reply itself.
type message struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks"`
}

// renderer turns answers and bot state into Slack messages. It is pure: the
// same input gives the same output, which the golden tests pin down.
type renderer struct {
	command    string   // the slash command, e.g. "/kb"
	maxResults int      // results shown per answer
	examples   []string // example questions; made from topics if empty
	botUserID  string   // to show how to mention the bot
}

// answerOpts vary an answer by where it is shown.
type answerOpts struct {
	share    bool   // ephemeral: offer "Share in channel"
	sharedBy string // a user shared it into the channel
	thanked  string // this user gave feedback: thank them instead of asking
	inThread bool   // the question sits right above: do not restate it
	expert   bool   // offer Ask an expert

	got *kb.Answer // if set, reply stores the search's answer here, for the Recorder
}

// actionValue travels in a button's value so a click can be served without
// state: the question (to share it) and the result paths (for the log).
type actionValue struct {
	Question string   `json:"q"`
	Paths    []string `json:"p,omitempty"`
}

func encodeValue(v actionValue) string {
	for {
		b, _ := json.Marshal(v)
		if len(b) <= maxButtonValue {
			return string(b)
		}
		switch {
		case len(v.Paths) > 0:
			v.Paths = v.Paths[:len(v.Paths)-1]
		default:
			v.Question = cutPlain(v.Question, len(v.Question)/2)
		}
	}
}

func decodeValue(s string) actionValue {
	var v actionValue
	if json.Unmarshal([]byte(s), &v) != nil {
		v.Question = s // a plain value: treat it as the question
	}
	return v
}

func mrkdwn(text string) *slack.TextBlockObject {
	// verbatim: Slack must not auto-link channel names or URLs found in
	// article text; our own <url|label> links still work.
	return &slack.TextBlockObject{Type: slack.MarkdownType, Text: text, Verbatim: true}
}

func plain(text string) *slack.TextBlockObject {
	return &slack.TextBlockObject{Type: slack.PlainTextType, Text: text, Emoji: new(true)}
}

func section(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(mrkdwn(text), nil, nil)
}

func contextBlock(texts ...string) *slack.ContextBlock {
	els := make([]slack.MixedElement, 0, len(texts))
	for _, t := range texts {
		els = append(els, mrkdwn(t))
	}
	return slack.NewContextBlock("", els...)
}

func header(text string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(plain(cutPlainRaw(text, maxHeaderText)))
}

// cutPlainRaw cuts plain_text (which is not escaped) to max bytes.
func cutPlainRaw(s string, max int) string {
	s = validUTF8(s)
	if len(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if i > max-len(ellipsis) {
			break
		}
		n = i
	}
	return s[:n] + ellipsis
}

func button(actionID, text, value string, style slack.Style) *slack.ButtonBlockElement {
	b := slack.NewButtonBlockElement(actionID, value, plain(text))
	b.Style = style
	return b
}

// quote restates a question, escaped and cut, in curly quotes (bold would
// break on a question that contains asterisks).
func quote(q string) string { return "“" + clip(q, maxQuestion) + "”" }

// clipMrkdwnLines cuts already-rendered mrkdwn at a line break so that no
// escape or link is split; a single overlong line is dropped.
func clipMrkdwnLines(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := s[:max-len("\n…")]
	if i := strings.LastIndexByte(cut, '\n'); i > 0 {
		return cut[:i] + "\n…"
	}
	return "…"
}

// fitText keeps the fallback text within maxFallback bytes, cutting at a
// line break (the text is mrkdwn already, so it must not be cut mid-escape).
func fitText(s string) string { return clipMrkdwnLines(s, maxFallback) }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func humanBytes(n int64) string {
	switch {
	case n <= 0:
		return "size unknown"
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
}
