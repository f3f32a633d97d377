package slackbot

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/kbbot/kbbot/internal/kb"
)

// Catalog lists the articles behind the answers: their titles for /kb
// topics and their owners for Ask an expert.
type Catalog interface {
	Articles() []kb.Article
}

// handoverBlockID marks the bot's hand-over message, so that a thread is
// handed over once, whichever replica gets the click.
const handoverBlockID = "kb_handover"

var (
	userIDRE  = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)
	groupIDRE = regexp.MustCompile(`^S[A-Z0-9]{2,20}$`)
)

// mention renders a Slack user or user group ID as a mention; anything else
// (a name, a "<!channel>" in an article) gives "": mentions are built only
// from IDs.
func mention(id string) string {
	switch {
	case userIDRE.MatchString(id):
		return "<@" + id + ">"
	case groupIDRE.MatchString(id):
		return "<!subteam^" + id + ">"
	}
	return ""
}

// experts are the IDs to ask about the articles at paths: each article's
// owner (an ID, or a name mapped by Options.Experts), else DefaultExperts.
func (b *Bot) experts(paths []string) []string {
	var ids []string
	add := func(id string) {
		if mention(id) != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if b.opts.Catalog != nil && len(paths) > 0 {
		for _, a := range b.opts.Catalog.Articles() {
			if a.Owner == "" || !slices.Contains(paths, a.Path) {
				continue
			}
			for _, o := range strings.FieldsFunc(a.Owner, func(r rune) bool { return r == ',' || r == ' ' }) {
				if id, ok := b.opts.Experts[strings.ToLower(strings.TrimPrefix(o, "@"))]; ok {
					add(id)
				} else {
					add(o)
				}
			}
		}
	}
	if len(ids) == 0 {
		for _, id := range b.opts.DefaultExperts {
			add(id)
		}
	}
	return ids
}

// askExpert hands a question over to people: once per thread, it posts in
// the thread mentioning the experts for the answer's articles.
func (b *Bot) askExpert(ctx context.Context, r *request, cb slack.InteractionCallback, action *slack.BlockAction) {
	v := decodeValue(action.Value)
	thread := cb.Container.ThreadTs
	if thread == "" {
		thread = cb.Message.ThreadTimestamp
	}
	if thread == "" {
		thread = cb.Container.MessageTs
	}
	say := func(text, outcome string, err error) {
		if r.responseURL != "" {
			if rerr := b.respond(ctx, r.responseURL, message{Text: text, Blocks: []slack.Block{section(text)}}, respondEphemeral); rerr != nil && err == nil {
				err = rerr
			}
		}
		b.logDone(r, outcome, len(v.Paths), err)
	}
	t, err := b.thread(ctx, r.channel, thread)
	if err != nil {
		say(":warning: Sorry, I couldn't reach the experts just now. Please try again in a minute.", "error", err)
		return
	}
	if t.handedOver {
		say(":raising_hand: I've already asked an expert in this thread; they'll reply here.", "already_asked", nil)
		return
	}
	ids := b.experts(v.Paths)
	if len(ids) == 0 {
		say(":information_source: No expert is listed for this topic. Ask your question in the channel, and consider adding an `owner` to the article.", "no_expert", nil)
		return
	}
	m := b.render.handover(ids, r.user, v.Question)
	if _, err := b.post(ctx, r.channel, thread, m); err != nil {
		b.logDone(r, "error", len(v.Paths), err)
		return
	}
	b.recordHandover(ctx, r, v, ids)
	b.log.Info().Str("envelope_id", r.envelopeID).Str("user", r.user).Str("channel", r.channel).Str("thread_ts", thread).
		Strs("experts", ids).Strs("paths", v.Paths).Msg("asked an expert")
	b.logDone(r, "handed_over", len(v.Paths), nil)
}

// handover is the message that asks the experts.
func (r renderer) handover(ids []string, user, question string) message {
	ms := make([]string, 0, len(ids))
	for _, id := range ids {
		ms = append(ms, mention(id))
	}
	text := ":raising_hand: " + strings.Join(ms, " ") + ", could you help <@" + user + "> with " + quote(question) +
		"? The knowledge base didn't settle it."
	sec := section(text)
	sec.BlockID = handoverBlockID
	return message{Text: text, Blocks: []slack.Block{sec}}
}

func isHandover(blocks []slack.Block) bool {
	for _, bl := range blocks {
		if s, ok := bl.(*slack.SectionBlock); ok && s.BlockID == handoverBlockID {
			return true
		}
	}
	return false
}

// dontKnowFor is dontKnow, with Ask an expert where it can be offered.
func (r renderer) dontKnowFor(question string, o answerOpts) message {
	m := r.dontKnow(question)
	if o.expert {
		value := encodeValue(actionValue{Question: question})
		m.Blocks = append(m.Blocks, slack.NewActionBlock(actionsBlockID, button(actionExpert, ":raising_hand: Ask an expert", value, "")))
	}
	return m
}

// welcome answers a thank-you.
func (r renderer) welcome(user string) message {
	who := ""
	if user != "" {
		who = ", <@" + user + ">"
	}
	text := ":blush: You're welcome" + who + "! Ask me anything else any time."
	return message{Text: text, Blocks: []slack.Block{section(text)}}
}

var thanksWords = set("thanks", "thank", "thx", "ty", "cheers", "merci", "danke", "thankyou", "tysm")

// saysThanks reports whether a short message is a thank-you.
func saysThanks(text string) bool {
	ws := words(text)
	if len(ws) == 0 || len(ws) > 6 {
		return false
	}
	for _, w := range ws {
		if thanksWords[w] {
			return true
		}
	}
	return false
}
