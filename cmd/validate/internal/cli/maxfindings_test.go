package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/contract"
)

// cutRecording writes a JSON-lines recording of two Affinity pages: the first with
// items organizations that are each the number 1 (a finding each), the second
// conforming.
func cutRecording(t *testing.T, items int) string {
	t.Helper()
	orgs := strings.TrimSuffix(strings.Repeat("1,", items), ",")
	var b strings.Builder
	fmt.Fprintf(&b, `{"method":"GET","url":"https://api.affinity.co/organizations?term=x","status":200,"response_headers":{"Content-Type":"application/json"},"response_body":{"organizations":[%s],"next_page_token":null}}`+"\n", orgs)
	b.WriteString(`{"method":"GET","url":"https://api.affinity.co/organizations?term=y","status":200,"response_headers":{"Content-Type":"application/json"},"response_body":{"organizations":[],"next_page_token":null}}` + "\n")
	return write(t, filepath.Join(t.TempDir(), "cut.jsonl"), b.String())
}

// An exchange with more findings than --max-findings-per-exchange: every report says
// its findings were cut, with the limit, and the cut fails the run; at the limit
// nothing is cut.
func TestMaxFindingsPerExchangeInEveryReport(t *testing.T) {
	path := cutRecording(t, 4)
	const cut = "too-many-findings"
	// At the limit: four findings, no cut.
	r := cli(t, nil, "--max-findings-per-exchange", "4", path)
	r.has(t, 1, []string{"4× body /organizations/*", "2 exchanges checked: 1 passed, 1 failed"}, nil)
	if strings.Contains(r.stdout, cut) {
		t.Errorf("cut at the limit:\n%s", r.stdout)
	}
	// Past it.
	r = cli(t, nil, "--max-findings-per-exchange", "3", path)
	r.has(t, 1, []string{"3× body /organizations/*", cut + ": expected at most 3 findings in one exchange, found more: the check stopped there; the rest of the exchange was not checked"}, nil)
	var rep JSONReport
	r = cli(t, nil, "--max-findings-per-exchange", "3", "--format", "json", path)
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 4 || rep.Findings[3].Kind != contract.KindTooManyFindings || rep.Summary.Findings != 4 {
		t.Errorf("JSON report: %+v", rep.Findings)
	}
	for format, want := range map[string]string{
		"markdown": cut,
		"github":   "::error",
		"junit":    cut,
		"sarif":    `"ruleId": "` + cut + `"`,
	} {
		r := cli(t, nil, "--max-findings-per-exchange", "3", "--format", format, path)
		r.has(t, 1, []string{want, "at most 3 findings in one exchange"}, nil)
		if format == "github" && !strings.Contains(r.stdout, "::error file=") && !strings.Contains(r.stdout, "::error title=") {
			t.Errorf("no error annotation:\n%s", r.stdout)
		}
	}
	// The flag refuses what is not a count, naming itself.
	cli(t, nil, "--max-findings-per-exchange", "0", path).has(t, 2, nil, []string{"max-findings-per-exchange"})
}

// A baseline never accepts a cut: what lies past it was not checked. The baseline a
// run writes leaves it out, and a run with that baseline still fails on it alone.
func TestBaselineNeverKnowsACut(t *testing.T) {
	path := cutRecording(t, 5)
	base := filepath.Join(t.TempDir(), "baseline.txt")
	r := cli(t, nil, "--max-findings-per-exchange", "3", "--write-baseline", base, path)
	data, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "too-many-findings") || !strings.Contains(string(data), "body") {
		t.Fatalf("baseline:\n%s\nrun:\n%s", data, r.stdout)
	}
	r = cli(t, nil, "--max-findings-per-exchange", "3", "--baseline", base, path)
	r.has(t, 1, []string{"3× body /organizations/*", "(known)", "found more: the check stopped there"}, nil)
	if strings.Contains(r.stdout, "not checked (known)") {
		t.Errorf("the cut is known:\n%s", r.stdout)
	}
	// Raised, the limit lists every finding, all known.
	cli(t, nil, "--max-findings-per-exchange", "5", "--baseline", base, path).has(t, 0, []string{"5× body /organizations/*", "(known)"}, nil)
}

// validate proxy --errors: an answer with more findings than
// --max-findings-per-exchange is refused with the first ones and the cut, last; one at
// the limit with its findings alone; the report at exit has the cut too.
func TestProxyErrorsListTheCut(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		n, _ := strconv.Atoi(r.URL.Query().Get("term"))
		io.WriteString(w, `{"organizations":[`+strings.TrimSuffix(strings.Repeat("1,", n), ",")+`],"next_page_token":null}`)
	}))
	defer upstream.Close()
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--errors", "--max-findings-per-exchange", "3")
	for _, tc := range []struct {
		items int
		kinds string
	}{
		{3, "body body body"},
		{4, "body body body too-many-findings"},
	} {
		resp, body := pxSend(t, newReq(t, http.MethodGet, p.URL+"/organizations?term="+strconv.Itoa(tc.items), nil))
		var refusal struct {
			Findings []contract.Finding `json:"findings"`
		}
		if err := json.Unmarshal(body, &refusal); err != nil || resp.StatusCode != http.StatusBadGateway {
			t.Fatalf("%d items: %d %s", tc.items, resp.StatusCode, body)
		}
		var kinds []string
		for _, f := range refusal.Findings {
			kinds = append(kinds, f.Kind)
		}
		if strings.Join(kinds, " ") != tc.kinds {
			t.Errorf("%d items: kinds %q, want %q", tc.items, kinds, tc.kinds)
		}
	}
	if code := p.stop(); code != 1 {
		t.Errorf("exit %d", code)
	}
}
