// Package pitfalls turns the seed tutorial's list of common pitfalls
// (section 9, 常见陷阱) into executable tests: each test shows the pitfall,
// or what Go does instead, and then the Go remedy, through the shared
// concurrency models of package concbench/benchmarks/models where one
// applies. The package has no code of its own besides this documentation;
// run the tests with
//
//	go test -race -v ./pitfalls
//
// BenchmarkPitfall measures the observable of each of the seed's five
// pitfalls, so that a results file can say whether the seed's warning
// holds in Go: one sub-benchmark per pitfall and variant
// (BenchmarkPitfall/pitfall=NAME/...), each reusing its test's code. An
// operation takes from a microsecond to a few tens of milliseconds, so a
// sample takes about -benchtime. The metrics are given below, beside each
// test:
//
//	go test -run '^$' -bench Pitfall ./pitfalls
//
// Some pitfalls end the process (an unrecovered panic, a deadlock). Their
// tests run a small program in a child process and check its exit status
// and output: the test binary itself, re-executed, for the panic, and
// testdata/deadlock, built without cgo, for the deadlock (the runtime's
// deadlock check does not fire in a binary linked with cgo or built with
// -race, https://github.com/golang/go/issues/20588).
//
// # Globals are not shared across processes
//
// Seed: "多进程下全局变量不共享:每个进程有独立内存,需用 Manager 或 Queue"
// (with multiprocessing, global variables are not shared: every process has
// its own memory; use a Manager or a Queue).
//
// Go: the same holds for the models' process pool, whose workers are
// re-executions of the binary. Goroutines, on the other hand, share the
// process's memory, so in Go the in-process models are the first choice and
// shared state is guarded with sync or sync/atomic. Across processes the
// remedy is the Queue's: send the value back as the task's result and
// combine the results in the parent.
//
// Test: TestGlobalsNotSharedAcrossProcesses. A procpool worker adds to a
// package variable and reports the value it sees; the parent's copy is
// unchanged, while the serial model, in process, changes it.
//
// Benchmark: pitfall=globals/model=serial and model=procpool run the same
// three tasks once per operation. seen-by-parent is the share, from 0 to
// 1, of the tasks' additions to the package variable that the parent's
// copy shows after Map returns: 1 in process, 0 across processes, where
// the seed's warning holds.
//
// # A blocking call in a coroutine blocks the whole event loop
//
// Seed: "协程中调用阻塞函数会阻塞整个事件循环:用 loop.run_in_executor 或
// asyncio.to_thread" (calling a blocking function in a coroutine blocks the
// whole event loop; use loop.run_in_executor or asyncio.to_thread:
// result = await asyncio.to_thread(blocking_io_func, arg)).
//
// Go: there is no event loop to block, and no to_thread to call. A goroutine
// blocked on a channel or on network or pipe I/O is parked and uses no
// thread; a goroutine blocked in a system call keeps its thread, and the
// runtime hands the processor (the right to run Go code, GOMAXPROCS of them)
// to another thread. Even a goroutine that never blocks and never yields,
// a CPU-bound loop, is preempted by the scheduler once it has run for
// 10 ms (noticed within another 10 ms), so at GOMAXPROCS=1 (the GIL's
// counterpart) the other goroutines are delayed by 10 to 20 ms, not for the
// whole computation.
//
// Test: TestBlockingCallInEventLoop. Goroutines blocked on a channel, on a
// pipe read and in a blocking read system call, at GOMAXPROCS 1 and 2, do
// not stop a ping-pong between two other goroutines; at GOMAXPROCS=1,
// beside a CPU-bound goroutine, a 5 ms sleep takes near 20 ms (the median),
// with a bounded worst case.
//
// Benchmark: pitfall=blocking/blocker=syscall and blocker=cpu-bound sleep
// for 5 ms once per operation beside a goroutine blocked in a read system
// call, or computing without ever yielding, for the whole sample.
// max-sleep-ns and p50-sleep-ns are the worst and the median time a sleep
// took; blocker-ns is how long the blocker lasted, the sleep an event loop
// running it would show. The seed's warning would hold if max-sleep-ns
// reached blocker-ns; in Go it stays near 5 ms beside the system call, and
// near the 10 to 20 ms of preemption beside the computation at
// GOMAXPROCS=1 (near 5 ms from GOMAXPROCS=2 on, where the computation has
// a processor of its own). ns/op is the mean sleep.
//
// # Exceptions are swallowed by a thread pool
//
// Seed: "线程池中异常会被吞掉:必须 future.result() 或 as_completed 才会抛出"
// (exceptions in a thread pool are swallowed: they are raised only by
// future.result() or as_completed).
//
// Go: worse in one way, better in another. The go statement discards a
// function's results, so an error returned from a bare go f() is lost
// without a trace; and a panic in a bare goroutine cannot be recovered by
// any other goroutine: it kills the whole process. The remedy is to run
// tasks through something that collects their outcomes: every model
// returns a task's error as a [models.TaskError] and a task's panic as a
// [models.PanicError], for the process pool too.
//
// Test: TestExceptionsSwallowedByPool.
//
// Benchmark: pitfall=swallowed/kind=go-statement and
// model=pool/errors=collect-all run four tasks once per operation, two of
// which return an error (none panics: a bare goroutine's panic would end
// the benchmark's process), each task counting its own failure.
// returned-errors/op is the failures the caller gets back, lost-errors/op
// those it does not: 0 and 2 for the go statement, which has no result to
// give back, 2 and 0 for the pool.
//
// # ProcessPoolExecutor tasks must be picklable
//
// Seed: "ProcessPoolExecutor 任务必须可 pickle:lambda、嵌套函数会报错"
// (ProcessPoolExecutor tasks must be picklable: a lambda or a nested
// function raises an error).
//
// Go: the process pool sends a task's input gob-encoded and the job by
// name, never a function value. An input gob cannot encode (a function, a
// channel, a struct without exported fields), a job without a name, or a
// closure the worker has not registered each fail with an error that says
// so, promptly, instead of a hang.
//
// Test: TestTasksMustBePicklable.
//
// Benchmark: pitfall=picklable/model=procpool/input=func sends a function
// value as a task's input, once per operation: ns/op is the time Map takes
// to return the error (it starts a worker process first), errors/op is 1
// when every call failed. model=procpool/input=exported-struct is the
// remedy, two tasks of a struct with exported fields, for comparison: its
// errors/op is 0.
//
// # One failure in asyncio.gather cancels the others
//
// Seed: "asyncio.gather 中一个失败会取消其他:用 return_exceptions=True
// 收集所有结果" (in asyncio.gather one failure cancels the others; use
// return_exceptions=True to collect every result).
//
// Correction: Python's documentation of asyncio.gather says the opposite:
// "If return_exceptions is False (default), the first raised exception is
// immediately propagated to the task that awaits on gather(). Other
// awaitables in the aws sequence won't be cancelled and will continue to
// run." (https://docs.python.org/3/library/asyncio-task.html#asyncio.gather).
// Cancelling the others is what asyncio.TaskGroup does.
//
// Go: both behaviours exist, and a caller picks one. Fail-fast
// ([models.FailFast], errgroup.WithContext) returns the first error and
// cancels the context of the other tasks, which see context.Canceled: the
// TaskGroup behaviour. Collect-all ([models.CollectAll]) lets every task
// finish and returns every error joined with errors.Join: the
// return_exceptions=True behaviour.
//
// Test: TestGatherOneFailure.
//
// Benchmark: pitfall=gather/model=goroutines/errors=fail-fast and
// errors=collect-all run four tasks once per operation under the
// goroutines model, the counterpart of gather: task 0 fails once the
// others have started, and each of the other three then waits up to 10 ms
// for its context to be cancelled. cancelled/op counts those whose context
// was cancelled, finished/op those that ran to their end: 3 and 0 under
// fail-fast (TaskGroup's behaviour, which the seed ascribes to gather), 0
// and 3 under collect-all (gather(return_exceptions=True); plain gather
// returns the first error and cancels nothing, which no model does). A
// collect-all operation takes the 10 ms wait.
//
// # Go's own pitfalls
//
// The seed lists Python's; these four are Go's.
//
// http.Transport keeps at most 2 idle connections per host by default
// (http.DefaultMaxIdleConnsPerHost). A client that sends N concurrent
// requests to one host in rounds closes N-2 connections after every round
// and dials them again in the next; setting MaxIdleConnsPerHost to N keeps
// them. Test: TestDefaultMaxIdleConnsPerHost.
//
// sync.WaitGroup.Add called inside the goroutine it counts races with
// Wait: when Wait runs first it sees a zero counter and returns before the
// work is done. The remedy is to call Add before the go statement.
// Test: TestWaitGroupAddInsideGoroutine.
//
// A send on an unbuffered channel that nobody receives from blocks
// forever: in the main goroutine, with nothing else to run, the runtime
// stops the process with "fatal error: all goroutines are asleep -
// deadlock!"; in any other goroutine it is a silent leak. The remedy is a
// receiver that always receives, a buffer for the values that may be left
// unread, or a select that also waits for cancellation.
// Test: TestUnreadUnbufferedSend.
//
// A worker pool whose jobs channel is never closed leaves its workers
// blocked in their range loop forever after the last job: a goroutine leak
// that go.uber.org/goleak finds. The remedy is to close the channel when
// the last job is sent, as the models' pool does.
// Test: TestPoolNeverClosesJobs.
package pitfalls
