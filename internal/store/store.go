// Package store remembers questions, feedback and claimed Slack events in
// SQLite (embedded, the default) or PostgreSQL (shared by replicas).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Backends.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Options choose and configure the backend.
type Options struct {
	// DatabaseURL selects PostgreSQL (postgres://user:pass@host/db); empty
	// means SQLite in DataDir.
	DatabaseURL string
	DataDir     string // SQLite: DataDir/kbbot.db
}

// DB is an open store. It is safe for concurrent use.
type DB struct {
	db      *sql.DB
	backend string
	where   string // for messages: the file, or the URL without its password
}

// FileName is the SQLite database's name inside DATA_DIR.
const FileName = "kbbot.db"

// Open opens the store the options name. It does not migrate: call Migrate.
// For PostgreSQL it does not wait for the server either, so a database that
// is down at this moment shows in Migrate's error.
func Open(o Options) (*DB, error) {
	if o.DatabaseURL != "" {
		db, err := sql.Open("pgx", o.DatabaseURL)
		if err != nil {
			return nil, fmt.Errorf("open postgres %s: %w", Redact(o.DatabaseURL), err)
		}
		db.SetMaxOpenConns(8)
		db.SetConnMaxIdleTime(5 * time.Minute)
		return &DB{db: db, backend: Postgres, where: Redact(o.DatabaseURL)}, nil
	}
	dir := o.DataDir
	if dir == "" {
		dir = "data"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create DATA_DIR %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	// WAL lets `kbbot report` read while the bot writes; busy_timeout makes a
	// second writer wait instead of failing at once; _txlock=immediate takes
	// the write lock at BEGIN, so two writers never deadlock upgrading.
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return &DB{db: db, backend: SQLite, where: path}, nil
}

// Backend is SQLite or Postgres.
func (d *DB) Backend() string { return d.backend }

// String names the database for logs: the file, or the URL without its password.
func (d *DB) String() string { return d.backend + " " + d.where }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.db.PingContext(ctx) }

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// q rewrites a query written with ? placeholders for the backend: PostgreSQL
// wants $1, $2...
func (d *DB) q(query string) string {
	if d.backend != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Redact returns a database URL with its password replaced by "xxxxx", for
// logs and messages. Something that does not parse as a URL is hidden whole,
// since it may be a key=value string with a password in it.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return "(unparsable database URL)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// ErrSchemaTooNew means the database was migrated by a newer kbbot.
var ErrSchemaTooNew = errors.New("database schema is newer than this kbbot")
