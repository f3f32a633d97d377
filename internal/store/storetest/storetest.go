// Package storetest starts a throwaway PostgreSQL server for tests, from
// the Debian postgresql package's binaries.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// Env variables that change what Postgres does.
const (
	// EnvURL names a server to use instead of starting one; each test gets
	// a fresh database on it.
	EnvURL = "KBBOT_TEST_DATABASE_URL"
	// EnvSkip set to "skip" lets tests skip when PostgreSQL is not
	// installed; otherwise a missing server fails them.
	EnvSkip = "KBBOT_TEST_POSTGRES"
)

// Server is a PostgreSQL server a test started (or the one EnvURL names).
type Server struct {
	URL  string // of a fresh database, with sslmode=disable
	bin  string // "" for an EnvURL server, which tests cannot stop
	dir  string
	port int
}

// Postgres returns a database on a server for this test: EnvURL's, or a
// new server in a temporary directory, stopped in t.Cleanup. Without
// PostgreSQL binaries the test fails, unless EnvSkip is "skip".
func Postgres(t testing.TB) *Server {
	t.Helper()
	if u := os.Getenv(EnvURL); u != "" {
		return &Server{URL: freshDatabase(t, u)}
	}
	bin := findBin()
	if bin == "" {
		msg := "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin: apt-get install postgresql (or set " + EnvURL + ", or " + EnvSkip + "=skip)"
		if os.Getenv(EnvSkip) == "skip" {
			t.Skip(msg)
		}
		t.Fatal(msg)
	}
	// Not t.TempDir: the server runs as postgres, which must reach the
	// directory, and t.TempDir's parents are private to root.
	dir, err := os.MkdirTemp("", "kbbot-pg-")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{bin: bin, dir: dir, port: freePort(t)}
	t.Cleanup(func() {
		s.ctl("stop", "-m", "immediate")
		os.RemoveAll(dir)
	})
	if os.Geteuid() == 0 {
		// initdb refuses to run as root.
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root needs the postgres user (from the postgresql package): %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := s.cmd("initdb", "-D", s.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	s.Start(t)
	s.URL = freshDatabase(t, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port))
	return s
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

// Start starts the server (again) and waits until it takes connections.
func (s *Server) Start(t testing.TB) {
	t.Helper()
	if s.bin == "" {
		t.Fatal("cannot start a server given by " + EnvURL)
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off", s.port, s.dir)
	if out, err := s.ctl("start", "-w", "-t", "60", "-o", opts, "-l", filepath.Join(s.dir, "log")); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
}

// Stop stops the server at once, as a crash or an outage would.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	if s.bin == "" {
		t.Fatal("cannot stop a server given by " + EnvURL)
	}
	if out, err := s.ctl("stop", "-w", "-m", "immediate"); err != nil {
		t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

func (s *Server) ctl(args ...string) ([]byte, error) {
	return s.cmd("pg_ctl", append([]string{"-D", s.data()}, args...)...).CombinedOutput()
}

// cmd runs a PostgreSQL program, as the postgres user when we are root.
func (s *Server) cmd(name string, args ...string) *exec.Cmd {
	prog := filepath.Join(s.bin, name)
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", prog}, args...)...)
	}
	return exec.Command(prog, args...)
}

// findBin finds the newest /usr/lib/postgresql/N/bin with initdb.
func findBin() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(dirs, func(i, j int) bool {
		a, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(dirs[i]))))
		b, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(dirs[j]))))
		return a > b
	})
	if len(dirs) == 0 {
		return ""
	}
	return filepath.Dir(dirs[0])
}

func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// freshDatabase creates a database named after the test on the server at
// admin and returns its URL; it is dropped in t.Cleanup.
func freshDatabase(t testing.TB, admin string) string {
	t.Helper()
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	name := fmt.Sprintf("kbbot_%s_%d", strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, strings.ToLower(t.Name())), time.Now().UnixNano()%1e9)
	if len(name) > 60 {
		name = name[len(name)-60:]
		name = "k" + name[1:]
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u.Path = "/" + name
	q := u.Query()
	if !q.Has("sslmode") {
		q.Set("sslmode", "disable")
	}
	u.RawQuery = q.Encode()
	return u.String()
}
