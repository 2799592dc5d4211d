package cli

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/internal/newuser"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/option"
)

// The program "the VPs of engineering at these companies, and what it cost"
// (Example_vpsOfEngineering in package apollo, against its fake) runs unchanged
// against validate mock: 30 people round robin over the mock's organization and 9 that
// search finds, every third a VP, so the ten companies have ten VPs; it spends a
// credit on each, and the mock logs no finding.
func TestTheVPsProgramRunsAgainstValidateMock(t *testing.T) {
	baseURL, stderr := startMock(t, "--api", "apollo", "--orgs", "9", "--people", "30")
	client, err := apollo.NewClient("mock-key", option.WithBaseURL(baseURL), apollo.WithCreditBudget(10))
	if err != nil {
		t.Fatal(err)
	}
	domains := []string{"mock.example"}
	for i := range 9 {
		domains = append(domains, fmt.Sprintf("company%d.example", i))
	}
	var out bytes.Buffer
	if err := newuser.VPsOfEngineering(t.Context(), client, domains, &out); err != nil {
		t.Fatalf("%v, after printing %q", err, out.String())
	}
	if !strings.HasPrefix(out.String(), "Person 0 <person0@mock.example>\nPerson 3 <person3@company2.example>\n") ||
		!strings.HasSuffix(out.String(), "10 VPs of engineering, 10 credits (10 spent by this client in all)\n") {
		t.Errorf("printed %q", out.String())
	}
	if strings.Contains(stderr.String(), "finding") {
		t.Errorf("the mock logged findings:\n%s", stderr.String())
	}
}

// Live against the mock, as the mock's hint says, reaches every Apollo read, free and
// paid (the mock's accounts among them), without a finding.
func TestLiveAgainstTheApolloMockReachesEveryRead(t *testing.T) {
	baseURL, stderr := startMock(t, "--api", "apollo", "--orgs", "5", "--people", "12")
	code, out, errOut := live(t, map[string]string{"APOLLO_API_KEY": "mock-key"}, "--api", "apollo", "--base-url", baseURL,
		"--org-id", mockOrgID, "--spend-credits", "10", "--max-pages", "1")
	if code != 0 || !strings.Contains(out, "13 exchanges checked: 13 passed") || strings.Contains(errOut, "not called") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(stderr.String(), "finding") {
		t.Errorf("the mock logged findings:\n%s", stderr.String())
	}
}
