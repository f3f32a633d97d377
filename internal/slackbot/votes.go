package slackbot

import (
	"context"
	"regexp"
	"strings"

	"github.com/slack-go/slack"
)

// votesBlockID marks the line under a message that lists who gave feedback.
// The message itself is the record, so any replica can count a click, and
// each person votes once.
const votesBlockID = "kb_votes"

// maxVoters bounds the list; later votes are still logged.
const maxVoters = 100

var voterRE = regexp.MustCompile(`<@([UW][A-Z0-9]+)> \((:[+-]1:)\)`)

func ratingEmoji(rating string) string {
	if rating == "not_helpful" {
		return ":-1:"
	}
	return ":+1:"
}

// withVote adds user's vote to a message everyone sees, keeping the buttons
// for the others. ok is false when user has voted on it already.
func withVote(blocks []slack.Block, user, rating string) (out []slack.Block, ok bool) {
	var voters [][2]string
	out = make([]slack.Block, 0, len(blocks)+1)
	for _, bl := range blocks {
		if cb, isCtx := bl.(*slack.ContextBlock); isCtx && (cb.BlockID == votesBlockID || isThanks(cb)) {
			for _, el := range cb.ContextElements.Elements {
				if t, isText := el.(*slack.TextBlockObject); isText {
					for _, m := range voterRE.FindAllStringSubmatch(t.Text, -1) {
						voters = append(voters, [2]string{m[1], m[2]})
					}
				}
			}
			continue
		}
		out = append(out, bl)
	}
	for _, v := range voters {
		if v[0] == user {
			return blocks, false
		}
	}
	if len(voters) < maxVoters {
		voters = append(voters, [2]string{user, ratingEmoji(rating)})
	}
	parts := make([]string, len(voters))
	for i, v := range voters {
		parts[i] = "<@" + v[0] + "> (" + v[1] + ")"
	}
	line := contextBlock(":white_check_mark: Thanks for the feedback, " + strings.Join(parts, ", "))
	line.BlockID = votesBlockID
	if len(out) >= maxBlocks {
		out = out[:maxBlocks-1]
	}
	return append(out, line), true
}

// askWhatWasMissing follows a Not helpful vote: a private prompt in the
// thread asking what was missing, with Ask an expert where it is on.
func (b *Bot) askWhatWasMissing(ctx context.Context, r *request, question string, paths []string, offerExpert bool) error {
	if r.responseURL == "" {
		return nil
	}
	text := ":pray: Thanks, <@" + r.user + ">. What was missing? Reply in this thread with what you were looking for, so the article can be improved."
	blocks := []slack.Block{section(text)}
	if offerExpert {
		value := encodeValue(actionValue{Question: question, Paths: paths})
		blocks = append(blocks, slack.NewActionBlock(actionsBlockID, button(actionExpert, ":raising_hand: Ask an expert", value, "")))
	}
	return b.respond(ctx, r.responseURL, message{Text: text, Blocks: blocks}, respondEphemeral)
}
