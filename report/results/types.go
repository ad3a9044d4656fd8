package results

import (
	"fmt"
	"strings"

	"golang.org/x/perf/benchproc"
)

// An InputSummary describes one results file that was read.
type InputSummary struct {
	// File is the name the file was given as.
	File string `json:"file"`
	// Results counts the benchmark result lines read from it, after filtering.
	Results int `json:"results"`
}

// A ConfigEntry is one file configuration key and its distinct values.
type ConfigEntry struct {
	// Key is the configuration key, such as "toolchain".
	Key string `json:"key"`
	// Values lists its distinct values in the order first seen.
	Values []string `json:"values"`
}

// A KeyValue is one configuration key and its value.
type KeyValue struct {
	// Key is the configuration key, such as "machine".
	Key string `json:"key"`
	// Value is its value, such as "vm".
	Value string `json:"value"`
}

// An Env is the split-by configuration keys of a run that have a value,
// such as toolchain=go1.26.8 machine=vm, in the order of the split-by keys.
type Env []KeyValue

// EnvOf returns the fields of a projected key (an observation's Env) that
// have a value.
func EnvOf(key benchproc.Key) Env {
	var env Env
	if key.IsZero() {
		return env
	}
	for _, f := range key.Projection().FlattenedFields() {
		if v := key.Get(f); v != "" {
			env = append(env, KeyValue{Key: f.Name, Value: v})
		}
	}
	return env
}

// String formats e as "key=value key=value".
func (e Env) String() string {
	parts := make([]string, len(e))
	for i, kv := range e {
		parts[i] = kv.Key + "=" + kv.Value
	}
	return strings.Join(parts, " ")
}

// Get returns the value of key in e, or "".
func (e Env) Get(key string) string {
	for _, kv := range e {
		if kv.Key == key {
			return kv.Value
		}
	}
	return ""
}

// Without returns e without key.
func (e Env) Without(key string) Env {
	var out Env
	for _, kv := range e {
		if kv.Key != key {
			out = append(out, kv)
		}
	}
	return out
}

// A Warning is a problem that did not stop the analysis.
type Warning struct {
	// File and Line locate the input the warning is about, when there is one.
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	// Kind classifies the warning: syntax, value, empty, samples, units, baseline,
	// oversubscribed, ncpu, procs, config, unstable (a sample that drifts
	// across the rounds, is noisy or has outliers), load.
	Kind string `json:"kind"`
	// Msg describes the problem.
	Msg string `json:"msg"`
}

// String formats w as "file:line: msg", or "file: msg" or "msg" when it has
// no line or no file.
func (w Warning) String() string {
	switch {
	case w.File != "" && w.Line > 0:
		return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Msg)
	case w.File != "":
		return fmt.Sprintf("%s: %s", w.File, w.Msg)
	}
	return w.Msg
}
