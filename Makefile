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
#   BASELINE    for make check: the results file to compare against
#   NEW         for make check: the new results file(s)
#   FUZZTIME    for make fuzz: how long each fuzz test runs (default 30s)
#   BUNDLE      for make bundle: the folder to write (default
#               out/bundle-GOOS-GOARCH; GOOS=linux GOARCH=arm64 choose another
#               platform)
#
# Other targets: bench (results only), compare (Go versions), history (a
# report over the runs kept in KEEP), check (the regression gate), bundle
# (the suite built to run where Go is not installed), golden
# (rewrite the golden files after a deliberate change), fuzz, echarts
# (refresh the embedded echarts from the npm registry), clean.

GO         ?= go
PROFILE    ?= quick
CPU        ?=
COUNT      ?=
BENCH      ?= .
KEEP       ?=
MACHINE    ?=
TOOLCHAINS ?=
REPORT     ?= out/report.html
BASELINE   ?=
NEW        ?=
FUZZTIME   ?= 30s
BUNDLE     ?=

BIN      := .bin
BENCHRUN := $(BIN)/benchrun
RUNFLAGS  = -profile '$(PROFILE)' -bench '$(BENCH)' \
	$(if $(CPU),-cpu '$(CPU)') $(if $(COUNT),-count '$(COUNT)') \
	$(if $(KEEP),-outdir '$(KEEP)') $(if $(MACHINE),-machine '$(MACHINE)')

.PHONY: help report bench compare history check bundle test golden fuzz echarts clean $(BENCHRUN)

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

history:
	@test -n '$(KEEP)' || { echo 'usage: make history KEEP=DIR (the folder make report KEEP=DIR filled)' >&2; exit 2; }
	@$(GO) run ./tools/benchreport -history '$(KEEP)' && echo "report: out/history.html"

# Exits non-zero, naming each benchmark that got significantly slower.
check:
	@test -n '$(BASELINE)' -a -n '$(NEW)' || { echo 'usage: make check BASELINE=old.txt NEW=new.txt' >&2; exit 2; }
	@$(GO) run ./tools/benchreport -check '$(BASELINE)' $(NEW)

# The suite's test binaries and a benchrun, for GOOS and GOARCH (default
# this machine's), in one folder: copy it to a machine without Go and run
# BUNDLE/benchrun -bin BUNDLE there.
bundle: $(BENCHRUN)
	@dir='$(BUNDLE)'; test -n "$$dir" || dir="out/bundle-$$($(GO) env GOOS)-$$($(GO) env GOARCH)"; \
	$(BENCHRUN) -build "$$dir" >/dev/null && \
	CGO_ENABLED=0 $(GO) build -trimpath -buildvcs=auto -o "$$dir/benchrun$$($(GO) env GOEXE)" ./tools/benchrun && \
	echo "bundle: $$dir ($$(du -sh "$$dir" | cut -f1)); copy it, then run $$(basename "$$dir")/benchrun -bin $$(basename "$$dir") there"

# The go command's cache makes this cheap when nothing changed. It runs
# here, whatever GOOS and GOARCH say (they choose make bundle's platform).
$(BENCHRUN):
	@GOOS= GOARCH= $(GO) build -o $@ ./tools/benchrun

# Every benchmark runs once (-benchtime 1x), so a broken one fails the tests.
# go mod tidy -diff fails, printing the diff, when either module is not tidy.
test:
	$(GO) mod tidy -diff
	cd benchmarks && $(GO) mod tidy -diff
	$(GO) vet ./...
	$(GO) test -race ./...
	cd benchmarks && $(GO) vet ./...
	cd benchmarks && $(GO) test -race ./...
	cd benchmarks && CONCBENCH_PROFILE=quick $(GO) test -run '^$$' -bench . -benchtime 1x ./...

golden:
	$(GO) test ./report ./report/versions ./report/sweep ./report/answers ./tools/benchreport -update

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzReport -fuzztime $(FUZZTIME) ./report
	cd benchmarks && $(GO) test -run '^$$' -fuzz FuzzFactorize -fuzztime $(FUZZTIME) ./factorize

echarts:
	report/assets/refresh.sh

clean:
	rm -rf out $(BIN)
