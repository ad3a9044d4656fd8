// Package prodcons is seed case 3: one producer and several consumers over a
// bounded queue.
//
// The seed runs the same program twice, once with threads over
// queue.Queue(maxsize=10) and once with coroutines over asyncio.Queue: a
// producer puts ten items, sleeping 0.1 s after each, then a sentinel; two
// consumers take items, sleeping 0.2 s on each, until they see the
// sentinel. In Go the two versions are one design, goroutines over a
// [Queue], and the comparison worth making is between queue
// implementations:
//
//   - [ChanQueue] ([Chan]) is a buffered channel; closing it is the
//     sentinel, and one close stops every consumer (the seed has each
//     consumer put the sentinel back for the next one).
//   - [CondQueue] ([Cond]) is a ring buffer guarded by a sync.Mutex with
//     two sync.Cond, the way queue.Queue is built in CPython.
//
// [Run] wires one producer and n consumers to a queue. It runs them as one
// batch under [models.Goroutines] (the counterpart of the seed's
// asyncio.gather(producer, consumer, consumer)), so a failing or panicking
// consumer cancels the others, the producer never stays blocked on a full
// queue, and no goroutine outlives the call.
package prodcons

import (
	"context"
	"errors"
	"fmt"

	"concbench/benchmarks/models"
)

// A Queue is a bounded first-in first-out queue shared by one producer and
// any number of consumers. Implementations are safe for concurrent use.
//
// The producer calls Put for each item and then Close, once; Put after
// Close, or a second Close, is a mistake in the program and panics, as
// sending on or closing a closed channel does.
type Queue[T any] interface {
	// Put appends v, waiting while the queue holds Cap items. When it
	// would wait and ctx is done, it returns ctx's error instead.
	Put(ctx context.Context, v T) error
	// Get removes and returns the oldest item, waiting while the queue is
	// empty and open. After Close it returns the items that remain, then
	// ok == false, to every caller, forever. When it would wait and ctx is
	// done, it returns ctx's error instead.
	Get(ctx context.Context) (v T, ok bool, err error)
	// Close marks the end of the items: the sentinel of the seed.
	Close()
	// Len returns how many items the queue holds now.
	Len() int
	// Cap returns how many items the queue can hold.
	Cap() int
}

// A Kind names a Queue implementation.
type Kind string

// The implementations, as they appear in benchmark names (queue=...).
const (
	Chan Kind = "chan" // a buffered channel: [ChanQueue]
	Cond Kind = "cond" // a ring buffer on sync.Mutex and sync.Cond: [CondQueue]
)

// Kinds lists every implementation.
func Kinds() []Kind { return []Kind{Chan, Cond} }

// New returns an empty queue of kind k that holds up to capacity items.
func New[T any](k Kind, capacity int) (Queue[T], error) {
	if capacity < 1 {
		return nil, fmt.Errorf("prodcons: capacity must be at least 1, got %d", capacity)
	}
	switch k {
	case Chan:
		return NewChan[T](capacity), nil
	case Cond:
		return NewCond[T](capacity), nil
	}
	return nil, fmt.Errorf("prodcons: unknown queue kind %q (want one of %v)", k, Kinds())
}

// Config describes one producer/consumer run.
type Config[T any] struct {
	// Consumers is how many consumers drain the queue. It must be at
	// least 1.
	Consumers int
	// Produce is the producer. It calls put once per item, in order, and
	// returns; Run then closes the queue. put returns an error, which
	// Produce should return, once the run is cancelled.
	Produce func(ctx context.Context, put func(T) error) error
	// Consume handles one item in consumer c, numbered from 0. An error or
	// a panic stops the run and is returned by Run.
	Consume func(ctx context.Context, c int, item T) error
}

// Run runs cfg.Produce and cfg.Consumers consumers over q, which must be
// new (empty and open), until the producer is done and the consumers have
// drained q, or until one of them fails, or ctx is done.
//
// The first error stops the run: the others see their context cancelled,
// a producer waiting on a full queue and consumers waiting on an empty one
// return, and Run returns that error once every goroutine has. A panic in
// Produce or Consume is returned as a [*models.PanicError]. When ctx is
// done first, Run returns an error that wraps ctx's error.
func Run[T any](ctx context.Context, q Queue[T], cfg Config[T]) error {
	if cfg.Consumers < 1 {
		return fmt.Errorf("prodcons: need at least 1 consumer, got %d", cfg.Consumers)
	}
	if cfg.Produce == nil || cfg.Consume == nil {
		return errors.New("prodcons: config needs both Produce and Consume")
	}
	// Role 0 is the producer, role c+1 is consumer c.
	roles := make([]int, cfg.Consumers+1)
	for i := range roles {
		roles[i] = i
	}
	job := models.Job[int, struct{}]{
		Name: "prodcons",
		Run: func(ctx context.Context, role int) (struct{}, error) {
			if role == 0 {
				return struct{}{}, produce(ctx, q, cfg.Produce)
			}
			return struct{}{}, consume(ctx, q, role-1, cfg.Consume)
		},
	}
	_, err := models.Map(ctx, models.Goroutines, job, roles, models.Options{Errors: models.FailFast})
	return err
}

// produce runs the producer and closes q once it has put every item.
func produce[T any](ctx context.Context, q Queue[T], f func(context.Context, func(T) error) error) error {
	put := func(v T) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return q.Put(ctx, v)
	}
	if err := f(ctx, put); err != nil {
		return fmt.Errorf("producer: %w", err)
	}
	q.Close()
	return nil
}

// consume runs consumer c until q is closed and drained.
func consume[T any](ctx context.Context, q Queue[T], c int, f func(context.Context, int, T) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("consumer %d: %w", c, err)
		}
		v, ok, err := q.Get(ctx)
		if err != nil {
			return fmt.Errorf("consumer %d: %w", c, err)
		}
		if !ok {
			return nil
		}
		if err := f(ctx, c, v); err != nil {
			return fmt.Errorf("consumer %d: %w", c, err)
		}
	}
}
