package watch

import (
	"encoding/binary"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
)

// fingerprint summarises a folder cheaply: equal fingerprints mean no
// knowledge file was added, removed, resized or touched. The zero value
// matches no folder.
type fingerprint struct {
	sum   uint64
	files int
	ok    bool
}

// scan walks dir the way the loader does (hidden names left out, symlinks
// to files followed, symlinked folders not) and hashes where dir points,
// and each knowledge file's path, size and modification time. It reads no
// file contents. A missing folder has a fingerprint too, so that its
// appearance is a change.
func scan(dir string, match func(string) bool) (fingerprint, error) {
	h := fnv.New64a()
	var buf [8]byte
	num := func(n int64) {
		binary.LittleEndian.PutUint64(buf[:], uint64(n))
		h.Write(buf[:])
	}
	str := func(s string) {
		num(int64(len(s)))
		h.Write([]byte(s))
	}

	fp := fingerprint{ok: true}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		str("unresolved")
		fp.sum = h.Sum64()
		return fp, err
	}
	// Where a git-sync or ConfigMap symlink points changes on every swap,
	// even when the files' metadata happens to be identical.
	str(real)
	var walkErr error
	filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			// Note it, so that the folder becoming readable again
			// is a change too.
			rel, _ := filepath.Rel(real, p)
			str("error:" + rel)
			if walkErr == nil {
				walkErr = err
			}
			return nil
		}
		if p == real {
			return nil
		}
		name := d.Name()
		if hidden(name) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || temporary(name) || !match(name) {
			return nil
		}
		var info fs.FileInfo
		if d.Type().IsRegular() {
			info, err = d.Info()
		} else {
			// A symlink (as in ConfigMap volumes): what counts is
			// the file it points to.
			info, err = os.Stat(p)
		}
		if err != nil || !info.Mode().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(real, p)
		str(rel)
		num(info.Size())
		num(info.ModTime().UnixNano())
		fp.files++
		return nil
	})
	fp.sum = h.Sum64()
	return fp, walkErr
}
