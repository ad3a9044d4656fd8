module concbench/benchmarks

go 1.24.0

require (
	github.com/google/go-cmp v0.7.0
	github.com/mccutchen/go-httpbin/v2 v2.20.0
	go.uber.org/goleak v1.3.0
	golang.org/x/sync v0.18.0
)
