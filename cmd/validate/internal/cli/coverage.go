package cli

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/terminal"
)

// coverageKinds are the kinds --min-coverage takes, in the order reports give them.
var coverageKinds = []string{"operations", "statuses", "parameters", "members"}

// coverageFloor is --min-coverage: the least share of each kind, in percent.
type coverageFloor map[string]float64

func (f *coverageFloor) String() string {
	if f == nil || len(*f) == 0 {
		return ""
	}
	var parts []string
	for _, k := range coverageKinds {
		if v, ok := (*f)[k]; ok {
			parts = append(parts, k+"="+strconv.FormatFloat(v, 'f', -1, 64))
		}
	}
	return strings.Join(parts, ",")
}

// Set reads kind=percent pairs, comma-separated; a later flag adds to an earlier one.
func (f *coverageFloor) Set(v string) error {
	if *f == nil {
		*f = coverageFloor{}
	}
	for _, part := range strings.Split(v, ",") {
		kind, pct, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.ParseFloat(pct, 64)
		switch {
		case !ok || !slices.Contains(coverageKinds, kind):
			return fmt.Errorf("%q: want kind=percent, kind one of %s", part, strings.Join(coverageKinds, ", "))
		case err != nil || n < 0 || n > 100:
			return fmt.Errorf("%q: want a percent from 0 to 100", part)
		}
		(*f)[kind] = n
	}
	return nil
}

// below says, for each API and kind under its floor, by how much.
func (f coverageFloor) below(reports []contract.CoverageReport) []string {
	var out []string
	for _, r := range reports {
		counts := r.Kinds()
		for _, k := range coverageKinds {
			floor, ok := f[k]
			if c := counts[k]; ok && c.Percent() < floor {
				out = append(out, fmt.Sprintf("%s %s %.1f%% (%d of %d) < %s%%", r.API, k, c.Percent(), c.Seen, c.Total, strconv.FormatFloat(floor, 'f', -1, 64)))
			}
		}
	}
	return out
}

// maxMissingShown is how many unexercised items the text table names per kind; the
// JSON report lists them all.
const maxMissingShown = 10

// writeCoverage writes the coverage table of a text report: per API and kind, the
// count and the first of what the traffic missed.
func writeCoverage(w io.Writer, reports []contract.CoverageReport) {
	fmt.Fprintln(w, "\ncoverage")
	if len(reports) == 0 {
		fmt.Fprintln(w, "  no exchange reached a spec")
	}
	for _, r := range reports {
		counts := r.Kinds()
		for _, k := range coverageKinds {
			c := counts[k]
			fmt.Fprintf(w, "  %-8s %-10s %5d of %-5d %5.1f%%\n", r.API, k, c.Seen, c.Total, c.Percent())
			for i, m := range c.Missing {
				if i == maxMissingShown {
					fmt.Fprintf(w, "      ... and %d more not exercised\n", len(c.Missing)-maxMissingShown)
					break
				}
				fmt.Fprintf(w, "      not exercised: %s\n", terminal.Safe(m))
			}
		}
	}
}
