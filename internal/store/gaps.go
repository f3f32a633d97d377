package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/kbbot/kbbot/internal/kb"
)

// GapOptions shape the knowledge-gap report.
type GapOptions struct {
	Since time.Time
	Limit int     // rows per list, default 10
	Weak  float64 // an answer whose best score is below this is weak; default DefaultWeakScore
}

// DefaultWeakScore is the best score under which an answer counts as weak.
// Good answers on the shipped knowledge base score 2.5 to 8.
const DefaultWeakScore = 2.0

// scanLimit bounds the rows one report reads per list; the grouping is done
// here rather than in SQL because terms are computed in Go.
const scanLimit = 20000

// Gaps reports the most frequent unanswered questions, grouped by their
// terms, the articles with the most Not helpful votes, the questions
// answered with a weak best score, and the questions handed over to an
// expert, all since opts.Since.
func (d *DB) Gaps(ctx context.Context, opts GapOptions) (kb.Gaps, error) {
	if opts.Limit <= 0 {
		opts.Limit = 10
	}
	if opts.Weak <= 0 {
		opts.Weak = DefaultWeakScore
	}
	g := kb.Gaps{Since: opts.Since, Unanswered: []kb.GapQuestion{}, NotHelpful: []kb.GapArticle{}, Weak: []kb.GapQuestion{}, HandedOver: []kb.GapQuestion{}}
	since := millis(opts.Since)

	var err error
	g.Unanswered, err = d.groupQuestions(ctx, `SELECT question, terms, asked_at, top_path, top_score FROM questions
		WHERE outcome = ? AND asked_at >= ? ORDER BY asked_at DESC LIMIT ?`, opts.Limit, kb.OutcomeUnknown, since, scanLimit)
	if err != nil {
		return g, fmt.Errorf("unanswered questions: %w", err)
	}
	g.Weak, err = d.groupQuestions(ctx, `SELECT question, terms, asked_at, top_path, top_score FROM questions
		WHERE outcome = ? AND asked_at >= ? AND top_score < ? ORDER BY asked_at DESC LIMIT ?`, opts.Limit, kb.OutcomeAnswered, since, opts.Weak, scanLimit)
	if err != nil {
		return g, fmt.Errorf("weak answers: %w", err)
	}

	g.HandedOver, err = d.groupQuestions(ctx, `SELECT question, terms, handed_at, top_path, CAST(0 AS DOUBLE PRECISION) FROM handovers
		WHERE handed_at >= ? ORDER BY handed_at DESC LIMIT ?`, opts.Limit, since, scanLimit)
	if err != nil {
		return g, fmt.Errorf("hand-overs: %w", err)
	}

	rows, err := d.db.QueryContext(ctx, d.q(`SELECT top_path, rating, question, terms FROM feedback
		WHERE voted_at >= ? AND top_path <> '' ORDER BY voted_at DESC LIMIT ?`), since, scanLimit)
	if err != nil {
		return g, fmt.Errorf("feedback: %w", err)
	}
	defer rows.Close()
	byPath := map[string]*kb.GapArticle{}
	for rows.Next() {
		var path, rating, question, terms string
		if err := rows.Scan(&path, &rating, &question, &terms); err != nil {
			return g, fmt.Errorf("feedback: %w", err)
		}
		a := byPath[path]
		if a == nil {
			a = &kb.GapArticle{Path: path}
			byPath[path] = a
		}
		switch rating {
		case kb.RatingNotHelpful:
			a.Count++
			if a.Question == "" {
				a.Question = cmp.Or(question, terms)
			}
		case kb.RatingHelpful:
			a.Helpful++
		}
	}
	if err := rows.Err(); err != nil {
		return g, fmt.Errorf("feedback: %w", err)
	}
	for _, a := range byPath {
		if a.Count > 0 {
			g.NotHelpful = append(g.NotHelpful, *a)
		}
	}
	slices.SortFunc(g.NotHelpful, func(a, b kb.GapArticle) int {
		return cmp.Or(b.Count-a.Count, a.Helpful-b.Helpful, cmp.Compare(a.Path, b.Path))
	})
	g.NotHelpful = g.NotHelpful[:min(len(g.NotHelpful), opts.Limit)]
	return g, nil
}

// groupQuestions runs a query of (question, terms, asked_at, top_path,
// top_score), newest first, and groups its rows by terms: the group keeps
// the newest wording, and the lowest score with its article.
func (d *DB) groupQuestions(ctx context.Context, query string, limit int, args ...any) ([]kb.GapQuestion, error) {
	rows, err := d.db.QueryContext(ctx, d.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	groups := map[string]*kb.GapQuestion{}
	var order []string
	for rows.Next() {
		var question, terms, path string
		var at int64
		var score float64
		if err := rows.Scan(&question, &terms, &at, &path, &score); err != nil {
			return nil, err
		}
		if terms == "" {
			continue // nothing but stop words: not a topic
		}
		g := groups[terms]
		if g == nil {
			g = &kb.GapQuestion{Question: cmp.Or(question, terms), Terms: terms, Last: time.UnixMilli(at).UTC(), Path: path, Score: score}
			groups[terms] = g
			order = append(order, terms)
		}
		g.Count++
		if g.Question == terms && question != "" {
			g.Question = question
		}
		if score < g.Score {
			g.Score, g.Path = score, path
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]kb.GapQuestion, 0, len(order))
	for _, t := range order {
		out = append(out, *groups[t])
	}
	// Stable on the newest-first order: among equal counts, the most recent wins.
	slices.SortStableFunc(out, func(a, b kb.GapQuestion) int { return b.Count - a.Count })
	return out[:min(len(out), limit)], nil
}

// RecentQuestions returns up to n distinct recent question texts (newest
// first), for replaying on a new index. Questions stored as terms only are
// replayed as their terms.
func (d *DB) RecentQuestions(ctx context.Context, since time.Time, n int) ([]string, error) {
	rows, err := d.db.QueryContext(ctx, d.q(`SELECT question, terms FROM questions
		WHERE asked_at >= ? AND outcome <> ? ORDER BY asked_at DESC LIMIT ?`), millis(since), kb.OutcomeError, scanLimit)
	if err != nil {
		return nil, fmt.Errorf("recent questions: %w", err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	var out []string
	for rows.Next() && len(out) < n {
		var question, terms string
		if err := rows.Scan(&question, &terms); err != nil {
			return nil, fmt.Errorf("recent questions: %w", err)
		}
		if terms == "" || seen[terms] {
			continue
		}
		seen[terms] = true
		out = append(out, cmp.Or(question, terms))
	}
	return out, rows.Err()
}
