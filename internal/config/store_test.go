package config

import (
	"strings"
	"testing"
)

func TestStoreSettings(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "./data" || c.DatabaseURL != "" || !c.StoreQuestionText || c.RetentionDays != 90 || !c.StoreDMs {
		t.Errorf("store defaults: got %+v", c)
	}
	for _, tc := range []struct {
		name string
		vars map[string]string
		want string // "" for valid
	}{
		{"postgres URL", map[string]string{"DATABASE_URL": "postgres://kb:s3cret@db:5432/kbbot"}, ""},
		{"postgresql scheme", map[string]string{"DATABASE_URL": "postgresql://db/kbbot"}, ""},
		{"mysql", map[string]string{"DATABASE_URL": "mysql://kb:s3cret@db/kbbot"}, `DATABASE_URL: want a postgres:// URL, got scheme "mysql"`},
		{"not a URL", map[string]string{"DATABASE_URL": "postgres://kb:s3cret@db:port/kbbot"}, "DATABASE_URL: not a URL"},
		{"no host", map[string]string{"DATABASE_URL": "postgres:///kbbot?password=s3cret"}, "DATABASE_URL: no host"},
		{"retention", map[string]string{"RETENTION_DAYS": "-1"}, "RETENTION_DAYS"},
		{"keep everything", map[string]string{"RETENTION_DAYS": "0"}, ""},
		{"flags", map[string]string{"STORE_DMS": "nope", "STORE_QUESTION_TEXT": "x"}, "STORE_DMS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(env(tc.vars))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("got %v, want valid", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("got %v, want %q", err, tc.want)
			case err != nil && strings.Contains(err.Error(), "s3cret"):
				t.Fatalf("the error repeats the password: %v", err)
			}
		})
	}
}
