package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// maxNames bounds the search for a free default name: NAME.txt,
// NAME-2.txt, ... NAME-1000.txt.
const maxNames = 1000

// candidate returns the k-th default name for a run that would be called
// name: name itself, then NAME-2.txt, NAME-3.txt, ...
func candidate(name string, k int) string {
	if k == 1 {
		return name
	}
	base, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > strings.LastIndexAny(name, `/\`) {
		base, ext = name[:i], name[i:]
	}
	return fmt.Sprintf("%s-%d%s", base, k, ext)
}

// createPartial creates the .partial file of a run that is to be called
// out, exclusively, so that no two runs ever write one file. Runs started
// in the same second get the same default name: a default name that
// another run holds, finished or running, moves on to the next candidate.
// A name given with -o (chosen) is the user's: when its .partial file
// exists, another run is writing it or an interrupted one left its
// results there, and createPartial fails rather than take it.
func createPartial(out string, chosen bool) (*os.File, error) {
	if chosen {
		f, err := os.OpenFile(out+PartialSuffix, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("results file %s%s exists: another run is writing it, or an interrupted run kept its results there; remove it or give another -o", out, PartialSuffix)
		}
		if err != nil {
			return nil, fmt.Errorf("results file: %w", err)
		}
		return f, nil
	}
	for k := 1; k <= maxNames; k++ {
		name := candidate(out, k)
		if _, err := os.Lstat(name); err == nil {
			continue // a finished run's
		}
		f, err := os.OpenFile(name+PartialSuffix, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue // a running or interrupted run's
		}
		if err != nil {
			return nil, fmt.Errorf("results file: %w", err)
		}
		return f, nil
	}
	return nil, fmt.Errorf("results file: %s and %d more names like it are taken", out, maxNames-1)
}

// finish gives a complete run's .partial file its final name and returns
// it. A chosen name (-o) replaces any older file of that name, as the user
// asked. A default name never replaces another run's file: the name is
// taken with a hard link, which fails if the name exists, and when another
// run finished under it meanwhile, the next free candidate is used.
func finish(partial string, chosen bool) (string, error) {
	out := strings.TrimSuffix(partial, PartialSuffix)
	if chosen {
		if err := os.Rename(partial, out); err != nil {
			return "", fmt.Errorf("results file: %w", err)
		}
		return out, nil
	}
	for k := 1; k <= maxNames; k++ {
		name := candidate(out, k)
		if k > 1 {
			if _, err := os.Lstat(name + PartialSuffix); err == nil {
				continue // held by a running or interrupted run
			}
		}
		err := os.Link(partial, name)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			// A file system without hard links: check, then rename.
			// Between the two another run could take the name, but
			// only one that also lacked a free .partial name.
			if _, serr := os.Lstat(name); serr == nil {
				continue
			}
			if err := os.Rename(partial, name); err != nil {
				return "", fmt.Errorf("results file: %w", err)
			}
			return name, nil
		}
		if err := os.Remove(partial); err != nil {
			return "", fmt.Errorf("results file %s written, but: %w", name, err)
		}
		return name, nil
	}
	return "", fmt.Errorf("results file: %s and %d more names like it are taken; the results are in %s", out, maxNames-1, partial)
}
