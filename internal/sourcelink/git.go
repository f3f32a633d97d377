package sourcelink

import (
	"bufio"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Forge is a kind of git host whose web pages show a file at a ref.
type Forge string

const (
	GitHub    Forge = "GitHub"
	GitLab    Forge = "GitLab"
	Bitbucket Forge = "Bitbucket"
	Gitea     Forge = "Gitea" // and Forgejo, Codeberg: the same URLs
)

// Repo is a knowledge folder's place in a git repository on a forge.
type Repo struct {
	Forge  Forge
	Web    string // the repository's web page, e.g. https://github.com/acme/kb
	Ref    string // the checked-out branch, or the commit when HEAD is detached
	Commit bool   // Ref is a commit id
	Prefix string // the knowledge folder's path inside the repository ("" at the root)
}

// String describes the repository for logs.
func (r Repo) String() string {
	s := fmt.Sprintf("%s %s at %s", r.Forge, r.Web, r.Ref)
	if r.Prefix != "" {
		s += ", folder " + r.Prefix
	}
	return s
}

// FileURL is the web page of a knowledge file at the checked-out ref, with
// the heading anchor.
func (r Repo) FileURL(file, anchor string) string {
	p := escapePath(path.Join(r.Prefix, file))
	ref := escapePath(r.Ref)
	var u string
	switch r.Forge {
	case GitHub:
		u = r.Web + "/blob/" + ref + "/" + p
	case GitLab:
		u = r.Web + "/-/blob/" + ref + "/" + p
	case Bitbucket:
		u = r.Web + "/src/" + ref + "/" + p
		if anchor != "" {
			anchor = "markdown-header-" + anchor // Bitbucket's ids for rendered headings
		}
	case Gitea:
		kind := "branch"
		if r.Commit {
			kind = "commit"
		}
		u = r.Web + "/src/" + kind + "/" + ref + "/" + p
	}
	if !isMarkdown(file) {
		anchor = "" // only rendered Markdown has heading ids on a forge
	}
	return u + fragment(anchor)
}

func isMarkdown(file string) bool {
	switch strings.ToLower(path.Ext(file)) {
	case ".md", ".markdown":
		return true
	}
	return false
}

// Git finds the git checkout dir is in (reading .git, HEAD and config
// directly: no git binary needed) and the web address of its remote.
func Git(dir string) (Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Repo{}, err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	root, gitDir, err := findGitDir(abs)
	if err != nil {
		return Repo{}, err
	}
	prefix, err := filepath.Rel(root, abs)
	if err != nil {
		return Repo{}, err
	}
	prefix = filepath.ToSlash(prefix)
	if prefix == "." {
		prefix = ""
	}

	head, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return Repo{}, fmt.Errorf("read HEAD: %w", err)
	}
	commonDir := gitDir
	if c, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil { // a linked worktree
		c := strings.TrimSpace(string(c))
		if !filepath.IsAbs(c) {
			c = filepath.Join(gitDir, c)
		}
		commonDir = c
	}
	cfg, err := readConfig(filepath.Join(commonDir, "config"))
	if err != nil {
		return Repo{}, err
	}

	r := Repo{Prefix: prefix}
	branch := ""
	h := strings.TrimSpace(string(head))
	if ref, ok := strings.CutPrefix(h, "ref:"); ok {
		branch, ok = strings.CutPrefix(strings.TrimSpace(ref), "refs/heads/")
		if !ok || branch == "" {
			return Repo{}, fmt.Errorf("HEAD points at %s, not a branch", ref)
		}
		r.Ref = branch
		if m, ok := strings.CutPrefix(cfg[`branch "`+branch+`".merge`], "refs/heads/"); ok && m != "" {
			r.Ref = m // the remote's name for the branch
		}
	} else if isCommit(h) {
		r.Ref, r.Commit = h, true
	} else {
		return Repo{}, errors.New("HEAD is neither a branch nor a commit")
	}

	remote := cfg[`branch "`+branch+`".remote`]
	if remote == "" || remote == "." {
		remote = "origin"
	}
	raw := cfg[`remote "`+remote+`".url`]
	if raw == "" {
		return Repo{}, fmt.Errorf("no url for remote %q", remote)
	}
	web, forge, err := WebURL(raw)
	if err != nil {
		return Repo{}, err
	}
	r.Web, r.Forge = web, forge
	return r, nil
}

// findGitDir walks up from dir to the checkout's root and its git directory
// (a .git folder, or the folder a .git file names, as in worktrees and
// submodules).
func findGitDir(dir string) (root, gitDir string, err error) {
	for d := dir; ; {
		p := filepath.Join(d, ".git")
		st, err := os.Stat(p)
		if err == nil {
			if st.IsDir() {
				return d, p, nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return "", "", err
			}
			g, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
			if !ok {
				return "", "", fmt.Errorf("%s: not a gitdir file", p)
			}
			g = strings.TrimSpace(g)
			if !filepath.IsAbs(g) {
				g = filepath.Join(d, g)
			}
			return d, g, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", "", errors.New("not in a git checkout")
		}
		d = parent
	}
}

func isCommit(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// readConfig reads the keys of a git config file as `section "sub".key`
// (section and key lowercased), the last value winning. Includes and
// url.insteadOf are not followed: a remote they rewrite just gives no links.
func readConfig(file string) (map[string]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("read git config: %w", err)
	}
	defer f.Close()
	out := map[string]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			end := strings.LastIndexByte(line, ']')
			if end < 0 {
				continue
			}
			name, sub, hasSub := strings.Cut(line[1:end], " ")
			section = strings.ToLower(name)
			if hasSub {
				section += ` "` + strings.Trim(strings.TrimSpace(sub), `"`) + `"`
			}
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		v = strings.TrimSpace(v)
		if i := strings.IndexAny(v, "#;"); i >= 0 && !strings.HasPrefix(v, `"`) {
			v = strings.TrimSpace(v[:i])
		}
		out[section+"."+strings.ToLower(strings.TrimSpace(k))] = strings.Trim(v, `"`)
	}
	return out, sc.Err()
}

// WebURL turns a git remote (https://host/owner/repo.git, git@host:owner/repo.git,
// ssh://git@host:port/owner/repo) into the repository's web address, with any
// credentials dropped, and says which forge serves it.
func WebURL(remote string) (string, Forge, error) {
	remote = strings.TrimSpace(remote)
	scheme, host, p := "https", "", ""
	if i := strings.Index(remote, "://"); i >= 0 {
		u, err := url.Parse(remote)
		if err != nil {
			return "", "", fmt.Errorf("remote %q: %w", redact(remote), err)
		}
		switch u.Scheme {
		case "http", "https":
			scheme, host = u.Scheme, u.Host // keep a web port
		case "ssh", "git", "git+ssh", "ssh+git":
			host = u.Hostname() // an ssh port is not the web port
		default:
			return "", "", fmt.Errorf("remote %s: scheme %s has no web page", redact(remote), u.Scheme)
		}
		p = u.Path
	} else if at, rest, ok := strings.Cut(remote, ":"); ok && !strings.Contains(at, "/") && at != "" {
		// scp-like: [user@]host:path
		host = at
		if i := strings.LastIndexByte(host, '@'); i >= 0 {
			host = host[i+1:]
		}
		p = rest
	} else {
		return "", "", fmt.Errorf("remote %s: a local path has no web page", remote)
	}
	p = strings.TrimSuffix(strings.Trim(p, "/"), ".git")
	if host == "" || strings.Count(p, "/") < 1 {
		return "", "", fmt.Errorf("remote %s: want host/owner/repo", redact(remote))
	}
	forge := forgeOf(host)
	if forge == "" {
		return "", "", fmt.Errorf("remote %s: %s is not a known GitHub, GitLab, Bitbucket or Gitea/Forgejo host", redact(remote), host)
	}
	return scheme + "://" + strings.ToLower(host) + "/" + p, forge, nil
}

func forgeOf(host string) Forge {
	h := strings.ToLower(host)
	if i := strings.LastIndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	switch {
	case h == "github.com" || strings.HasSuffix(h, ".github.com") || strings.Contains(h, "github"):
		return GitHub
	case h == "gitlab.com" || strings.Contains(h, "gitlab"):
		return GitLab
	case h == "bitbucket.org":
		return Bitbucket
	case h == "codeberg.org" || strings.Contains(h, "gitea") || strings.Contains(h, "forgejo"):
		return Gitea
	}
	return ""
}

// redact drops a password or token from a remote before it is shown.
func redact(remote string) string {
	if u, err := url.Parse(remote); err == nil && u.User != nil {
		u.User = nil
		return u.String()
	}
	return remote
}
