package kb

import "time"

// Outcomes of a recorded question.
const (
	OutcomeAnswered = "answered" // at least one result
	OutcomeUnknown  = "unknown"  // the knowledge base does not cover it
	OutcomeError    = "error"    // the search or the reply failed
)

// Ratings of a feedback click.
const (
	RatingHelpful    = "helpful"
	RatingNotHelpful = "not_helpful"
)

// QuestionRecord is one question as it is remembered, for the knowledge-gap
// report and replays after a reindex. It never holds a token.
type QuestionRecord struct {
	At          time.Time
	Surface     string // mention, dm, slash
	ChannelType string // channel, group, im, mpim
	Question    string // the question as asked (the store may keep only its terms)
	Outcome     string // OutcomeAnswered, OutcomeUnknown or OutcomeError
	Results     []RecordedResult
	Latency     time.Duration // receipt to reply
	Generation  string        // index generation that answered
}

// RecordedResult is one result of a recorded answer.
type RecordedResult struct {
	Path    string  `json:"path"`
	Section string  `json:"section,omitempty"`
	Score   float64 `json:"score"`
}

// FeedbackRecord is one Helpful / Not helpful click. A user has one vote per
// answer: a later click replaces the earlier one.
type FeedbackRecord struct {
	At          time.Time
	Answer      string // identifies the answer message, e.g. channel and ts
	User        string // Slack user id
	ChannelType string
	Rating      string   // RatingHelpful or RatingNotHelpful
	Question    string   // the question the answer was for
	Paths       []string // the answer's articles, best first
}

// HandoverRecord is one question handed over to people with Ask an
// expert.
type HandoverRecord struct {
	At          time.Time
	User        string // who asked for an expert
	ChannelType string
	Question    string
	Paths       []string // the answer's articles, best first; none after "I don't know"
	Experts     []string // the user and user group IDs mentioned
}

// Gaps is the knowledge-gap report: what the knowledge base should cover
// next.
type Gaps struct {
	Since      time.Time     `json:"since"`
	Unanswered []GapQuestion `json:"unanswered"`  // most frequent first
	NotHelpful []GapArticle  `json:"not_helpful"` // most Not helpful votes first
	Weak       []GapQuestion `json:"weak"`        // answered, but with a weak best score
	HandedOver []GapQuestion `json:"handed_over"` // handed to an expert, most frequent first
}

// GapQuestion is a question, or a group of questions whose words match.
type GapQuestion struct {
	Question string    `json:"question"` // the most recent wording (or its terms)
	Terms    string    `json:"terms"`    // the analysed words the group shares
	Count    int       `json:"count"`
	Last     time.Time `json:"last"`
	Path     string    `json:"path,omitempty"`  // weak: the best article; handed_over: the answer's first
	Score    float64   `json:"score,omitempty"` // weak: the best score
}

// GapArticle is an article that drew Not helpful votes.
type GapArticle struct {
	Path     string `json:"path"`
	Count    int    `json:"count"`              // Not helpful votes
	Helpful  int    `json:"helpful"`            // Helpful votes in the same time
	Question string `json:"question,omitempty"` // an example question
}
