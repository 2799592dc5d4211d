// Command lintreport reads Redocly CLI's JSON report (redocly lint --format=json) on
// standard input, prints each problem, and exits 1 on any error or warning: Redocly
// itself fails only on errors, and a warning kept on purpose belongs in redocly.yaml
// with its reason.
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

type report struct {
	Totals *struct {
		Errors   int `json:"errors"`
		Warnings int `json:"warnings"`
	} `json:"totals"`
	Problems []struct {
		RuleID   string `json:"ruleId"`
		Severity string `json:"severity"`
		Message  string `json:"message"`
		Location []struct {
			Pointer string `json:"pointer"`
			Source  struct {
				Ref string `json:"ref"`
			} `json:"source"`
		} `json:"location"`
	} `json:"problems"`
}

func main() { os.Exit(run()) }

func run() int {
	var r report
	if err := json.NewDecoder(os.Stdin).Decode(&r); err != nil || r.Totals == nil {
		fmt.Fprintf(os.Stderr, "lintreport: not a Redocly JSON report (%v): nothing was checked\n", err)
		return 2
	}
	for _, p := range r.Problems {
		where := ""
		if len(p.Location) > 0 {
			where = p.Location[0].Source.Ref + " " + p.Location[0].Pointer
		}
		fmt.Printf("%s %s: %s (%s)\n", p.Severity, p.RuleID, p.Message, where)
	}
	fmt.Printf("redocly (recommended): %d errors, %d warnings\n", r.Totals.Errors, r.Totals.Warnings)
	if r.Totals.Errors+r.Totals.Warnings > 0 {
		return 1
	}
	return 0
}
