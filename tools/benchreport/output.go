package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// An output is one of the files a report is written to.
type output struct {
	path  string
	write func(io.Writer) error
}

// temps tracks the temporary files of the outputs being written, so that
// an interrupting signal can remove them (see removeTempsOnSignal).
var temps tempSet

// tempSet is a set of temporary files. Its lock is held while the outputs
// are put in place, so that a signal handler removing the files waits for
// a set of outputs to be whole, old or new.
type tempSet struct {
	mu    sync.Mutex
	names map[string]bool
}

// create creates a temporary file in dir, as os.CreateTemp, and adds it to
// the set under the set's lock: a file is never created once a signal
// handler has removed the set's files (it keeps the lock), nor between its
// creation and its joining the set.
func (s *tempSet) create(dir, pattern string) (*os.File, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	if s.names == nil {
		s.names = map[string]bool{}
	}
	s.names[f.Name()] = true
	return f, nil
}

// remove removes the file name and forgets it.
func (s *tempSet) remove(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removeLocked(name)
}

func (s *tempSet) removeLocked(name string) {
	os.Remove(name)
	delete(s.names, name)
}

// removeAll removes every file of the set and keeps the lock held, so that
// no output is put in place afterwards: the caller is about to exit.
func (s *tempSet) removeAll() {
	s.mu.Lock()
	for name := range s.names {
		s.removeLocked(name)
	}
}

// tempPrefix is the start of the names of path's temporary files, which
// go on with the writing process's ID, a random number and ".tmp".
func tempPrefix(path string) string {
	return "." + filepath.Base(path) + "."
}

// removeLeftovers removes the temporary files of path that a process that
// no longer runs (a killed benchreport) left in path's folder.
func removeLeftovers(path string) {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := tempPrefix(path)
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !strings.HasSuffix(rest, ".tmp") || !e.Type().IsRegular() {
			continue
		}
		pidText, _, ok := strings.Cut(rest, ".")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid == os.Getpid() || processRuns(pid) {
			continue
		}
		os.Remove(filepath.Join(dir, e.Name()))
	}
}

// writeOutputs writes every output, all or none: each is rendered into a
// temporary file beside its final name, all at once; only when all are
// complete are they renamed into place, and when one of the renames fails
// the files already renamed get their previous versions back. No temporary
// file is left behind on any return.
func writeOutputs(outputs []output) error {
	for _, o := range outputs {
		removeLeftovers(o.path)
		if fi, err := os.Lstat(o.path); err == nil && !fi.Mode().IsRegular() {
			return fmt.Errorf("writing %s: it exists and is not a regular file", o.path)
		}
	}
	names := make([]string, len(outputs))
	errs := make([]error, len(outputs))
	var wg sync.WaitGroup
	for i, o := range outputs {
		wg.Go(func() { names[i], errs[i] = writeTemp(o.path, o.write) })
	}
	wg.Wait()
	defer func() {
		for _, n := range names {
			if n != "" {
				temps.remove(n)
			}
		}
	}()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return commit(outputs, names)
}

// commit renames each temporary file to its output's path, under the
// lock of the temporary files. The outputs that exist are first renamed
// aside, so that when a rename fails every output gets its previous
// version back.
func commit(outputs []output, names []string) error {
	temps.mu.Lock()
	defer temps.mu.Unlock()
	olds := make([]string, len(outputs))
	replaced := make([]bool, len(outputs))
	undo := func() {
		for i, o := range outputs {
			switch {
			case olds[i] != "":
				os.Rename(olds[i], o.path)
				delete(temps.names, olds[i])
			case replaced[i]:
				os.Remove(o.path)
			}
		}
	}
	for i, o := range outputs {
		if _, err := os.Lstat(o.path); err != nil {
			continue
		}
		old := names[i] + ".old.tmp"
		if err := os.Rename(o.path, old); err != nil {
			undo()
			return fmt.Errorf("writing %s: %w", o.path, err)
		}
		olds[i] = old
		temps.names[old] = true
	}
	for i, o := range outputs {
		if err := os.Rename(names[i], o.path); err != nil {
			undo()
			return fmt.Errorf("writing %s: %w", o.path, err)
		}
		replaced[i] = true
		delete(temps.names, names[i])
		names[i] = ""
	}
	for _, old := range olds {
		if old != "" {
			temps.removeLocked(old)
		}
	}
	return nil
}

// writeTemp renders an output into a new temporary file beside path and
// returns the temporary file's name; on an error it removes the file.
func writeTemp(path string, write func(io.Writer) error) (name string, err error) {
	f, err := temps.create(filepath.Dir(path), tempPrefix(path)+strconv.Itoa(os.Getpid())+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			temps.remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 256<<10)
	if err := write(bw); err != nil {
		return "", fmt.Errorf("rendering %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil {
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Name(), nil
}
