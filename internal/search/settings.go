package search

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/mapping"
)

// FormatVersion changes whenever the on-disk layout or the meaning of stored
// data changes; an index of another version is rebuilt from scratch.
const FormatVersion = 10

// Settings are the analysis and ranking choices. Each default was chosen by
// measurement (see README "Search quality"); Tune lets the eval command and
// benchmarks try others.
type Settings struct {
	Scoring      string  `json:"scoring"`       // "tfidf" or "bm25"
	Stem         bool    `json:"stem"`          // English (Porter) stemming
	Stop         bool    `json:"stop"`          // drop English stop words at index time
	PassageChars int     `json:"passage_chars"` // sections longer than this are split into passages
	TitleBoost   float64 `json:"title_boost"`
	HeadingBoost float64 `json:"heading_boost"`
	TagsBoost    float64 `json:"tags_boost"`
	SynonymBoost float64 `json:"synonym_boost"`
	MinCoverage  float64 `json:"min_coverage"` // share of question weight the best article must cover
	Candidates   int     `json:"candidates"`   // section hits fetched before grouping by article
	CommonShare  float64 `json:"common_share"` // words in more than this share of passages are not searched (0 = all are)
	PartsBoost   float64 `json:"parts_boost"`  // weight of an identifier's parts against the whole identifier

	// BM25F (see score.go).
	K1    float64 `json:"k1"`     // term-frequency saturation
	BodyB float64 `json:"body_b"` // length normalisation of passage text
	MetaB float64 `json:"meta_b"` // length normalisation of headings, titles and tags

	MinPassageCoverage float64 `json:"min_passage_coverage"` // share of question weight the best passage must cover
	MinScoreShare      float64 `json:"min_score_share"`      // results scoring below this share of the best are not shown
	FullArticles       int     `json:"full_articles"`        // leading articles whose every passage is scored
	ArticleShare       float64 `json:"article_share"`        // an article's score: this share from the whole article, the rest from its best passage
	HubWeight          float64 `json:"hub_weight"`           // scores are scaled by (share of text that is not links)^HubWeight
	Fuzzy              bool    `json:"fuzzy"`                // match unknown words to the nearest index term
	UnknownInCoverage  bool    `json:"unknown_in_coverage"`  // unknown words count in the passage-coverage total
	Generic            float64 `json:"generic"`              // exponent of a word's everyday-English specificity in its coverage weight (0 = corpus IDF alone)
	LeadWeight         float64 `json:"lead_weight"`          // weight of an article's lead when choosing the passage to show
	DominantShare      float64 `json:"dominant_share"`       // the top article dominates when the next scores below this share of it...
	ExtraPassageShare  float64 `json:"extra_passage_share"`  // ...and then its other passages scoring this share of its best are shown too
	RareCandidates     bool    `json:"rare_candidates"`      // also fetch candidates for the rarest question word alone
	TitleNamed         float64 `json:"title_named"`          // score x (1 + this x share of the question a title names whole), named in score.go (README: tn0.25)
	ChoiceHeading      float64 `json:"choice_heading"`       // weight of a passage's heading path when choosing which of an article's passages to show (README: ch3)
	ChangelogWeight    float64 `json:"changelog_weight"`     // scores of release notes and changelogs are scaled by this (changelog in score.go; README: cl0.7)
	NameWeight         float64 `json:"name_weight"`          // in ranking, the IDF of an identifier a title, heading or defined term holds whole weighs this many times (documentedName in score.go; README: nw2)
}

// DefaultSettings are what kbbot ships with.
var DefaultSettings = Settings{
	Scoring:      "tfidf",
	Stem:         true,
	Stop:         true,
	PassageChars: 1500,
	TitleBoost:   1,
	HeadingBoost: 1,
	TagsBoost:    1,
	SynonymBoost: 0.7,
	MinCoverage:  0.5,
	Candidates:   30,
	CommonShare:  0.1,
	PartsBoost:   0.5,
	K1:           2,
	BodyB:        0.5,
	MetaB:        0.5,

	MinPassageCoverage: 0.4,
	MinScoreShare:      0.1,
	FullArticles:       10,
	ArticleShare:       0.5,
	HubWeight:          1,
	Fuzzy:              true,
	UnknownInCoverage:  true,
	LeadWeight:         0.5,
	Generic:            1,
	DominantShare:      0.5,
	ExtraPassageShare:  0.5,
	RareCandidates:     true,
	ChoiceHeading:      3,
	ChangelogWeight:    0.7,
	TitleNamed:         0.25,
	NameWeight:         2,
}

// indexKey hashes the settings that shape the index itself (not the query).
func (s Settings) indexKey() string {
	b, _ := json.Marshal(struct {
		V            int
		Scoring      string
		Stem, Stop   bool
		PassageChars int
	}{FormatVersion, s.Scoring, s.Stem, s.Stop, s.PassageChars})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

const analyzerName = "kb"

// Field names in the index.
const (
	fieldTitle   = "title"
	fieldHeading = "heading"
	fieldBody    = "body"
	fieldTags    = "tags"
	fieldPath    = "path"
)

func buildMapping(s Settings) (*mapping.IndexMappingImpl, error) {
	m := mapping.NewIndexMapping()
	// Identifiers are split before lower-casing (camelCase needs the case).
	filters := []string{identName, en.PossessiveName, lowercase.Name}
	if s.Stop {
		filters = append(filters, en.StopName)
	}
	if s.Stem {
		filters = append(filters, porter.Name)
	}
	err := m.AddCustomAnalyzer(analyzerName, map[string]any{
		"type": custom.Name,
		// é -> e, ß -> ss, full-width -> ASCII: a question typed without
		// accents finds the accented name, and the other way round.
		"char_filters":  []string{asciifolding.Name},
		"tokenizer":     tokenizerName,
		"token_filters": filters,
	})
	if err != nil {
		return nil, fmt.Errorf("analyzer: %w", err)
	}
	m.DefaultAnalyzer = analyzerName
	if s.Scoring == "bm25" {
		m.ScoringModel = "bm25"
	}
	text := func() *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = analyzerName
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = false
		f.IncludeTermVectors = false // no phrase queries: scoring is score.go's
		return f
	}
	kw := mapping.NewKeywordFieldMapping()
	kw.Store = false
	kw.IncludeInAll = false
	kw.DocValues = false
	kw.IncludeTermVectors = false
	doc := mapping.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldTitle, text())
	doc.AddFieldMappingsAt(fieldHeading, text())
	doc.AddFieldMappingsAt(fieldBody, text())
	doc.AddFieldMappingsAt(fieldTags, text())
	doc.AddFieldMappingsAt(fieldPath, kw)
	m.DefaultMapping = doc
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m, nil
}
