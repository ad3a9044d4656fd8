package report_test

import (
	"fmt"
	"strings"

	"concbench/report"
	"concbench/report/results"
)

// Example runs the whole pipeline on a small results file: read, analyse,
// and print each model's speedup against the serial model at one core.
func Example() {
	input := `goos: linux
ncpu: 2
BenchmarkSum/model=serial 100 1000 ns/op
BenchmarkSum/model=serial 100 1010 ns/op
BenchmarkSum/model=pool-2 200 520 ns/op
BenchmarkSum/model=pool-2 200 500 ns/op
`
	ds, err := results.Read([]results.Input{{Name: "sum.txt", R: strings.NewReader(input)}}, results.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := report.Analyze(ds, report.AnalyzeOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range rep.Runs[0].Cases {
		t := c.Unit("sec/op")
		for _, m := range t.Models {
			for _, p := range m.Points {
				fmt.Printf("%s %s@%d: %.2fx vs serial@1, efficiency %.0f%%\n", c.Name, m.Model, p.Procs, p.VsBaseline.Value, *p.Efficiency*100)
			}
		}
	}
	for _, w := range rep.Warnings {
		fmt.Println("warning:", w)
	}
	// Output:
	// Sum serial@1: 1.00x vs serial@1, efficiency 100%
	// Sum pool@2: 1.97x vs serial@1, efficiency 99%
	// warning: sum.txt:3: Sum/model=serial: only 2 sample(s); need >= 6 for a 95% interval (run with -count 6 or more)
	// warning: sum.txt:5: Sum/model=pool-2: only 2 sample(s); need >= 6 for a 95% interval (run with -count 6 or more)
}
