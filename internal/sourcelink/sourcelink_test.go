package sourcelink

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kbbot/kbbot/internal/kb"
)

func TestWebURL(t *testing.T) {
	tests := []struct {
		name, remote, web string
		forge             Forge
	}{
		{"github https", "https://github.com/acme/kb.git", "https://github.com/acme/kb", GitHub},
		{"github scp ssh", "git@github.com:acme/kb.git", "https://github.com/acme/kb", GitHub},
		{"github ssh url", "ssh://git@github.com/acme/kb", "https://github.com/acme/kb", GitHub},
		{"token dropped", "https://x-access-token:ghp_secret@github.com/acme/kb.git", "https://github.com/acme/kb", GitHub},
		{"github enterprise", "git@github.acme.internal:docs/kb.git", "https://github.acme.internal/docs/kb", GitHub},
		{"gitlab subgroup", "git@gitlab.com:acme/platform/kb.git", "https://gitlab.com/acme/platform/kb", GitLab},
		{"gitlab ssh port", "ssh://git@gitlab.acme.io:2222/acme/kb.git", "https://gitlab.acme.io/acme/kb", GitLab},
		{"bitbucket", "git@bitbucket.org:acme/kb.git", "https://bitbucket.org/acme/kb", Bitbucket},
		{"codeberg", "https://codeberg.org/acme/kb.git/", "https://codeberg.org/acme/kb", Gitea},
		{"gitea web port kept", "http://gitea.lan:3000/acme/kb.git", "http://gitea.lan:3000/acme/kb", Gitea},
		{"forgejo", "forgejo@forgejo.example.org:acme/kb.git", "https://forgejo.example.org/acme/kb", Gitea},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			web, forge, err := WebURL(tc.remote)
			if err != nil || web != tc.web || forge != tc.forge {
				t.Errorf("WebURL(%q) = %q, %q, %v; want %q, %q", tc.remote, web, forge, err, tc.web, tc.forge)
			}
		})
	}
	for _, remote := range []string{"/srv/git/kb.git", "file:///srv/git/kb.git", "git@example.com:acme/kb.git", "https://dev.azure.com/acme", "../kb"} {
		if web, _, err := WebURL(remote); err == nil {
			t.Errorf("WebURL(%q) = %q; want an error", remote, web)
		}
	}
}

func TestFileURL(t *testing.T) {
	tests := []struct {
		name string
		repo Repo
		file string
		want string
	}{
		{"github", Repo{Forge: GitHub, Web: "https://github.com/a/kb", Ref: "main"}, "ops/tls.md", "https://github.com/a/kb/blob/main/ops/tls.md#renewal"},
		{"github folder and branch with slash", Repo{Forge: GitHub, Web: "https://github.com/a/kb", Ref: "release/v2", Prefix: "docs/kb"}, "a b.md", "https://github.com/a/kb/blob/release/v2/docs/kb/a%20b.md#renewal"},
		{"gitlab", Repo{Forge: GitLab, Web: "https://gitlab.com/a/kb", Ref: "main"}, "tls.md", "https://gitlab.com/a/kb/-/blob/main/tls.md#renewal"},
		{"bitbucket", Repo{Forge: Bitbucket, Web: "https://bitbucket.org/a/kb", Ref: "main"}, "tls.md", "https://bitbucket.org/a/kb/src/main/tls.md#markdown-header-renewal"},
		{"gitea branch", Repo{Forge: Gitea, Web: "https://codeberg.org/a/kb", Ref: "main"}, "tls.md", "https://codeberg.org/a/kb/src/branch/main/tls.md#renewal"},
		{"gitea commit", Repo{Forge: Gitea, Web: "https://codeberg.org/a/kb", Ref: "0123456789abcdef0123456789abcdef01234567", Commit: true}, "tls.md", "https://codeberg.org/a/kb/src/commit/0123456789abcdef0123456789abcdef01234567/tls.md#renewal"},
		{"text file has no anchors", Repo{Forge: GitHub, Web: "https://github.com/a/kb", Ref: "main"}, "notes.txt", "https://github.com/a/kb/blob/main/notes.txt"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.repo.FileURL(tc.file, "renewal"); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// writeRepo makes a checkout with only what Git reads: .git/HEAD and .git/config.
func writeRepo(t *testing.T, head, config string) string {
	t.Helper()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "docs", "kb"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"HEAD": head, "config": config} {
		if err := os.WriteFile(filepath.Join(root, ".git", name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestGit(t *testing.T) {
	config := "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = git@github.com:acme/handbook.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n" +
		"[remote \"upstream\"]\n\turl = https://gitlab.com/acme/handbook.git\n[branch \"local\"]\n\tremote = upstream\n\tmerge = refs/heads/trunk\n"

	root := writeRepo(t, "ref: refs/heads/main\n", config)
	r, err := Git(filepath.Join(root, "docs", "kb"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.FileURL("tls.md", "renew"), "https://github.com/acme/handbook/blob/main/docs/kb/tls.md#renew"; got != want {
		t.Errorf("branch main: got %s, want %s", got, want)
	}

	root = writeRepo(t, "ref: refs/heads/local\n", config)
	r, err = Git(root)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.FileURL("tls.md", ""), "https://gitlab.com/acme/handbook/-/blob/trunk/tls.md"; got != want {
		t.Errorf("tracking branch: got %s, want %s", got, want)
	}

	sha := "0123456789abcdef0123456789abcdef01234567"
	root = writeRepo(t, sha+"\n", config)
	r, err = Git(root)
	if err != nil || r.Ref != sha || !r.Commit {
		t.Errorf("detached HEAD: got %+v, %v; want ref %s", r, err, sha)
	}

	// A linked worktree: .git is a file naming the git dir, whose commondir holds the config.
	main := writeRepo(t, "ref: refs/heads/main\n", config)
	wt := filepath.Join(main, ".git", "worktrees", "kb")
	if err := os.MkdirAll(wt, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(wt, "HEAD"), []byte("ref: refs/heads/review\n"), 0o644)
	os.WriteFile(filepath.Join(wt, "commondir"), []byte("../..\n"), 0o644)
	checkout := t.TempDir()
	os.WriteFile(filepath.Join(checkout, ".git"), []byte("gitdir: "+wt+"\n"), 0o644)
	r, err = Git(checkout)
	if err != nil || r.Ref != "review" || r.Web != "https://github.com/acme/handbook" {
		t.Errorf("worktree: got %+v, %v", r, err)
	}

	if _, err := Git(t.TempDir()); err == nil {
		t.Error("a folder outside any checkout: want an error")
	}
	root = writeRepo(t, "ref: refs/heads/main\n", "[remote \"origin\"]\n\turl = /srv/git/kb.git\n")
	if _, err := Git(root); err == nil {
		t.Error("a local remote: want an error")
	}
}

func TestLinkerOrder(t *testing.T) {
	repo := writeRepo(t, "ref: refs/heads/main\n", "[remote \"origin\"]\n\turl = https://github.com/acme/kb.git\n")
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"base url prefix", Options{BaseURL: "https://wiki.example.com/kb/", Dir: repo}, "https://wiki.example.com/kb/ops/tls%20certs.md#renewal"},
		{"base url template", Options{BaseURL: "https://wiki.example.com/view?p={path}#{anchor}"}, "https://wiki.example.com/view?p=ops/tls%20certs.md#renewal"},
		{"git checkout", Options{Dir: repo, PublicURL: "https://kbbot.example.com"}, "https://github.com/acme/kb/blob/main/ops/tls%20certs.md#renewal"},
		{"own pages", Options{Dir: t.TempDir(), PublicURL: "https://kbbot.example.com/"}, "https://kbbot.example.com/articles/ops/tls%20certs.md#renewal"},
		{"none", Options{Dir: t.TempDir()}, ""},
		{"relative base url is not a link", Options{BaseURL: "kb/"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := New(tc.o)
			if got := l.URL("ops/tls certs.md", "renewal"); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if l.Clickable() != (tc.want != "") {
				t.Errorf("Clickable() = %v with source %q", l.Clickable(), l.Source())
			}
		})
	}
	if got := expand("https://w/{path}#{anchor}", "a.md", ""); got != "https://w/a.md" {
		t.Errorf("template without anchor: got %s", got)
	}
}

func TestAnswer(t *testing.T) {
	l := New(Options{PublicURL: "https://kbbot.example.com"})
	a := kb.Answer{Results: []kb.Result{
		{Path: "tls certs.md", URL: "tls%20certs.md#renewal"},
		{Path: "front.md", URL: "https://wiki.example.com/front"},
		{Path: "rel.md", URL: "/wiki/rel"}, // a front-matter url that cannot open in Slack
	}}
	got := l.Answer(a)
	want := []string{"https://kbbot.example.com/articles/tls%20certs.md#renewal", "https://wiki.example.com/front", "https://kbbot.example.com/articles/rel.md"}
	for i, w := range want {
		if got.Results[i].URL != w {
			t.Errorf("result %d: got %q, want %q", i, got.Results[i].URL, w)
		}
	}
	if a.Results[0].URL != "tls%20certs.md#renewal" {
		t.Error("Answer changed its argument's results")
	}
	none := New(Options{}).Answer(a)
	for i, r := range none.Results {
		if i != 1 && r.URL != "" {
			t.Errorf("no link source: result %d keeps %q", i, r.URL)
		}
	}
}
