package results

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchunit"
)

// MaxLine is the length of the longest line, in bytes without its newline,
// that a results file may hold: benchfmt reads lines of up to 64 KiB. A
// longer line is skipped with a warning and the lines after it are read.
const MaxLine = bufio.MaxScanTokenSize - 1

// MaxMagnitude bounds the measurements read: a value whose magnitude is
// above it, or below its inverse without being zero, is out of range and
// skipped with a warning, so that no ratio of two values (a speedup, a
// change between toolchains) overflows to infinity.
const MaxMagnitude = 1e100

// valueWarnings is the number of skipped values and results of one file
// listed one by one; the rest are counted in one warning.
const valueWarnings = 10

// problemsInError is the number of warnings the error of an input with no
// usable result quotes.
const problemsInError = 3

// lineLimiter passes its input through but replaces each line longer than
// MaxLine with an empty line, so that benchfmt reads on and the lines after
// it keep their numbers; it records the lines it replaced.
type lineLimiter struct {
	br      *bufio.Reader
	pending []byte
	err     error
	// line counts the lines read so far.
	line int
	// skipping is set while the rest of a long line is being dropped;
	// skipped counts its bytes.
	skipping bool
	skipped  int
	long     []longLine
}

// A longLine is a line that lineLimiter replaced.
type longLine struct{ line, bytes int }

var newline = []byte("\n")

func newLineLimiter(r io.Reader) *lineLimiter {
	return &lineLimiter{br: bufio.NewReaderSize(r, MaxLine+1)}
}

// Read fills p with as many lines as fit, so that benchfmt's scanner
// calls it once per buffer rather than once per line.
func (l *lineLimiter) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(l.pending) == 0 {
			if l.err != nil {
				if n > 0 {
					return n, nil
				}
				return 0, l.err
			}
			l.next()
			continue
		}
		c := copy(p[n:], l.pending)
		l.pending = l.pending[c:]
		n += c
	}
	return n, nil
}

// next reads the next line into pending, or an empty line in place of a
// long one, or sets err.
func (l *lineLimiter) next() {
	for {
		chunk, err := l.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// The buffer holds MaxLine+1 bytes and no newline.
			l.skipping = true
			l.skipped += len(chunk)
			continue
		}
		l.err = err
		ended := len(chunk) > 0 && chunk[len(chunk)-1] == '\n'
		content := len(chunk)
		if ended {
			content--
		}
		if len(chunk) > 0 || l.skipping {
			l.line++
		}
		if l.skipping || content > MaxLine {
			l.long = append(l.long, longLine{line: l.line, bytes: l.skipped + content})
			l.skipping, l.skipped = false, 0
			chunk = nil
			if ended {
				chunk = newline
			}
		}
		l.pending = chunk
		return
	}
}

// warnings returns a syntax warning for each line the limiter replaced.
func (l *lineLimiter) warnings(file string) []Warning {
	ws := make([]Warning, len(l.long))
	for i, ll := range l.long {
		ws[i] = Warning{File: file, Line: ll.line, Kind: "syntax", Msg: fmt.Sprintf("line of %d bytes is longer than the %d a results line may have; line skipped", ll.bytes, MaxLine)}
	}
	return ws
}

// badValue returns why v cannot be used as a measurement, or "" when it
// can: it must be a finite number within MaxMagnitude, positive for a time
// per operation and not negative for bytes, allocations or a byte rate.
func badValue(v benchfmt.Value) string {
	x := v.Value
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return "is not a finite number"
	case math.Abs(x) > MaxMagnitude || (x != 0 && math.Abs(x) < 1/MaxMagnitude):
		return fmt.Sprintf("is out of range (a magnitude of %g to %g, or 0)", 1/MaxMagnitude, MaxMagnitude)
	}
	switch v.Unit {
	case "sec/op":
		if x <= 0 {
			return "is not a positive time"
		}
	case "B/op", "allocs/op", "B/s":
		if x < 0 {
			return "is negative"
		}
	}
	return ""
}

// valueChecker checks the iteration counts and values of one file's
// results, listing the first problems and counting the rest.
type valueChecker struct {
	file     string
	listed   int
	more     int
	warnings []Warning
	// tidy caches the tidied name of each unit met: a file has few units,
	// and benchfmt interns their names, so a scan of a short list beats a
	// map.
	tidy []unitName
}

// maxTidyUnits bounds the units a valueChecker remembers, so that a file
// of thousands of units costs no quadratic time.
const maxTidyUnits = 16

// A unitName is a unit's name and its tidied name.
type unitName struct{ unit, tidied string }

// tidied returns the tidied name of unit, such as sec/op for ns/op.
func (c *valueChecker) tidied(unit string) string {
	for _, u := range c.tidy {
		if u.unit == unit {
			return u.tidied
		}
	}
	_, t := benchunit.Tidy(1, unit)
	if len(c.tidy) < maxTidyUnits {
		c.tidy = append(c.tidy, unitName{unit, t})
	}
	return t
}

// skip records a skipped result or value of rec.
func (c *valueChecker) skip(rec *benchfmt.Result, msg string) {
	if c.listed == valueWarnings {
		c.more++
		return
	}
	c.listed++
	_, line := rec.Pos()
	c.warnings = append(c.warnings, Warning{File: c.file, Line: line, Kind: "value", Msg: fmt.Sprintf("%s: %s", rec.Name, msg)})
}

// iters reports whether rec's iteration count is usable.
func (c *valueChecker) iters(rec *benchfmt.Result) bool {
	if rec.Iters >= 1 {
		return true
	}
	c.skip(rec, fmt.Sprintf("iteration count %d is below 1; result skipped", rec.Iters))
	return false
}

// value returns rec's value v with its tidied unit, and whether it is
// usable. benchfmt tidies a value's unit (ns/op to sec/op) only when that
// changes the value, which 0 and infinities it does not: they keep their
// unit, so a 0 MB/s would be a unit of its own beside the B/s of the other
// lines.
func (c *valueChecker) value(rec *benchfmt.Result, v benchfmt.Value) (benchfmt.Value, bool) {
	if v.OrigUnit == "" {
		if unit := c.tidied(v.Unit); unit != v.Unit {
			v = benchfmt.Value{Value: v.Value, Unit: unit, OrigValue: v.Value, OrigUnit: v.Unit}
		}
	}
	why := badValue(v)
	if why == "" {
		return v, true
	}
	orig, unit := v.OrigValue, v.OrigUnit
	if unit == "" {
		orig, unit = v.Value, v.Unit
	}
	c.skip(rec, fmt.Sprintf("%s value %v %s; value skipped", unit, orig, why))
	return v, false
}

// done returns the file's warnings, with one for the problems not listed.
func (c *valueChecker) done() []Warning {
	if c.more > 0 {
		c.warnings = append(c.warnings, Warning{File: c.file, Kind: "value", Msg: fmt.Sprintf("%d more results or values skipped for bad iteration counts or values (the first %d are listed)", c.more, valueWarnings)})
	}
	return c.warnings
}

// noResults returns the error of inputs that hold no usable result: the
// message names the files and quotes the first warnings that locate a
// line, which say why.
func noResults(names []string, filter string, warnings []Warning) error {
	msg := "no benchmark results in " + strings.Join(names, ", ")
	if filter != "" {
		msg += fmt.Sprintf(" match filter %q", filter)
	}
	var why []string
	n := 0
	for _, w := range warnings {
		if w.Line <= 0 {
			continue
		}
		if n < problemsInError {
			why = append(why, w.String())
		}
		n++
	}
	if n > problemsInError {
		why = append(why, fmt.Sprintf("and %d more", n-problemsInError))
	}
	if len(why) > 0 {
		msg += ": " + strings.Join(why, "; ")
	}
	return errors.New(msg)
}
