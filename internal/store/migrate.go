package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migration is the outcome of Migrate.
type Migration struct {
	From, To int64 // schema versions before and after
}

func (d *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if d.backend == Postgres {
		dialect = goose.DialectPostgres
		// Replicas starting together migrate one at a time.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, d.db, sub, opts...)
}

// Latest is the newest schema version this binary knows.
func Latest() int64 {
	entries, _ := fs.Glob(migrations, "migrations/*.sql")
	var v int64
	for _, e := range entries {
		n, err := goose.NumericComponent(e)
		if err == nil && n > v {
			v = n
		}
	}
	return v
}

// Migrate brings the schema up to the newest version this binary knows. A
// database already migrated further, by a newer kbbot, is left alone and
// reported as ErrSchemaTooNew: an older binary must not write to it.
func (d *DB) Migrate(ctx context.Context) (Migration, error) {
	return d.MigrateTo(ctx, Latest())
}

// MigrateTo is Migrate up to a given version (tests use it to start from an
// older schema).
func (d *DB) MigrateTo(ctx context.Context, version int64) (Migration, error) {
	p, err := d.provider()
	if err != nil {
		return Migration{}, fmt.Errorf("migrate %s: %w", d, err)
	}
	from, err := d.Version(ctx)
	if err != nil {
		return Migration{}, err
	}
	if from > Latest() {
		return Migration{From: from, To: from}, fmt.Errorf("%w: %s is at version %d, this binary knows up to %d; upgrade kbbot", ErrSchemaTooNew, d, from, Latest())
	}
	if from >= version {
		return Migration{From: from, To: from}, nil
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return Migration{From: from}, fmt.Errorf("migrate %s: %w", d, err)
	}
	to, err := d.Version(ctx)
	return Migration{From: from, To: to}, err
}

// Version is the database's schema version, 0 when it has none yet.
func (d *DB) Version(ctx context.Context) (int64, error) {
	var exists int
	var err error
	if d.backend == Postgres {
		err = d.db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'goose_db_version'`).Scan(&exists)
	} else {
		err = d.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`).Scan(&exists)
	}
	if err != nil {
		return 0, fmt.Errorf("read schema version of %s: %w", d, err)
	}
	if exists == 0 {
		return 0, nil
	}
	var v int64
	if err := d.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version of %s: %w", d, err)
	}
	return v, nil
}
