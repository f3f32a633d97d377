package store

import "context"

// ForgeVersion records a schema version as applied, as a newer kbbot would.
func ForgeVersion(ctx context.Context, d *DB, v int64) error {
	_, err := d.db.ExecContext(ctx, d.q(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)`), v, true)
	return err
}
