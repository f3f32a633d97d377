package slackbot

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/kbbot/kbbot/internal/kb"
)

// In a help channel nobody asked the bot, so it speaks only when it is
// confident, a stricter bar than for a direct question (which always gets an
// answer or an honest "I don't know"):
//
//  1. the message reads as a question: it has a '?' or opens with a
//     question word (what, how, why, can, does, anyone...), and has at least
//     minContentWords content words (not function words, not mentions);
//  2. the search answers it (its own "I don't know" rule passes);
//  3. the top result covers the question: at least autoAnswerCoverage of
//     its content words appear in that result's title, heading or matched
//     excerpt words (compared on their first five letters, so "rotate"
//     meets "rotation").
//
// A follow-up in a thread the bot answered needs one content word, since
// the thread supplies the rest ("and in Postgres?"), and is searched
// together with the thread's first question.
const (
	minContentWords    = 2
	autoAnswerCoverage = 0.6
	// followUpAlone: a follow-up with this many content words is a
	// question of its own and is searched without the thread's.
	followUpAlone = 3
)

var questionOpeners = set("what", "how", "why", "when", "where", "which", "who", "whom", "whose",
	"can", "could", "should", "would", "will", "is", "are", "am", "was", "were", "does", "do", "did",
	"has", "have", "anyone", "anybody", "any", "pls", "please")

// stopWords are words that say nothing about the topic.
var stopWords = set("a", "an", "the", "and", "or", "but", "if", "then", "so", "of", "to", "in", "on", "at",
	"by", "for", "with", "from", "into", "about", "as", "it", "its", "this", "that", "these", "those",
	"there", "here", "i", "me", "my", "we", "our", "you", "your", "he", "she", "they", "them", "their",
	"be", "been", "being", "not", "no", "yes", "ok", "okay", "just", "also", "too", "very", "really",
	"get", "got", "make", "use", "using", "way", "know", "knows", "think", "thing", "things", "some",
	"someone", "somebody", "something", "anything", "everyone", "today", "now", "around", "still",
	"again", "thanks", "thank", "hi", "hello", "hey", "lol", "please", "pls", "one", "other", "more",
	"most", "much", "many", "up", "out", "like", "want", "need", "help", "best", "good", "way",
	"best", "any", "all", "than", "via", "vs", "per", "etc", "else", "ever", "yet", "only",
).union(questionOpeners)

var (
	slackMarkup = regexp.MustCompile(`<[^>]*>`)
	wordRE      = regexp.MustCompile(`[\p{L}\p{N}][\p{L}\p{N}_+#.-]*`)
)

// words are the lowercased words of text, Slack markup (mentions, links)
// removed.
func words(text string) []string {
	text = slackMarkup.ReplaceAllString(text, " ")
	ws := wordRE.FindAllString(strings.ToLower(text), -1)
	for i, w := range ws {
		ws[i] = strings.TrimRight(w, ".-")
	}
	return ws
}

// contentWords are the words of text that name a topic.
func contentWords(text string) []string {
	var out []string
	for _, w := range words(text) {
		if len(w) < 2 || stopWords[w] {
			continue
		}
		if strings.IndexFunc(w, unicode.IsLetter) < 0 && len(w) < 3 {
			continue // "2", "10": not a topic
		}
		out = append(out, w)
	}
	return out
}

// looksLikeQuestion reports whether text reads as a question with at least
// min content words.
func looksLikeQuestion(text string, min int) bool {
	ws := words(text)
	if len(ws) == 0 {
		return false
	}
	asks := strings.Contains(slackMarkup.ReplaceAllString(text, ""), "?") || questionOpeners[ws[0]]
	return asks && len(contentWords(text)) >= min
}

// coverage is the share of the question's content words that the answer's
// top result shows: in its title, section heading or matched excerpt words.
func coverage(question string, a kb.Answer) float64 {
	qs := contentWords(question)
	if len(qs) == 0 || len(a.Results) == 0 {
		return 0
	}
	top := a.Results[0]
	seen := map[string]bool{}
	for _, w := range words(top.Title + " " + top.Section) {
		seen[stem(w)] = true
	}
	for _, f := range top.Excerpt {
		if f.Match {
			for _, w := range words(f.Text) {
				seen[stem(w)] = true
			}
		}
	}
	n := 0
	for _, w := range qs {
		if seen[stem(w)] {
			n++
		}
	}
	return float64(n) / float64(len(qs))
}

// confident reports whether an unasked-for answer clears the bar above.
func confident(question string, a kb.Answer) bool {
	return a.Kind == kb.KindQuestion && a.Answered() && coverage(question, a) >= autoAnswerCoverage
}

// stem is a crude stem: the first five letters of the singular, enough to
// match a word's inflections to each other and rarely to other words.
func stem(w string) string {
	if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
		w = w[:len(w)-1]
	}
	r := []rune(w)
	if len(r) > 5 {
		r = r[:5]
	}
	return string(r)
}

type wordSet map[string]bool

func set(ws ...string) wordSet {
	s := wordSet{}
	for _, w := range ws {
		s[w] = true
	}
	return s
}

func (s wordSet) union(o wordSet) wordSet {
	for w := range o {
		s[w] = true
	}
	return s
}
