package quality

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestQualityDerive derives the question sets from hand-written pages in the
// shape of the PostgreSQL manual's bookindex.html and glossary.html and
// compares them with golden files.
func TestQualityDerive(t *testing.T) {
	for _, tc := range []struct {
		page   string
		derive func(io.Reader) ([]Question, error)
	}{
		{"bookindex", BookIndex},
		{"glossary", Glossary},
	} {
		t.Run(tc.page, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tc.page+".html"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			qs, err := tc.derive(f)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := WriteQuestions(&got, qs); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tc.page+".golden.jsonl")
			if *update {
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s differs from the golden file (run go test -update and review the diff):\ngot:\n%s", golden, got.Bytes())
			}
			// What is written reads back as the same questions.
			p := filepath.Join(t.TempDir(), "set.jsonl")
			os.WriteFile(p, got.Bytes(), 0o644)
			back, err := ReadQuestions(p)
			if err != nil || !reflect.DeepEqual(back, qs) {
				t.Errorf("read back: got %+v, %v; want %+v", back, err, qs)
			}
		})
	}
}

func TestQualityPageOf(t *testing.T) {
	for _, tc := range []struct{ href, want string }{
		{"sql-vacuum.html#FULL", "sql-vacuum.html"},
		{"sql-vacuum.html", "sql-vacuum.html"},
		{"#ientry-id7822", ""},
		{"bookindex.html#BOOKINDEX", ""},
		{"glossary.html#GLOSSARY-ACID", ""},
		{"https://www.postgresql.org/docs/", ""},
		{"", ""},
	} {
		if got := pageOf(tc.href); got != tc.want {
			t.Errorf("pageOf(%q): got %q, want %q", tc.href, got, tc.want)
		}
	}
}

func TestQualitySample(t *testing.T) {
	var qs []Question
	for _, q := range "abcdefghijklmnopqrstuvwxyz" {
		qs = append(qs, Question{Q: string(q)})
	}
	texts := func(qs []Question) (s string) {
		for _, q := range qs {
			s += q.Q
		}
		return s
	}
	for _, tc := range []struct {
		name string
		n    int
		want int
	}{
		{"all", 0, 26},
		{"more than there are", 100, 26},
		{"five", 5, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := Sample(qs, tc.n, 1), Sample(qs, tc.n, 1)
			if len(a) != tc.want || texts(a) != texts(b) {
				t.Errorf("got %q and %q, want the same %d questions twice", texts(a), texts(b), tc.want)
			}
			for i := 1; i < len(a); i++ {
				if a[i-1].Q >= a[i].Q {
					t.Errorf("got %q, want the original order", texts(a))
				}
			}
		})
	}
	if a, b := Sample(qs, 5, 1), Sample(qs, 5, 2); texts(a) == texts(b) {
		t.Errorf("seeds 1 and 2 both picked %q", texts(a))
	}
}
