package models

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"runtime/debug"
)

// A Registry holds the jobs a [ProcPool] worker process can run, by name.
// Build it once, before calling [Serve], from every job that may be sent to
// a worker. Its zero value is not usable; call [NewRegistry].
type Registry struct {
	handlers map[string]handler
}

// A handler runs one job on a gob-encoded input and returns the gob-encoded
// result.
type handler func(ctx context.Context, input []byte) ([]byte, error)

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{handlers: make(map[string]handler)}
}

// Register adds job to r under job.Name and returns job, so that a case can
// declare and register a job in one statement. It panics when the name is
// empty or already taken, or when job.Run is nil: those are mistakes in the
// program, not in its input.
func Register[In, Out any](r *Registry, job Job[In, Out]) Job[In, Out] {
	if job.Name == "" || job.Run == nil {
		panic("models.Register: a job needs a name and a Run function")
	}
	if _, dup := r.handlers[job.Name]; dup {
		panic(fmt.Sprintf("models.Register: job %q registered twice", job.Name))
	}
	r.handlers[job.Name] = func(ctx context.Context, input []byte) (out []byte, err error) {
		var in In
		if err := gob.NewDecoder(bytes.NewReader(input)).Decode(&in); err != nil {
			return nil, fmt.Errorf("decoding input of job %q: %w", job.Name, err)
		}
		defer func() {
			if p := recover(); p != nil {
				err = &PanicError{Value: p, Stack: debug.Stack()}
			}
		}()
		v, err := job.Run(ctx, in)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(&v); err != nil {
			return nil, fmt.Errorf("encoding result of job %q: %w", job.Name, err)
		}
		return buf.Bytes(), nil
	}
	return job
}
