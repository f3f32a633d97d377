package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/kbbot/kbbot/internal/config"
	"github.com/kbbot/kbbot/internal/knowledge"
	"github.com/kbbot/kbbot/internal/slackemu"
)

// pgDocs is the PostgreSQL manual from Debian's postgresql-doc-15 (make bench installs it).
const pgDocs = "/usr/share/doc/postgresql-doc-15/html"

// 100,000 articles take this 2-core VM about ten times the 10,000 run and
// several GB; ask for them with -scale.sizes=1000,10000,100000.
var scaleSizes = flag.String("scale.sizes", "1000,10000", "BenchmarkScale: knowledge-base sizes, in articles")

// scaleSVG, if set, is where BenchmarkScale draws its curves.
var scaleSVG = flag.String("scale.svg", "", "BenchmarkScale: write the curves to this SVG file")

// BenchmarkScale measures how cost grows with the knowledge base: for each
// size it generates articles recombined from real text (the shipped articles
// and the PostgreSQL manual's sections), then runs the real binary: a full
// `kbbot index` (wall time, peak RSS, size on disk), a one-file
// `kbbot index --changed`, and `kbbot serve` answering questions through
// the emulator (peak RSS while serving); search p50/p99 is timed in process
// on the same index. One iteration per size is the measurement:
//
//	go test -run '^$' -bench Scale -benchtime 1x ./cmd/kbbot -args -scale.svg=$PWD/cmd/kbbot/testdata/scale.svg
func BenchmarkScale(b *testing.B) {
	pool := scalePool(b)
	var points []scalePoint
	for _, f := range strings.Split(*scaleSizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("-scale.sizes: %q is not a size", f)
		}
		b.Run(fmt.Sprintf("articles=%d", n), func(b *testing.B) {
			for range b.N {
				p := scaleRun(b, pool, n)
				b.ReportMetric(p.index.Seconds(), "index-s")
				b.ReportMetric(p.incremental.Seconds(), "incremental-s")
				b.ReportMetric(p.diskMB, "disk-MB")
				b.ReportMetric(p.indexRSS, "index-RSS-MB")
				b.ReportMetric(p.serveRSS, "serve-RSS-MB")
				b.ReportMetric(ms(p.p50), "search-p50-ms")
				b.ReportMetric(ms(p.p99), "search-p99-ms")
				b.ReportMetric(100*p.answered, "answered-%")
				if len(points) == 0 || points[len(points)-1].n != n {
					points = append(points, p)
				}
			}
		})
	}
	if *scaleSVG != "" && len(points) > 0 {
		if err := os.WriteFile(*scaleSVG, []byte(scaleChart(points)), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

type scaleSection struct{ heading, text string }

type scalePoint struct {
	n                  int
	index, incremental time.Duration
	diskMB, indexRSS   float64
	serveRSS           float64
	p50, p99           time.Duration
	answered           float64 // share of the questions answered
}

// scalePool is every substantial section of the shipped articles and the
// PostgreSQL manual: the text generated articles are made of.
func scalePool(b *testing.B) []scaleSection {
	b.Helper()
	if _, err := os.Stat(pgDocs); err != nil {
		b.Fatalf("%s is missing: apt-get install postgresql-doc-15 (make bench does)", pgDocs)
	}
	var pool []scaleSection
	for _, dir := range []string{filepath.Join("..", "..", "knowledge"), pgDocs} {
		r, err := knowledge.Load(context.Background(), dir, knowledge.Options{}, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, a := range r.Articles {
			for _, s := range a.Sections {
				if s.Heading != "" && len(s.Text) > 200 && s.Links < 0.5 {
					pool = append(pool, scaleSection{s.Heading, s.Text})
				}
			}
		}
	}
	return pool
}

// scaleGenerate writes n articles of 2-5 pooled sections each, 1,000 to a
// folder; article i is the same in every run.
func scaleGenerate(b *testing.B, pool []scaleSection, dir string, n int) (questions []string) {
	b.Helper()
	for i := range n {
		rng := rand.New(rand.NewPCG(uint64(i), 12))
		first := pool[rng.IntN(len(pool))]
		var sb strings.Builder
		fmt.Fprintf(&sb, "# %s (%d)\n\n", first.heading, i)
		k := 2 + rng.IntN(4)
		for j := range k {
			s := first
			if j > 0 {
				s = pool[rng.IntN(len(pool))]
			}
			fmt.Fprintf(&sb, "## %s\n\n%s\n\n", s.heading, s.text)
		}
		sub := filepath.Join(dir, fmt.Sprintf("part-%03d", i/1000))
		if i%1000 == 0 {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				b.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("a%06d.md", i)), []byte(sb.String()), 0o644); err != nil {
			b.Fatal(err)
		}
		if len(questions) < 200 && i%max(1, n/200) == 0 {
			questions = append(questions, "how does "+strings.ToLower(first.heading)+" work?")
		}
	}
	return questions
}

func scaleRun(b *testing.B, pool []scaleSection, n int) scalePoint {
	b.Helper()
	p := scalePoint{n: n}
	root := b.TempDir()
	kdir, idx := filepath.Join(root, "knowledge"), filepath.Join(root, "index")
	questions := scaleGenerate(b, pool, kdir, n)
	emu := slackemu.New(slackemu.Options{})
	if err := emu.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer emu.Close()
	env := botEnv(b, emu, "KNOWLEDGE_DIR="+kdir, "INDEX_DIR="+idx, "LOG_LEVEL=warn", "MAX_FILE_BYTES=52428800")

	run := func(args ...string) (time.Duration, float64) {
		cmd := exec.Command(kbbotBin, args...)
		cmd.Env = env
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("kbbot %v: %v\n%s", args, err, out)
		}
		rss := float64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) / 1024 // KiB on Linux
		return time.Since(start), rss
	}
	p.index, p.indexRSS = run("index")
	p.diskMB = float64(dirSize(b, idx)) / (1 << 20)
	f := filepath.Join(kdir, "part-000", "a000000.md")
	raw, _ := os.ReadFile(f)
	if err := os.WriteFile(f, append(raw, "\n## One more thing\n\nAn edited paragraph about vacuum and indexes.\n"...), 0o644); err != nil {
		b.Fatal(err)
	}
	p.incremental, _ = run("index", "--changed")
	b.Logf("%d articles: full index %v (peak RSS %.0f MB), %.0f MB on disk, one file changed %v", n, p.index.Round(time.Millisecond), p.indexRSS, p.diskMB, p.incremental.Round(time.Millisecond))

	// Search latency, in process, on the index just built.
	cfg, err := config.Load(func(k string) string {
		for _, kv := range slices.Backward(env) { // the last one wins, as in exec
			if v, ok := strings.CutPrefix(kv, k+"="); ok {
				return v
			}
		}
		return ""
	})
	if err != nil {
		b.Fatal(err)
	}
	lib, err := openLibrary(context.Background(), cfg, zerolog.Nop())
	if err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	answered := 0
	for range 3 {
		for _, q := range questions {
			t0 := time.Now()
			a, err := lib.Ask(context.Background(), q, 3)
			if err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
			if a.Answered() {
				answered++
			}

		}
	}
	p.answered = float64(answered) / float64(len(lat))
	lib.Close()
	p.p50, p.p99 = percentile(lat, 50), percentile(lat, 99)
	b.Logf("%d articles: search p50 %v p99 %v, %.0f%% answered", n, p.p50, p.p99, 100*p.answered)

	// Peak RSS of kbbot serve answering the same questions over Slack.
	bot := startBotWithin(b, emu, env, 10*time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for i, q := range questions {
		ev, err := emu.Mention("C0GENERAL", "U0ALICE", "<@U0BOT> "+q, "")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := emu.WaitFor(ctx, func(c slackemu.Call) bool {
			return c.Method == "chat.postMessage" && s(c.Params["thread_ts"]) == ev.TS
		}); err != nil {
			b.Fatalf("question %d not answered: %v", i, err)
		}
	}
	p.serveRSS = vmHWM(b, bot.cmd.Process.Pid)
	if err := bot.stop(30 * time.Second); err != nil {
		b.Errorf("stop: %v", err)
	}
	return p
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if info, err := d.Info(); err == nil {
			n += info.Size()
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// vmHWM is a live process's peak resident set, in MiB.
func vmHWM(b *testing.B, pid int) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, ln := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(ln, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return float64(kb) / 1024
		}
	}
	b.Fatal("no VmHWM in /proc status")
	return 0
}
