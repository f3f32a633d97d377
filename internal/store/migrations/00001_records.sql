-- Questions and feedback clicks, for the knowledge-gap report. Times are
-- Unix milliseconds so that one file serves SQLite and PostgreSQL alike.

-- +goose Up
CREATE TABLE questions (
    id           TEXT PRIMARY KEY,
    asked_at     BIGINT NOT NULL,
    surface      TEXT NOT NULL,
    channel_type TEXT NOT NULL,
    question     TEXT NOT NULL DEFAULT '',
    terms        TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    top_path     TEXT NOT NULL DEFAULT '',
    top_score    DOUBLE PRECISION NOT NULL DEFAULT 0,
    results      TEXT NOT NULL DEFAULT '[]',
    latency_ms   BIGINT NOT NULL DEFAULT 0,
    generation   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX questions_asked_at ON questions (asked_at);

CREATE TABLE feedback (
    answer_key   TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    rating       TEXT NOT NULL,
    channel_type TEXT NOT NULL DEFAULT '',
    question     TEXT NOT NULL DEFAULT '',
    terms        TEXT NOT NULL DEFAULT '',
    top_path     TEXT NOT NULL DEFAULT '',
    paths        TEXT NOT NULL DEFAULT '[]',
    voted_at     BIGINT NOT NULL,
    PRIMARY KEY (answer_key, user_id)
);
CREATE INDEX feedback_voted_at ON feedback (voted_at);

-- +goose Down
DROP TABLE feedback;
DROP TABLE questions;
