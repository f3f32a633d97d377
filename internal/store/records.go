package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kbbot/kbbot/internal/kb"
)

// Policy is what may be kept of a record.
type Policy struct {
	QuestionText bool // false keeps only a question's terms
	DMs          bool // false keeps nothing from direct messages
}

// keeps reports whether a record from this channel type may be stored.
func (p Policy) keeps(channelType string) bool {
	return p.DMs || (channelType != "im" && channelType != "mpim")
}

// text is what may be kept of a question's text.
func (p Policy) text(question string) string {
	if !p.QuestionText {
		return ""
	}
	return question
}

// pathsColumns are a record's articles as stored: the first, and all of
// them as a JSON list.
func pathsColumns(paths []string) (top, all string) {
	if len(paths) > 0 {
		top = paths[0]
	}
	b, _ := json.Marshal(nonNil(paths))
	return top, string(b)
}

func millis(t time.Time) int64 { return t.UnixMilli() }

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// WriteQuestions stores questions in one transaction, applying the policy.
func (d *DB) WriteQuestions(ctx context.Context, p Policy, recs []kb.QuestionRecord) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, d.q(`INSERT INTO questions
			(id, asked_at, surface, channel_type, question, terms, outcome, top_path, top_score, results, latency_ms, generation)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range recs {
			if !p.keeps(r.ChannelType) {
				continue
			}
			text := p.text(r.Question)
			var top string
			var score float64
			if len(r.Results) > 0 {
				top, score = r.Results[0].Path, r.Results[0].Score
			}
			res, _ := json.Marshal(nonNil(r.Results))
			if _, err := stmt.ExecContext(ctx, newID(), millis(r.At), r.Surface, r.ChannelType, text, Terms(r.Question),
				r.Outcome, top, score, string(res), r.Latency.Milliseconds(), r.Generation); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteFeedback stores votes, one per user and answer: a later vote
// replaces the earlier one.
func (d *DB) WriteFeedback(ctx context.Context, p Policy, recs []kb.FeedbackRecord) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, d.q(`INSERT INTO feedback
			(answer_key, user_id, rating, channel_type, question, terms, top_path, paths, voted_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (answer_key, user_id) DO UPDATE SET rating = excluded.rating, voted_at = excluded.voted_at`))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range recs {
			if !p.keeps(r.ChannelType) {
				continue
			}
			text := p.text(r.Question)
			top, paths := pathsColumns(r.Paths)
			if _, err := stmt.ExecContext(ctx, r.Answer, r.User, r.Rating, r.ChannelType, text, Terms(r.Question),
				top, paths, millis(r.At)); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteHandovers stores Ask-an-expert hand-overs, applying the policy.
func (d *DB) WriteHandovers(ctx context.Context, p Policy, recs []kb.HandoverRecord) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, d.q(`INSERT INTO handovers
			(id, handed_at, channel_type, user_id, question, terms, top_path, paths, experts)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range recs {
			if !p.keeps(r.ChannelType) {
				continue
			}
			text := p.text(r.Question)
			top, paths := pathsColumns(r.Paths)
			experts, _ := json.Marshal(nonNil(r.Experts))
			if _, err := stmt.ExecContext(ctx, newID(), millis(r.At), r.ChannelType, r.User, text, Terms(r.Question),
				top, paths, string(experts)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Claim records that this replica takes a Slack event and reports whether
// it was the first to: only one of the replicas sharing a database wins.
func (d *DB) Claim(ctx context.Context, eventID string) (bool, error) {
	res, err := d.db.ExecContext(ctx, d.q(`INSERT INTO events (event_id, claimed_at) VALUES (?, ?) ON CONFLICT (event_id) DO NOTHING`),
		eventID, millis(time.Now()))
	if err != nil {
		return false, fmt.Errorf("claim event %s: %w", eventID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim event %s: %w", eventID, err)
	}
	return n == 1, nil
}

// eventTTL is how long claimed event ids are kept: Slack retries within
// minutes, so a day is plenty.
const eventTTL = 24 * time.Hour

// DeleteOlder removes questions, feedback and hand-overs from before cutoff, and event
// claims older than a day. It returns how many rows went.
func (d *DB) DeleteOlder(ctx context.Context, cutoff time.Time) (int64, error) {
	var total int64
	for _, s := range []struct {
		query string
		at    time.Time
	}{
		{`DELETE FROM questions WHERE asked_at < ?`, cutoff},
		{`DELETE FROM feedback WHERE voted_at < ?`, cutoff},
		{`DELETE FROM handovers WHERE handed_at < ?`, cutoff},
		{`DELETE FROM events WHERE claimed_at < ?`, time.Now().Add(-eventTTL)},
	} {
		res, err := d.db.ExecContext(ctx, d.q(s.query), millis(s.at))
		if err != nil {
			return total, fmt.Errorf("retention delete: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}

func (d *DB) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
