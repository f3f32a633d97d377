package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/kbbot/kbbot/internal/store"
)

func runMigrate(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	status := fs.Bool("status", false, "only print the schema version, change nothing")
	if err := parseFlags(fs, e, "[--status]"); err != nil {
		return err
	}
	cfg, err := loadConfig(e)
	if err != nil {
		return err
	}
	db, err := store.Open(storeOptions(cfg))
	if err != nil {
		return err
	}
	defer db.Close()
	if *status {
		v, err := db.Version(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: schema version %d; this kbbot knows up to %d.\n", db, v, store.Latest())
		return nil
	}
	m, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if m.From == m.To {
		fmt.Fprintf(e.stdout, "%s: schema version %d, up to date.\n", db, m.To)
		return nil
	}
	fmt.Fprintf(e.stdout, "%s: migrated from schema version %d to %d.\n", db, m.From, m.To)
	return nil
}
