-- Event ids claimed by a replica, so that a Slack retry delivered to another
-- replica is answered once.

-- +goose Up
CREATE TABLE events (
    event_id   TEXT PRIMARY KEY,
    claimed_at BIGINT NOT NULL
);
CREATE INDEX events_claimed_at ON events (claimed_at);

-- +goose Down
DROP TABLE events;
