package slackbot

import (
	"testing"

	"github.com/kbbot/kbbot/internal/kb"
)

func TestLooksLikeQuestion(t *testing.T) {
	tests := []struct {
		text string
		min  int
		want bool
	}{
		{"how do I rotate a leaked API key?", 2, true},
		{"what is a database index", 2, true},
		{"anyone know how to renew TLS certificates", 2, true},
		{"deploying the new TLS config now", 2, false}, // chatter: no question
		{"lunch?", 2, false},                           // one content word
		{"is anyone around?", 2, false},
		{"thanks!", 2, false},
		{"<@U0BOB> can you review my PR?", 2, true},
		{"and in Postgres?", 1, true},
		{"and in Postgres?", 2, false},
		{"ok", 1, false},
	}
	for _, tc := range tests {
		if got := looksLikeQuestion(tc.text, tc.min); got != tc.want {
			t.Errorf("looksLikeQuestion(%q, %d) = %v, want %v", tc.text, tc.min, got, tc.want)
		}
	}
}

func TestConfident(t *testing.T) {
	ans := func(kind kb.Kind, res ...kb.Result) kb.Answer { return kb.Answer{Kind: kind, Results: res} }
	rotation := kb.Result{Title: "Secret rotation", Section: "How do I rotate a leaked API key?",
		Excerpt: frag("Rotate a ", "*leaked*", " ", "*API*", " key at once.")}
	tests := []struct {
		name     string
		question string
		a        kb.Answer
		want     bool
	}{
		{"covered", "how do I rotate a leaked API key?", ans(kb.KindQuestion, rotation), true},
		{"inflections match", "rotating leaked keys?", ans(kb.KindQuestion, rotation), true},
		{"half the words elsewhere", "how do I rotate the payroll spreadsheet in Excel?", ans(kb.KindQuestion, rotation), false},
		{"no answer", "how do I rotate a leaked API key?", ans(kb.KindQuestion), false},
		{"greeting", "hi there?", ans(kb.KindGreeting, rotation), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := confident(tc.question, tc.a); got != tc.want {
				t.Errorf("got %v (coverage %.2f), want %v", got, coverage(tc.question, tc.a), tc.want)
			}
		})
	}
}

func TestWithContext(t *testing.T) {
	first := "<@U0BOT> how do I paginate a big table?"
	if got, want := withContext("and in Postgres?", first), "and in Postgres? how do I paginate a big table?"; got != want {
		t.Errorf("short follow-up: got %q, want %q", got, want)
	}
	if got := withContext("how do I renew TLS certificates automatically?", first); got != "how do I renew TLS certificates automatically?" {
		t.Errorf("a question of its own: got %q", got)
	}
	if got := withContext("and in Postgres?", ""); got != "and in Postgres?" {
		t.Errorf("no first question: got %q", got)
	}
}

func TestMentionOnlyFromIDs(t *testing.T) {
	for id, want := range map[string]string{
		"U012ABCDEF": "<@U012ABCDEF>", "W012ABCDEF": "<@W012ABCDEF>", "S0DBTEAM": "<!subteam^S0DBTEAM>",
		"<!channel>": "", "alice": "", "U0<!here>": "", "": "",
	} {
		if got := mention(id); got != want {
			t.Errorf("mention(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestSaysThanks(t *testing.T) {
	for text, want := range map[string]bool{"thanks!": true, "thank you so much <@U0BOT>": true, "ty": true,
		"thanks, but how do I rotate keys when the vault is down and nobody is around?": false, "hello": false} {
		if got := saysThanks(text); got != want {
			t.Errorf("saysThanks(%q) = %v, want %v", text, got, want)
		}
	}
}
