-- Questions handed over to people with Ask an expert: what the knowledge
-- base could not settle, for the knowledge-gap report.

-- +goose Up
CREATE TABLE handovers (
    id           TEXT PRIMARY KEY,
    handed_at    BIGINT NOT NULL,
    channel_type TEXT NOT NULL DEFAULT '',
    user_id      TEXT NOT NULL DEFAULT '',
    question     TEXT NOT NULL DEFAULT '',
    terms        TEXT NOT NULL DEFAULT '',
    top_path     TEXT NOT NULL DEFAULT '',
    paths        TEXT NOT NULL DEFAULT '[]',
    experts      TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX handovers_handed_at ON handovers (handed_at);

-- +goose Down
DROP TABLE handovers;
