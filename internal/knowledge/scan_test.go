package knowledge

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// writeTree creates files (path -> content) and symlinks (path -> target)
// under dir.
func writeTree(t *testing.T, dir string, files, links map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for p, target := range links {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, full); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadSymlinksStayInside(t *testing.T) {
	top := t.TempDir()
	writeTree(t, top, map[string]string{
		"app.env":             "SLACK_BOT_TOKEN=xoxb-secret\n",
		"outside/secret.txt":  "Tokens\n\nxoxb-secret is the bot token.\n",
		"outside/article.md":  "# Outside\n\nxoxb-secret again.\n",
		"kb/real.md":          "# Real\n\nInside the folder.\n",
		"kb/sub/deep.md":      "# Deep\n\nAlso inside.\n",
		"kb/..2026_01/cm.md":  "# From a ConfigMap\n\nMounted the Kubernetes way.\n",
		"kb/plain/keep.txt":   "Kept\n\nA plain file.\n",
		"kb/plain/other.docx": "not read",
	}, map[string]string{
		"kb/users.txt":      filepath.Join(top, "outside/secret.txt"), // absolute, outside
		"kb/notes.txt":      "../app.env",                             // relative, outside
		"kb/sub/up.md":      "../../outside/article.md",
		"kb/linked-dir":     "../outside", // a folder: not entered
		"kb/dangling.md":    "nothing-here.md",
		"kb/alias.md":       "real.md",                           // inside: followed
		"kb/sub/sibling.md": "deep.md",                           // inside: followed
		"kb/abs-inside.md":  filepath.Join(top, "kb", "real.md"), // absolute: refused
		"kb/..data":         "..2026_01",
		"kb/cm.md":          "..data/cm.md", // ConfigMap layout: followed
	})
	r := load(t, filepath.Join(top, "kb"))
	for _, a := range r.Articles {
		for _, s := range a.Sections {
			if strings.Contains(s.Text, "xoxb-secret") {
				t.Errorf("%s: read a file outside the knowledge folder: %q", a.Path, s.Text)
			}
		}
	}
	var got []string
	for _, a := range r.Articles {
		got = append(got, a.Path)
	}
	want := []string{"alias.md", "cm.md", "plain/keep.txt", "real.md", "sub/deep.md", "sub/sibling.md"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("articles %v, want %v", got, want)
	}
	reasons := map[string]string{}
	for _, s := range r.Skipped {
		reasons[s.Path] = s.Reason
	}
	for _, tc := range []struct{ path, reason string }{
		{"users.txt", "symlink points outside the knowledge folder"},
		{"notes.txt", "symlink points outside the knowledge folder"},
		{"sub/up.md", "symlink points outside the knowledge folder"},
		{"dangling.md", "broken symlink"},
		{"abs-inside.md", "symlink is absolute"},
	} {
		if !strings.HasPrefix(reasons[tc.path], tc.reason) {
			t.Errorf("%s: skip reason %q, want %q", tc.path, reasons[tc.path], tc.reason)
		}
	}
	if len(r.Skipped) != 5 {
		t.Errorf("got %d skips, want 5: %v", len(r.Skipped), r.Skipped)
	}
}

func TestReadRefusesLinkSwappedAfterScan(t *testing.T) {
	top := t.TempDir()
	writeTree(t, top, map[string]string{
		"secret.txt": "Secret\n\nxoxb-secret\n",
		"kb/a.md":    "# A\n\nFine.\n",
	}, nil)
	files, _, err := Scan(filepath.Join(top, "kb"), Options{})
	if err != nil || len(files) != 1 {
		t.Fatalf("Scan: %v, %v", files, err)
	}
	os.Remove(files[0].Abs)
	if err := os.Symlink("../secret.txt", files[0].Abs); err != nil {
		t.Fatal(err)
	}
	arts, skips, err := ReadFiles(context.Background(), files, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 0 || len(skips) != 1 || !strings.Contains(skips[0].Reason, "escapes") {
		t.Errorf("got articles %v, skips %v; want the swapped link refused", arts, skips)
	}
}

func TestScanIgnoreFile(t *testing.T) {
	sphinx := map[string]string{
		"index.html":               "<h1>Docs</h1><p>Start here.</p>",
		"search.html":              "<h1>Search</h1><p>Search the docs.</p>",
		"genindex.html":            "<h1>Index</h1><p>A B C</p>",
		"_sources/index.rst.txt":   "Docs\n====\n\nStart here.\n",
		"_static/notes.txt":        "Static\n\nCopied file.\n",
		"guide/setup.md":           "# Setup\n\nSteps.\n",
		"guide/drafts/wip.md":      "# WIP\n\nNot yet.\n",
		"guide/drafts/ready.md":    "# Ready\n\nDone.\n",
		"guide/old-1.md":           "# Old\n\nOld.\n",
		"guide/_sources/setup.txt": "Setup\n\nSteps.\n",
	}
	for _, tc := range []struct {
		name        string
		ignore      string // "" means no .kbbotignore
		wantFiles   []string
		wantIgnored []string
	}{
		{
			name:        "defaults only",
			wantFiles:   []string{"guide/drafts/ready.md", "guide/drafts/wip.md", "guide/old-1.md", "guide/setup.md", "index.html"},
			wantIgnored: []string{"_sources/", "_static/", "genindex.html", "guide/_sources/", "search.html"},
		},
		{
			name:        "own patterns after the defaults",
			ignore:      "# drafts are not ready\nguide/drafts/\nold-?.md\n",
			wantFiles:   []string{"guide/setup.md", "index.html"},
			wantIgnored: []string{"_sources/", "_static/", "genindex.html", "guide/_sources/", "guide/drafts/", "guide/old-1.md", "search.html"},
		},
		{
			name:        "negation re-includes a default",
			ignore:      "!/_sources/\n!search.html\n",
			wantFiles:   []string{"_sources/index.rst.txt", "guide/drafts/ready.md", "guide/drafts/wip.md", "guide/old-1.md", "guide/setup.md", "index.html", "search.html"},
			wantIgnored: []string{"_static/", "genindex.html", "guide/_sources/"},
		},
		{
			name:        "nothing inside an ignored folder comes back",
			ignore:      "guide/drafts/\n!guide/drafts/ready.md\n",
			wantFiles:   []string{"guide/old-1.md", "guide/setup.md", "index.html"},
			wantIgnored: []string{"_sources/", "_static/", "genindex.html", "guide/_sources/", "guide/drafts/", "search.html"},
		},
		{
			name:        "folder/** leaves the folder open to negation",
			ignore:      "guide/drafts/**\n!guide/drafts/ready.md\n",
			wantFiles:   []string{"guide/drafts/ready.md", "guide/old-1.md", "guide/setup.md", "index.html"},
			wantIgnored: []string{"_sources/", "_static/", "genindex.html", "guide/_sources/", "guide/drafts/wip.md", "search.html"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{}
			for k, v := range sphinx {
				files[k] = v
			}
			if tc.ignore != "" {
				files[IgnoreFile] = tc.ignore
			}
			writeTree(t, dir, files, nil)
			f, err := ScanFolder(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, file := range f.Files {
				got = append(got, file.Path)
			}
			if !reflect.DeepEqual(got, tc.wantFiles) {
				t.Errorf("files %v, want %v", got, tc.wantFiles)
			}
			if !reflect.DeepEqual(f.Ignored, tc.wantIgnored) {
				t.Errorf("ignored %v, want %v", f.Ignored, tc.wantIgnored)
			}
			if len(f.Skipped) != 0 {
				t.Errorf("ignored files reported as skips: %v", f.Skipped)
			}
			if f.HasIgnoreFile != (tc.ignore != "") {
				t.Errorf("HasIgnoreFile %v", f.HasIgnoreFile)
			}
		})
	}
}

func TestScanIgnoreFileProblems(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{IgnoreFile: "ok.md\nbad[.md\n", "ok.md": "# Ok\n\nx\n", "b.md": "# B\n\ny\n"}, nil)
	f, err := ScanFolder(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.IgnoreProblems) != 1 || f.IgnoreProblems[0].Line != 2 {
		t.Errorf("problems %v, want one on line 2 of the file", f.IgnoreProblems)
	}
	if len(f.Files) != 1 || f.Files[0].Path != "b.md" {
		t.Errorf("files %v, want only b.md", f.Files)
	}
}
