package answers

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed tutorial.json
var tutorialJSON []byte

// The Seed is the seed tutorial's claims and figures, from tutorial.json.
type Seed struct {
	// SeedInputs gives, per case name, the parameters of the tutorial's
	// own inputs ("/items=5/delay=1s"): its absolute figures are compared
	// only with results at these.
	SeedInputs map[string]string `json:"seedInputs"`
	// Claims lists the claims in the order the report shows them.
	Claims []SeedClaim `json:"claims"`
}

// A SeedClaim is one claim of the tutorial.
type SeedClaim struct {
	// ID names the claim; the code that measures it is chosen by it.
	ID string `json:"id"`
	// Section is the tutorial's section the claim comes from.
	Section string `json:"section"`
	// Claim states it; Tutorial gives its figure as the tutorial does.
	Claim    string `json:"claim"`
	Tutorial string `json:"tutorial"`
	// Figures holds the tutorial's numbers (seconds, bytes, counts) and
	// the tolerance within which a measured figure holds.
	Figures map[string]float64 `json:"figures"`
	// MeasuredBy names the benchmark that measures the claim; Test the
	// test that shows it, if any.
	MeasuredBy string `json:"measuredBy"`
	Test       string `json:"test,omitempty"`
}

// Tutorial returns the seed tutorial's claims, from the embedded data file.
func Tutorial() (*Seed, error) {
	var s Seed
	if err := json.Unmarshal(tutorialJSON, &s); err != nil {
		return nil, fmt.Errorf("reading tutorial.json: %w", err)
	}
	for _, c := range s.Claims {
		if _, ok := evaluators[c.ID]; !ok {
			return nil, fmt.Errorf("tutorial.json: claim %q has no measurement", c.ID)
		}
	}
	return &s, nil
}
