// Package search indexes knowledge articles with Bleve and answers questions
// with the best-matching articles and short highlighted excerpts.
package search

import (
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/rs/zerolog"

	"github.com/kbbot/kbbot/internal/kb"
	"github.com/kbbot/kbbot/internal/knowledge"
)

// Options configure how answers are built.
type Options struct {
	Settings     Settings
	BaseURL      string    // KNOWLEDGE_BASE_URL: links become BaseURL + path + #anchor
	ExcerptChars int       // longest excerpt (the first result's), default 800
	Synonyms     *Synonyms // nil means DefaultSynonyms
	Logger       zerolog.Logger
}

func (o Options) withDefaults() Options {
	if o.Settings == (Settings{}) {
		o.Settings = DefaultSettings
	}
	if o.ExcerptChars <= 0 {
		o.ExcerptChars = 800
	}
	if o.Synonyms == nil {
		o.Synonyms = DefaultSynonyms()
	}
	return o
}

// Index is one immutable generation of the search index: a Bleve index plus
// the article text it was built from. It is safe for concurrent use.
type Index struct {
	dir       string
	bl        bleve.Index
	opts      Options
	analyzer  analysis.Analyzer
	arts      []kb.Article
	passages  map[string]passage
	docCount  float64
	meta      meta
	df        map[string]uint64 // body-field document frequency per term
	metaTerms map[string]bool   // terms of the title, heading and tags fields
	words     *wordCache
	ids       map[string]uint32 // every term of the index's dictionaries
	byArt     [][]passage       // each article's passages, in order
	vocab     []vocabEntry      // the dictionary, sorted, for correcting unknown words
	stats     []*artStats       // each article's term bags (score.go)
	avgLen    [nFields]float64  // average field lengths of passages, in terms
	avgArtLen [nFields]float64  // average field lengths of articles

	mu     sync.RWMutex // held for reading by searches, for writing by Close
	closed bool
}

type passage struct {
	art, sec int
	order    int // position of the passage in its article
	text     string
}

// meta is written beside the Bleve index; it says what built it.
type meta struct {
	Format   int               `json:"format"`
	Key      string            `json:"key"`
	Settings Settings          `json:"settings"`
	BuiltAt  time.Time         `json:"built_at"`
	Files    map[string]string `json:"files"` // path -> content hash
	Skipped  []kb.Skip         `json:"skipped,omitempty"`
	Sections int               `json:"sections"`
}

const (
	bleveDir  = "bleve"
	storeFile = "articles.gob"
	metaFile  = "meta.json"
)

// ErrIncompatible means an index on disk was built by another format or other
// analysis settings and must be rebuilt.
var ErrIncompatible = errors.New("index built with other settings")

// docID names one passage: stable across rebuilds so incremental updates can
// delete and replace a file's passages.
func docID(path string, n int) string { return path + "#" + strconv.Itoa(n) }

// passagesOf splits an article's sections into passages of about max bytes.
func passagesOf(a kb.Article, max int) []passage {
	var out []passage
	for si, s := range a.Sections {
		if max <= 0 || len(s.Text) <= max {
			out = append(out, passage{sec: si, text: s.Text})
			continue
		}
		var cur strings.Builder
		for _, para := range strings.Split(s.Text, "\n\n") {
			if cur.Len() > 0 && cur.Len()+len(para) > max {
				out = append(out, passage{sec: si, text: cur.String()})
				cur.Reset()
			}
			if cur.Len() > 0 {
				cur.WriteString("\n\n")
			}
			cur.WriteString(para)
		}
		if cur.Len() > 0 {
			out = append(out, passage{sec: si, text: cur.String()})
		}
	}
	return out
}

type bleveDoc struct {
	Title   string `json:"title"`
	Heading string `json:"heading"`
	Body    string `json:"body"`
	Tags    string `json:"tags"`
	Path    string `json:"path"`
}

func docsOf(a kb.Article, s Settings) ([]string, []bleveDoc) {
	ps := passagesOf(a, s.PassageChars)
	ids := make([]string, len(ps))
	docs := make([]bleveDoc, len(ps))
	tags := strings.Join(append(append([]string(nil), a.Tags...), a.Aliases...), ", ")
	for i, p := range ps {
		sec := a.Sections[p.sec]
		ids[i] = docID(a.Path, i)
		docs[i] = bleveDoc{Title: a.Title, Heading: strings.Join(sec.Path, " "), Body: p.text, Tags: tags, Path: a.Path}
	}
	return ids, docs
}

// Build writes a new index generation into dir, which must be missing or empty.
func Build(ctx context.Context, dir string, arts []kb.Article, skipped []kb.Skip, opts Options) (*Index, error) {
	opts = opts.withDefaults()
	m, err := buildMapping(opts.Settings)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create index dir: %w", err)
	}
	bl, err := bleve.NewUsing(filepath.Join(dir, bleveDir), m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create bleve index: %w", err)
	}
	md := meta{Format: FormatVersion, Key: opts.Settings.indexKey(), Settings: opts.Settings, BuiltAt: time.Now().UTC(), Files: map[string]string{}, Skipped: skipped}
	batch := bl.NewBatch()
	for _, a := range arts {
		if err := ctx.Err(); err != nil {
			bl.Close()
			return nil, err
		}
		ids, docs := docsOf(a, opts.Settings)
		for i := range ids {
			if err := batch.Index(ids[i], docs[i]); err != nil {
				bl.Close()
				return nil, fmt.Errorf("index %s: %w", a.Path, err)
			}
		}
		md.Sections += len(ids)
		md.Files[a.Path] = a.Hash
		if batch.Size() >= 2000 {
			if err := bl.Batch(batch); err != nil {
				bl.Close()
				return nil, fmt.Errorf("write batch: %w", err)
			}
			batch.Reset()
		}
	}
	if err := bl.Batch(batch); err != nil {
		bl.Close()
		return nil, fmt.Errorf("write batch: %w", err)
	}
	if err := writeStore(dir, arts); err != nil {
		bl.Close()
		return nil, err
	}
	if err := writeJSON(filepath.Join(dir, metaFile), md); err != nil {
		bl.Close()
		return nil, err
	}
	// Close and reopen: with unsafe_batch the last batch may still be on its
	// way in, and a reopened index is exactly what later processes will see.
	if err := bl.Close(); err != nil {
		return nil, fmt.Errorf("close built index: %w", err)
	}
	return Open(dir, opts)
}

// Open opens an index generation built by Build.
func Open(dir string, opts Options) (*Index, error) {
	opts = opts.withDefaults()
	var md meta
	b, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return nil, fmt.Errorf("read index meta: %w", err)
	}
	if err := json.Unmarshal(b, &md); err != nil {
		return nil, fmt.Errorf("parse index meta: %w", err)
	}
	if md.Format != FormatVersion {
		return nil, fmt.Errorf("%w: format %d, this kbbot uses %d", ErrIncompatible, md.Format, FormatVersion)
	}
	if md.Key != opts.Settings.indexKey() {
		return nil, fmt.Errorf("%w: analysis settings changed", ErrIncompatible)
	}
	arts, err := readStore(dir)
	if err != nil {
		return nil, err
	}
	bl, err := bleve.OpenUsing(filepath.Join(dir, bleveDir), map[string]any{"read_only": true})
	if err != nil {
		return nil, fmt.Errorf("open bleve index: %w", err)
	}
	ix, err := newIndex(dir, bl, arts, md, opts)
	if err != nil {
		return nil, err
	}
	// bleve skips a segment it cannot load and opens an older snapshot,
	// so a damaged index can open with passages missing.
	if got, want := int(ix.docCount), len(ix.passages); got != want {
		ix.Close()
		return nil, fmt.Errorf("open bleve index: %d passages, want %d: damaged", got, want)
	}
	return ix, nil
}

func newIndex(dir string, bl bleve.Index, arts []kb.Article, md meta, opts Options) (*Index, error) {
	an := bl.Mapping().AnalyzerNamed(analyzerName)
	if an == nil {
		bl.Close()
		return nil, fmt.Errorf("analyzer %q missing from index mapping", analyzerName)
	}
	ix := &Index{dir: dir, bl: bl, opts: opts, analyzer: an, arts: arts, passages: map[string]passage{}, meta: md}
	ix.byArt = make([][]passage, len(arts))
	for ai, a := range arts {
		ps := passagesOf(a, opts.Settings.PassageChars)
		for i := range ps {
			ps[i].art, ps[i].order = ai, i
			ix.passages[docID(a.Path, i)] = ps[i]
		}
		ix.byArt[ai] = ps
	}
	n, err := bl.DocCount()
	if err != nil {
		bl.Close()
		return nil, fmt.Errorf("count documents: %w", err)
	}
	ix.docCount = float64(n)
	if ix.df, err = readDF(bl, fieldBody); err != nil {
		bl.Close()
		return nil, err
	}
	ix.metaTerms = map[string]bool{}
	ix.ids = make(map[string]uint32, len(ix.df))
	for t := range ix.df {
		ix.ids[t] = uint32(len(ix.ids))
	}
	for _, f := range []string{fieldTitle, fieldHeading, fieldTags} {
		df, err := readDF(bl, f)
		if err != nil {
			bl.Close()
			return nil, err
		}
		for t := range df {
			ix.metaTerms[t] = true
			if _, ok := ix.ids[t]; !ok {
				ix.ids[t] = uint32(len(ix.ids))
			}
		}
	}
	ix.words = newWordCache(an)
	ix.vocab = newVocab(ix.df, ix.ids)
	ix.buildStats(ix.byArt)
	return ix, nil
}

// Close releases the index once running searches have finished.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	return ix.bl.Close()
}

// Dir is where this generation lives.
func (ix *Index) Dir() string { return ix.dir }

// Articles returns the indexed articles (shared; do not modify).
func (ix *Index) Articles() []kb.Article { return ix.arts }

// Files maps each indexed path to its content hash.
func (ix *Index) Files() map[string]string { return ix.meta.Files }

// Stats describes the index.
func (ix *Index) Stats() kb.Stats {
	st := kb.Stats{Articles: len(ix.arts), Sections: ix.meta.Sections, IndexedAt: ix.meta.BuiltAt, Skipped: ix.meta.Skipped}
	st.IndexBytes = dirSize(ix.dir)
	st.Topics = topics(ix.arts)
	st.Examples = examples(ix.arts, st.Topics, 5)
	return st
}

func writeStore(dir string, arts []kb.Article) error {
	err := writeFileAtomic(filepath.Join(dir, storeFile), func(w io.Writer) error { return gob.NewEncoder(w).Encode(arts) })
	if err != nil {
		return fmt.Errorf("write article store: %w", err)
	}
	return nil
}

func readStore(dir string) ([]kb.Article, error) {
	f, err := os.Open(filepath.Join(dir, storeFile))
	if err != nil {
		return nil, fmt.Errorf("read article store: %w", err)
	}
	defer f.Close()
	var arts []kb.Article
	if err := gob.NewDecoder(f).Decode(&arts); err != nil {
		return nil, fmt.Errorf("read article store: %w", err)
	}
	return arts, nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, func(w io.Writer) error { _, err := w.Write(b); return err })
}

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

var _ = knowledge.Anchor

// readDF loads a field's term dictionary with document counts.
func readDF(bl bleve.Index, field string) (map[string]uint64, error) {
	d, err := bl.FieldDict(field)
	if err != nil {
		return nil, fmt.Errorf("read term dictionary: %w", err)
	}
	defer d.Close()
	df := map[string]uint64{}
	for {
		e, err := d.Next()
		if err != nil {
			return nil, fmt.Errorf("read term dictionary: %w", err)
		}
		if e == nil {
			return df, nil
		}
		df[e.Term] = e.Count
	}
}

// Warm is kept for callers that warm a new generation; the term bags are
// built when the index opens, so there is nothing left to do.
func (ix *Index) Warm() {}

// examples picks questions the knowledge base surely answers: the first
// question-shaped heading of an article in each of the biggest topics.
func examples(arts []kb.Article, tops []kb.Topic, n int) []string {
	var out []string
	used := map[string]bool{}
	for _, t := range tops {
		if len(out) == n {
			break
		}
	articles:
		for _, a := range arts {
			if used[a.Path] || !hasTag(a, t.Name) {
				continue
			}
			for _, s := range a.Sections {
				if strings.HasSuffix(s.Heading, "?") && len(s.Heading) <= 80 {
					out = append(out, s.Heading)
					used[a.Path] = true
					break articles
				}
			}
		}
	}
	return out
}

func hasTag(a kb.Article, tag string) bool {
	for _, t := range a.Tags {
		if strings.EqualFold(t, tag) {
			return true
		}
	}
	return false
}
