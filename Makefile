# concbench: Go benchmarks of concurrency versus parallelism, and their report.
# See README.md. The two commands most people need:
#
#   make report   run the suite (quick profile) and write out/report.html
#   make test     vet and test both modules, and run every benchmark once
#
# Variables (make report PROFILE=full CPU=1,2,4 ...):
#   PROFILE     quick (default), full or seed
#   CPU         GOMAXPROCS list to sweep (default 1,2,4,... up to the CPU count)
#   COUNT       samples per benchmark and core count (default the profile's)
#   BENCH       regexp selecting benchmarks, as go test -bench (default .)
#   KEEP        folder to keep the results file in, for a history of runs
#               (default out/results, which make clean removes)
#   MACHINE     name of this machine in the results (default the host name)
#   TOOLCHAINS  for make compare: GOTOOLCHAIN values, e.g. "go1.26.8 go1.27.3"
#   REPORT      the HTML report to write (default out/report.html)

GO         ?= go
PROFILE    ?= quick
CPU        ?=
COUNT      ?=
BENCH      ?= .
KEEP       ?=
MACHINE    ?=
TOOLCHAINS ?=
REPORT     ?= out/report.html

BIN      := .bin
BENCHRUN := $(BIN)/benchrun
RUNFLAGS  = -profile '$(PROFILE)' -bench '$(BENCH)' \
	$(if $(CPU),-cpu '$(CPU)') $(if $(COUNT),-count '$(COUNT)') \
	$(if $(KEEP),-outdir '$(KEEP)') $(if $(MACHINE),-machine '$(MACHINE)')

.PHONY: help report bench compare test clean $(BENCHRUN)

help:
	@sed -n '2,/^$$/ s/^# \{0,1\}//p' Makefile

# benchrun prints the results file's path on stdout and its progress on
# stderr; the path is handed to benchreport.
report: $(BENCHRUN)
	@results=$$($(BENCHRUN) $(RUNFLAGS)) && \
	$(GO) run ./tools/benchreport -o '$(REPORT)' "$$results" && \
	echo "report: $(REPORT)"

bench: $(BENCHRUN)
	@$(BENCHRUN) $(RUNFLAGS) >/dev/null

compare: $(BENCHRUN)
	@test -n '$(TOOLCHAINS)' || { echo 'usage: make compare TOOLCHAINS="go1.26.8 go1.27.3"' >&2; exit 2; }
	@results=$$($(BENCHRUN) $(RUNFLAGS) -toolchains '$(TOOLCHAINS)') && \
	$(GO) run ./tools/benchreport -o '$(REPORT)' "$$results" && \
	echo "report: $(REPORT)"

# The go command's cache makes this cheap when nothing changed.
$(BENCHRUN):
	@$(GO) build -o $@ ./tools/benchrun

# Every benchmark runs once (-benchtime 1x), so a broken one fails the tests.
test:
	$(GO) vet ./...
	$(GO) test -race ./...
	cd benchmarks && $(GO) vet ./...
	cd benchmarks && $(GO) test -race ./...
	cd benchmarks && CONCBENCH_PROFILE=quick $(GO) test -run '^$$' -bench . -benchtime 1x ./...

clean:
	rm -rf out $(BIN)
