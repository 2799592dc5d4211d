package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkProposePeakRSS is validate propose's peak memory over 100,000 exchanges of
// drift, as a separate process: every answer has a member the spec lacks, with a new
// key (so that nothing but the inference bound holds the members), a member of the
// wrong type and an undocumented status now and then. Target: within the validator's
// bounds (its peak on a file of that size).
func BenchmarkProposePeakRSS(b *testing.B) {
	binary := buildCommand(b)
	file := filepath.Join(b.TempDir(), "drift.jsonl")
	f, err := os.Create(file)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	const n = 100000
	for i := range n {
		status, body := 200, fmt.Sprintf(`{"organizations":[{"id":%d,"name":"Org","domain":%d,"domains":[],"global":false,"extra_%d":{"at":"2025-01-01T00:00:00Z","n":%d}}],"next_page_token":null}`, i+1, i, i, i)
		if i%10 == 0 {
			status, body = 409, `{"errors":[{"message":"conflict"}]}`
		}
		fmt.Fprintf(w, `{"method":"GET","url":"https://api.affinity.co/organizations","status":%d,"response_headers":{"Content-Type":"application/json"},"response_body":%s}`+"\n", status, body)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	for b.Loop() {
		for _, c := range []struct {
			name string
			args []string
		}{
			{"propose", []string{"propose", "--api", "affinity", file}},
			{"check", []string{"--strict", file}},
		} {
			cmd := exec.Command(binary, c.args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			mb, err := peakMB(b, cmd)
			if c.name == "propose" && (err != nil || !strings.Contains(stderr.String(), fmt.Sprintf("%d exchanges of affinity read", n))) {
				b.Fatalf("propose: %v\n%s", err, stderr.String())
			}
			b.ReportMetric(mb, c.name+"-peak-MB")
		}
	}
}
