package config

import (
	"errors"
	"fmt"
	"net/url"
)

// checkDatabaseURL accepts an empty value or a postgres:// URL. Its errors
// never repeat the value, which may hold a password.
func checkDatabaseURL(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	switch {
	case err != nil:
		return errors.New("DATABASE_URL: not a URL; want postgres://user:password@host:5432/dbname")
	case u.Scheme != "postgres" && u.Scheme != "postgresql":
		return fmt.Errorf("DATABASE_URL: want a postgres:// URL, got scheme %q (leave it empty for SQLite in DATA_DIR)", u.Scheme)
	case u.Host == "" && u.Query().Get("host") == "":
		return errors.New("DATABASE_URL: no host; want postgres://user:password@host:5432/dbname")
	}
	return nil
}
