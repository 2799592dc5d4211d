package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/contract"
)

// The mock's finding lines say what the text report says, without the key, and
// escape what a hostile client could send to drive a terminal.
func TestMockFindingLines(t *testing.T) {
	var out bytes.Buffer
	log := findingLogger(&out, "sekret-key-123")
	log(contract.Finding{Source: "affinitytest", Method: "GET", Path: "/organizations", Status: 200, Kind: contract.KindRequest,
		Location: "query", Pointer: "/colour", Expected: "no such parameter", Found: "sekret-key-123\x1b[2J"})
	line := out.String()
	if !strings.HasPrefix(line, "validate mock: finding: GET /organizations: affinitytest#0 200 request query:colour: expected no such parameter") ||
		strings.Contains(line, "sekret-key-123") || strings.Contains(line, "\x1b") || strings.Count(line, "\n") != 1 {
		t.Errorf("line %q", line)
	}
}
