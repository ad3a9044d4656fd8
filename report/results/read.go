package results

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchproc"
)

// DefaultSplitBy returns the configuration keys whose values separate runs
// when ReadOptions.SplitBy is nil: results of different toolchains,
// machines, profiles or platforms are analysed apart, never merged into one
// sample.
func DefaultSplitBy() []string {
	return []string{"toolchain", "machine", "profile", "goos", "goarch", "cpu"}
}

// An Input is one results file to read.
type Input struct {
	// Name names the file in messages and in the report.
	Name string
	// R reads the file's contents.
	R io.Reader
}

// ReadOptions configures [Read]. The zero value reads every result and splits
// runs by [DefaultSplitBy].
type ReadOptions struct {
	// Filter keeps only the results and units matching this expression, in
	// the syntax of benchstat's -filter ("go doc
	// golang.org/x/perf/benchproc/syntax"). Empty keeps everything.
	Filter string
	// SplitBy lists the configuration keys whose values separate runs.
	// Nil means DefaultSplitBy().
	SplitBy []string
	// SeriesKeys lists the name keys that name a case's series in the
	// benchmark names that have no /model key (see [SeriesKey]). Nil means
	// DefaultSeriesKeys(); an empty list names every such series "".
	SeriesKeys []SeriesKey
}

// A SeriesKey is a name key that names a case's series in place of the
// /model key. A case's series are what its charts draw as lines and its
// speedups compare: the concurrency models, for most cases. A benchmark
// name that has no /model key but every one of the series keys belongs
// to the case of its name without those keys, in the series named by
// their values joined with "+", in the order of the keys:
// Aggregate/deploy=single/fanout=serial/clients=64 is the series
// "single+serial" of the case Aggregate/clients=64. A name with a /model
// key keeps it as its series and the series keys in its case, and so does
// a name whose series value would contain a "+" (the name could not be
// told back from the series).
type SeriesKey struct {
	// Key is the name key, such as "deploy".
	Key string
	// Baseline is the key's value in the series that every other series
	// of the case is compared with, such as "single".
	Baseline string
}

// DefaultSeriesKeys returns the series keys used when
// ReadOptions.SeriesKeys is nil: deploy and fanout, the deployment and the
// fan-out of a service under load (benchmarks/aggregate), with the
// baseline single+serial, one process calling its downstream services one
// after another.
func DefaultSeriesKeys() []SeriesKey {
	return []SeriesKey{{Key: "deploy", Baseline: "single"}, {Key: "fanout", Baseline: "serial"}}
}

// A Dataset holds every benchmark result read by [Read], grouped by the
// report's projections, and the warnings met on the way.
type Dataset struct {
	// Inputs summarises each input, in order.
	Inputs []InputSummary
	// Config lists each file configuration key with its distinct values.
	Config []ConfigEntry
	// SplitBy is the list of configuration keys that separate runs.
	SplitBy []string
	// Observations holds one entry per benchmark result line.
	Observations []Observation
	// Units holds the unit metadata lines read (such as better=higher).
	Units benchfmt.UnitMetadataMap
	// Warnings lists the problems met while reading.
	Warnings []Warning
	// SeriesKeys lists the series keys in effect (ReadOptions.SeriesKeys).
	SeriesKeys []SeriesKey

	// keyed holds the cases whose series are named by SeriesKeys.
	keyed map[benchproc.Key]bool

	caseProj, modelProj, procsProj, envProj, configProj *benchproc.Projection
	nameField, paramsField                              *benchproc.Field
}

// CaseName returns the base name of a case (without its Benchmark prefix,
// as benchstat shows it, such as "Factorize") and its other name keys
// (such as "/n=112272535095293", or "").
func (ds *Dataset) CaseName(k benchproc.Key) (name, params string) {
	return k.Get(ds.nameField), strings.TrimPrefix(k.Get(ds.paramsField), "*")
}

// CaseSeries returns the name keys that name the series of the case of
// key k and the name of its baseline series: the SeriesKeys and their
// baselines joined with "+" when the case's series are named by them, or
// nil and "" when they are the values of the /model key.
func (ds *Dataset) CaseSeries(k benchproc.Key) (keys []string, baseline string) {
	if !ds.keyed[k] {
		return nil, ""
	}
	keys = make([]string, len(ds.SeriesKeys))
	base := make([]string, len(ds.SeriesKeys))
	for i, sk := range ds.SeriesKeys {
		keys[i], base[i] = sk.Key, sk.Baseline
	}
	return keys, strings.Join(base, "+")
}

// An Observation is one benchmark result line.
type Observation struct {
	// File and Line locate the result in its input.
	File string
	Line int
	// Case projects the base name and the name keys other than model.
	Case benchproc.Key
	// Model names the result's series in its case: the value of the
	// /model name key, or the values of the series keys joined with "+"
	// ([SeriesKey]); "" when there are neither.
	Model string
	// Procs is the GOMAXPROCS the result ran at.
	Procs int
	// Env projects the split-by configuration keys.
	Env benchproc.Key
	// Config projects every other file configuration key (commit, date,
	// kernel, ...): the values in force when this result was written.
	Config benchproc.Key
	// Values lists the measurements that passed the filter, with tidied
	// units (sec/op rather than ns/op).
	Values []benchfmt.Value
	// Round is the round the result was measured in, from the "round:"
	// configuration line before it ([RoundKey]); 0 when there is none.
	Round int
}

// RoundKey is the configuration key of the round a result was measured in:
// a runner that measures in interleaved rounds writes "round: N" before
// each round's results, so that a trend over the rounds shows a drift of
// the machine during the run.
const RoundKey = "round"

// ConfigValue returns the value of configuration key k for o, looking in
// both the split-by and the other configuration keys; "" if unset.
func (o *Observation) ConfigValue(k string) string {
	if v := Get(o.Env, k); v != "" {
		return v
	}
	return Get(o.Config, k)
}

// Get returns the value of the field named name in a projected key, such as
// an observation's Env or Config; "" when the key has no such field.
func Get(key benchproc.Key, name string) string {
	if key.IsZero() {
		return ""
	}
	for _, f := range key.Projection().FlattenedFields() {
		if f.Name == name {
			return key.Get(f)
		}
	}
	return ""
}

// Read reads every input and groups its results. It returns an error when
// the filter does not parse, an input cannot be read, or no input holds any
// benchmark result, the error then quoting the first problems met; problems
// confined to some lines or files become warnings: syntax errors, lines
// longer than [MaxLine], iteration counts below 1, values that are not
// finite, beyond [MaxMagnitude] or of the wrong sign for their unit (a
// time per operation must be positive), and empty files.
func Read(inputs []Input, opts ReadOptions) (*Dataset, error) {
	if len(inputs) == 0 {
		return nil, errors.New("no input files")
	}
	splitBy := opts.SplitBy
	if splitBy == nil {
		splitBy = DefaultSplitBy()
	}
	expr := opts.Filter
	if expr == "" {
		expr = "*"
	}
	filter, err := benchproc.NewFilter(expr)
	if err != nil {
		return nil, fmt.Errorf("parsing filter: %w", err)
	}
	seriesKeys := opts.SeriesKeys
	if seriesKeys == nil {
		seriesKeys = DefaultSeriesKeys()
	}
	for _, sk := range seriesKeys {
		if sk.Key == "" || sk.Key == "model" || sk.Key == "gomaxprocs" || strings.ContainsAny(sk.Key, "/=+") || sk.Baseline == "" || strings.ContainsAny(sk.Baseline, "/+") {
			return nil, fmt.Errorf("series key %q with baseline %q is not a name key and a value", sk.Key, sk.Baseline)
		}
	}
	ds := &Dataset{SplitBy: append([]string(nil), splitBy...), SeriesKeys: slices.Clone(seriesKeys), keyed: map[benchproc.Key]bool{}}
	var parser benchproc.ProjectionParser
	if ds.caseProj, err = parser.Parse(".name,.fullname", filter); err != nil {
		return nil, fmt.Errorf("parsing case projection: %w", err)
	}
	fields := ds.caseProj.Fields()
	ds.nameField, ds.paramsField = fields[0], fields[1]
	if ds.modelProj, err = parser.Parse("/model", filter); err != nil {
		return nil, fmt.Errorf("parsing model projection: %w", err)
	}
	if ds.procsProj, err = parser.Parse("/gomaxprocs", filter); err != nil {
		return nil, fmt.Errorf("parsing gomaxprocs projection: %w", err)
	}
	envExpr := make([]string, 0, len(splitBy))
	for _, k := range splitBy {
		if k == "" || strings.ContainsAny(k, ",()@/ ") || strings.HasPrefix(k, ".") {
			return nil, fmt.Errorf("split-by key %q is not a configuration key", k)
		}
		envExpr = append(envExpr, k)
	}
	if len(envExpr) > 0 {
		if ds.envProj, err = parser.Parse(strings.Join(envExpr, ","), filter); err != nil {
			return nil, fmt.Errorf("parsing split-by keys: %w", err)
		}
	}
	ds.configProj = parser.Residue()

	cfg := newConfigCollector()
	proj := &projector{
		ds:         ds,
		modelField: ds.modelProj.Fields()[0],
		procsField: ds.procsProj.Fields()[0],
		names:      map[string]nameKeys{},
		cfg:        cfg,
	}
	// Inputs that tell their size (files read into memory do) give the
	// number of observations to expect, so that a large file's hundreds of
	// thousands of them are not copied as the slice grows.
	ds.Observations = make([]Observation, 0, observationsHint(inputs))
	reader := new(benchfmt.Reader)
	for _, in := range inputs {
		limiter := newLineLimiter(in.R)
		reader.Reset(limiter, in.Name)
		// Line numbers start again: no result follows the last one.
		proj.lastLine = -2
		proj.check = valueChecker{file: in.Name}
		summary := InputSummary{File: in.Name}
		lines := 0
		for reader.Scan() {
			switch rec := reader.Result().(type) {
			case *benchfmt.SyntaxError:
				ds.Warnings = append(ds.Warnings, Warning{File: rec.FileName, Line: rec.Line, Kind: "syntax", Msg: rec.Msg})
			case *benchfmt.UnitMetadata:
				// Collected through reader.Units below.
			case *benchfmt.Result:
				lines++
				match, err := filter.Match(rec)
				if err != nil {
					return nil, fmt.Errorf("filtering %s:%d: %w", in.Name, lineOf(rec), err)
				}
				if !match.Any() {
					continue
				}
				obs, ok := proj.observe(rec, &match)
				if !ok {
					continue
				}
				summary.Results++
				ds.Observations = append(ds.Observations, obs)
			}
		}
		if err := reader.Err(); err != nil {
			return nil, fmt.Errorf("reading %s: %w", in.Name, err)
		}
		ds.Warnings = append(ds.Warnings, limiter.warnings(in.Name)...)
		ds.Warnings = append(ds.Warnings, proj.check.done()...)
		switch {
		case lines == 0:
			ds.Warnings = append(ds.Warnings, Warning{File: in.Name, Kind: "empty", Msg: "no benchmark results"})
		case summary.Results == 0:
			ds.Warnings = append(ds.Warnings, Warning{File: in.Name, Kind: "empty", Msg: fmt.Sprintf("none of its %d benchmark results pass the filter", lines)})
		}
		ds.Inputs = append(ds.Inputs, summary)
	}
	ds.Units = reader.Units()
	ds.Config = cfg.entries()
	if len(ds.Observations) == 0 {
		names := make([]string, len(inputs))
		for i, in := range inputs {
			names[i] = in.Name
		}
		return nil, noResults(names, opts.Filter, ds.Warnings)
	}
	return ds, nil
}

func lineOf(r *benchfmt.Result) int {
	_, line := r.Pos()
	return line
}

// projector projects results with the dataset's projections, remembering
// the keys of each benchmark name and of the current configuration: in a
// results file every name repeats -count times and the configuration
// changes only at a config line, so most results need no projection at all.
type projector struct {
	ds                     *Dataset
	modelField, procsField *benchproc.Field
	names                  map[string]nameKeys
	cfg                    *configCollector
	lastConfig             []benchfmt.Config
	env, config            benchproc.Key
	round                  int
	haveConfig             bool
	// lastFile and lastLine locate the last result whose configuration
	// was checked.
	lastFile string
	lastLine int
	// values is the free end of the block the observations' values are
	// stored in.
	values []benchfmt.Value
	// check checks the current file's iteration counts and values.
	check valueChecker
}

// observationsHint estimates the number of result lines in the inputs from
// the size of those that tell it, at resultLineBytes a line; 0 when none
// does.
func observationsHint(inputs []Input) int {
	size := 0
	for _, in := range inputs {
		if l, ok := in.R.(interface{ Len() int }); ok {
			size += l.Len()
		}
	}
	return size / resultLineBytes
}

// resultLineBytes is a little under the length of a recorded result line
// (a benchmark name with its keys, the iterations, and time, rate and
// allocation figures take about 140 bytes). Inputs of shorter lines grow
// the slice beyond the hint.
const resultLineBytes = 128

// valueBlock is the number of values allocated at once for observations.
const valueBlock = 4096

// nameKeys are the projections of one benchmark name.
type nameKeys struct {
	caseKey benchproc.Key
	model   string
	procs   string
}

// nameKeys projects the name of rec. This is the one place where a case's
// series key is chosen: the /model key, else the series keys
// ([SeriesKey]), whose parts are then cut from the name the case is
// projected from.
func (p *projector) nameKeys(rec *benchfmt.Result) nameKeys {
	ds := p.ds
	nk := nameKeys{
		model: ds.modelProj.Project(rec).Get(p.modelField),
		procs: ds.procsProj.Project(rec).Get(p.procsField),
	}
	caseRec := rec
	if nk.model == "" && len(ds.SeriesKeys) > 0 {
		if series, rest, ok := cutSeries(rec.Name, ds.SeriesKeys); ok {
			r := *rec
			r.Name = rest
			caseRec, nk.model = &r, series
		}
	}
	nk.caseKey = ds.caseProj.Project(caseRec)
	if caseRec != rec {
		ds.keyed[nk.caseKey] = true
	}
	return nk
}

// cutSeries returns the series a name's parts of keys name, their values
// joined with "+", and the name without those parts; ok is false unless
// the name has every key once, with a value free of "+".
func cutSeries(name benchfmt.Name, keys []SeriesKey) (series string, rest benchfmt.Name, ok bool) {
	base, parts := name.Parts()
	values := make([]string, len(keys))
	found := 0
	out := append([]byte(nil), base...)
	for _, part := range parts {
		k, v, isKey := bytes.Cut(part, []byte("="))
		i := -1
		if isKey && len(k) > 1 && k[0] == '/' {
			i = slices.IndexFunc(keys, func(sk SeriesKey) bool { return sk.Key == string(k[1:]) })
		}
		if i < 0 {
			out = append(out, part...)
			continue
		}
		if values[i] != "" || len(v) == 0 || bytes.IndexByte(v, '+') >= 0 {
			return "", nil, false
		}
		values[i] = string(v)
		found++
	}
	if found != len(keys) {
		return "", nil, false
	}
	return strings.Join(values, "+"), benchfmt.Name(out), true
}

// sameConfig reports whether r's configuration equals the last one seen.
// A result on the line right after the last one has the same configuration
// without comparing: only a configuration line changes it.
func (p *projector) sameConfig(r *benchfmt.Result) bool {
	file, line := r.Pos()
	follows := p.haveConfig && file == p.lastFile && line == p.lastLine+1
	p.lastFile, p.lastLine = file, line
	if follows {
		return true
	}
	if !p.haveConfig || len(r.Config) != len(p.lastConfig) {
		return false
	}
	for i, c := range r.Config {
		last := p.lastConfig[i]
		if c.Key != last.Key || c.File != last.File || !bytes.Equal(c.Value, last.Value) {
			return false
		}
	}
	return true
}

// observe projects one result; it reports false, with a warning, for a
// result that cannot be used.
func (p *projector) observe(rec *benchfmt.Result, match *benchproc.Match) (Observation, bool) {
	ds := p.ds
	file, line := rec.Pos()
	if !p.check.iters(rec) {
		return Observation{}, false
	}
	nk, ok := p.names[string(rec.Name)]
	if !ok {
		nk = p.nameKeys(rec)
		p.names[string(rec.Name)] = nk
	}
	procs := 1
	if nk.procs != "" {
		n, err := strconv.Atoi(nk.procs)
		if err != nil || n < 1 {
			ds.Warnings = append(ds.Warnings, Warning{File: file, Line: line, Kind: "procs", Msg: fmt.Sprintf("GOMAXPROCS %q is not a positive integer; result skipped", nk.procs)})
			return Observation{}, false
		}
		procs = n
	}
	// The values of every observation share large blocks rather than each
	// having its own small allocation; each observation's slice is capped
	// at its length, so an append to it copies rather than overwriting its
	// neighbour. On 100,000 result lines this saves 100,000 of Read's
	// 321,000 allocations; the time it saves was within the noise of a
	// shared 2-CPU machine (Read 104 against 110 ms, benchreport 0.75
	// against 0.79 s, medians of 8 interleaved rounds, p = 0.57 and 0.07).
	if cap(p.values)-len(p.values) < len(rec.Values) {
		p.values = make([]benchfmt.Value, 0, max(valueBlock, len(rec.Values)))
	}
	start := len(p.values)
	for i, v := range rec.Values {
		if !match.Test(i) {
			continue
		}
		if v, ok := p.check.value(rec, v); ok {
			p.values = append(p.values, v)
		}
	}
	values := p.values[start:len(p.values):len(p.values)]
	if len(values) == 0 {
		return Observation{}, false
	}
	if !p.sameConfig(rec) {
		p.config = ds.configProj.Project(rec)
		if ds.envProj != nil {
			p.env = ds.envProj.Project(rec)
		}
		p.cfg.add(rec)
		p.round = 0
		if r, err := strconv.Atoi(rec.GetConfig(RoundKey)); err == nil && r > 0 {
			p.round = r
		}
		p.lastConfig = p.lastConfig[:0]
		for _, c := range rec.Config {
			p.lastConfig = append(p.lastConfig, benchfmt.Config{Key: c.Key, Value: append([]byte(nil), c.Value...), File: c.File})
		}
		p.haveConfig = true
	}
	return Observation{
		File:   file,
		Line:   line,
		Case:   nk.caseKey,
		Model:  nk.model,
		Procs:  procs,
		Env:    p.env,
		Config: p.config,
		Values: values,
		Round:  p.round,
	}, true
}

// configCollector gathers each configuration key's distinct values in the
// order they were first seen.
type configCollector struct {
	keys   []string
	values map[string][]string
	seen   map[string]map[string]bool
}

func newConfigCollector() *configCollector {
	return &configCollector{values: map[string][]string{}, seen: map[string]map[string]bool{}}
}

func (c *configCollector) add(r *benchfmt.Result) {
	for _, cfg := range r.Config {
		if !cfg.File {
			continue
		}
		seen, ok := c.seen[cfg.Key]
		if !ok {
			seen = map[string]bool{}
			c.seen[cfg.Key] = seen
			c.keys = append(c.keys, cfg.Key)
		}
		if seen[string(cfg.Value)] {
			continue
		}
		v := string(cfg.Value)
		seen[v] = true
		c.values[cfg.Key] = append(c.values[cfg.Key], v)
	}
}

func (c *configCollector) entries() []ConfigEntry {
	out := make([]ConfigEntry, 0, len(c.keys))
	for _, k := range c.keys {
		vals := c.values[k]
		if k == RoundKey && len(vals) > 1 {
			// Every round has its own value; the file's are one range, in
			// the order measured (each sample keeps its own round).
			vals = []string{vals[0] + " to " + vals[len(vals)-1]}
		}
		out = append(out, ConfigEntry{Key: k, Values: vals})
	}
	return out
}
