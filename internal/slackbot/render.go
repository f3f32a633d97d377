package slackbot

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

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
