package runner

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// isResult reports whether line is a benchmark result line of the Go
// benchmark format: a name beginning with "Benchmark", an iteration count,
// then value-unit pairs.
func isResult(line string) bool {
	f := strings.Fields(line)
	if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
		return false
	}
	_, err := strconv.ParseUint(f[1], 10, 64)
	return err == nil
}

// configLine splits a config line ("key: value", the key starting with a
// lower-case letter and holding no space or upper-case letter).
func configLine(line string) (key, value string, ok bool) {
	key, value, ok = strings.Cut(line, ":")
	if !ok || key == "" {
		return "", "", false
	}
	for i, r := range key {
		if i == 0 && !unicode.IsLower(r) || unicode.IsSpace(r) || unicode.IsUpper(r) {
			return "", "", false
		}
	}
	return key, strings.TrimSpace(value), true
}

// quiet reports whether a non-result line of go test output is routine
// and need not be echoed on standard error.
func quiet(line string) bool {
	if _, _, ok := configLine(line); ok {
		return true
	}
	return line == "" || line == "PASS" || strings.HasPrefix(line, "ok  \t") || strings.HasPrefix(line, "?   \t")
}

// A stream receives go test's standard output: it copies every byte to
// the results file as it comes, counts result lines for the progress
// report, and echoes failures and logs on standard error.
type stream struct {
	file io.Writer
	prog *progress
	// partial holds the unfinished last line. go test prints a
	// benchmark's name before running it and the figures after, so a
	// partial line that starts with "Benchmark" names the running one.
	partial []byte
}

func (s *stream) Write(p []byte) (int, error) {
	if _, err := s.file.Write(p); err != nil {
		return 0, err
	}
	s.partial = append(s.partial, p...)
	for {
		i := bytes.IndexByte(s.partial, '\n')
		if i < 0 {
			break
		}
		s.line(string(s.partial[:i]))
		s.partial = s.partial[i+1:]
	}
	if bytes.HasPrefix(s.partial, []byte("Benchmark")) {
		if f := strings.Fields(string(s.partial)); len(f) > 0 {
			s.prog.startBench(f[0])
		}
	}
	return len(p), nil
}

func (s *stream) line(l string) {
	switch {
	case isResult(l):
		s.prog.result(l)
	case quiet(l):
	default:
		s.prog.passthrough(l)
	}
}

// flush handles an unfinished last line once the command is done.
func (s *stream) flush() {
	if len(s.partial) > 0 {
		s.line(string(s.partial))
		s.partial = nil
	}
}

// lineWriter passes each line written to it to a function; it carries
// go test's standard error to the progress report.
type lineWriter struct {
	fn      func(string)
	partial []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		w.fn(string(w.partial[:i]))
		w.partial = w.partial[i+1:]
	}
	return len(p), nil
}

func (w *lineWriter) flush() {
	if len(w.partial) > 0 {
		w.fn(string(w.partial))
		w.partial = nil
	}
}
