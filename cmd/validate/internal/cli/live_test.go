package cli

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
)

const liveKey = "live-secret-key-789"

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func live(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := runLive(t.Context(), args, env(vars), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestLiveMissingKeySendsNothing(t *testing.T) {
	fake := affinitytest.NewServer(liveKey, affinitytest.WithTest(t))
	defer fake.Close()
	code, _, stderr := live(t, nil, "--api", "affinity", "--base-url", fake.URL)
	if code != 2 || !strings.Contains(stderr, "AFFINITY_API_KEY") || fake.Hits() != 0 {
		t.Errorf("exit %d, stderr %q, hits %d", code, stderr, fake.Hits())
	}
	code, _, stderr = live(t, nil, "--api", "apollo")
	if code != 2 || !strings.Contains(stderr, "APOLLO_API_KEY") {
		t.Errorf("apollo: exit %d, stderr %q", code, stderr)
	}
}

func TestLiveAffinityRecordsWithoutSecrets(t *testing.T) {
	fake := affinitytest.NewServer(liveKey, affinitytest.WithTest(t))
	defer fake.Close()
	fake.Generate(1200)
	list := fake.GenerateList("Deal Flow", 3, 2)
	fake.GeneratePersons(2)
	rec := filepath.Join(t.TempDir(), "live.har")
	code, out, stderr := live(t, map[string]string{"AFFINITY_API_KEY": liveKey},
		"--api", "affinity", "--base-url", fake.URL, "--max-pages", "2", "--record", rec, "--strict")
	if code != 0 || !strings.Contains(out, "42 exchanges checked: 42 passed, 0 failed") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	reqs := fake.Requests()
	want := []string{"GET /organizations", "GET /organizations", "GET /organizations/1000", "GET /field-values",
		"GET /organizations/fields", "GET /fields", "GET /lists", fmt.Sprintf("GET /lists/%d", list),
		fmt.Sprintf("GET /lists/%d/list-entries", list), fmt.Sprintf("GET /lists/%d/list-entries/*", list), "GET /fields",
		"GET /field-value-changes", "GET /rate-limit", "GET /auth/whoami", "GET /webhook",
		// Persons and notes, v1 then v2.
		"GET /persons", "GET /persons/3000001", "GET /persons/fields", "GET /notes", "GET /notes/*", "GET /v2/persons",
		"GET /v2/persons/3000001", "GET /v2/persons/3000001/list-entries", "GET /v2/persons/3000001/notes", "GET /v2/companies/1000/notes",
		// v2's reads, each id from the answer before.
		"GET /v2/auth/whoami", "GET /v2/companies/fields", "GET /v2/companies", "GET /v2/companies/1000", "GET /v2/companies/1000/lists",
		"GET /v2/companies/1000/list-entries", "GET /v2/duplicates/company-suggestions", "GET /v2/tasks/company-merges/*", "GET /v2/lists", fmt.Sprintf("GET /v2/lists/%d", list), fmt.Sprintf("GET /v2/lists/%d/fields", list),
		fmt.Sprintf("GET /v2/lists/%d/list-entries", list), fmt.Sprintf("GET /v2/lists/%d/list-entries/*", list),
		fmt.Sprintf("GET /v2/lists/%d/list-entries/*", list), fmt.Sprintf("GET /v2/lists/%d/saved-views", list),
		fmt.Sprintf("GET /v2/lists/%d/saved-views/*", list), fmt.Sprintf("GET /v2/lists/%d/saved-views/*", list)}
	for i, r := range reqs {
		got := r.Method + " " + r.Path
		if i >= len(want) || (got != want[i] && !(strings.HasSuffix(want[i], "*") && strings.HasPrefix(got, strings.TrimSuffix(want[i], "*")))) {
			t.Errorf("request %d = %s", i, got)
		}
	}
	data, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{liveKey, base64.StdEncoding.EncodeToString([]byte(":" + liveKey))} {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("recording contains the key as %q", secret)
		}
	}
	if !bytes.Contains(data, []byte(`"value":"REDACTED"`)) {
		t.Error("recording has no redacted Authorization header")
	}
	// Recorded mode reads the recording back and finds it conforms.
	var out2, errOut2 bytes.Buffer
	if code := Run(t.Context(), []string{"--api", "affinity", rec}, nil, &out2, &errOut2); code != 0 ||
		!strings.Contains(out2.String(), "42 exchanges checked: 42 passed") {
		t.Errorf("replaying the recording: exit %d\n%s%s", code, out2.String(), errOut2.String())
	}
}

func TestLiveFaultsAreReportedAndTheRunGoesOn(t *testing.T) {
	cases := map[string][]affinitytest.Fault{
		"429 storm":   {affinitytest.RateLimited("0"), affinitytest.RateLimited("0"), affinitytest.RateLimited("0"), affinitytest.RateLimited("0")},
		"5xx":         {affinitytest.ServerError(500), affinitytest.ServerError(503), affinitytest.ServerError(500), affinitytest.ServerError(503)},
		"cut body":    {affinitytest.CutShort()},
		"not JSON":    {{Status: 200, Body: "<html>maintenance</html>", ContentType: "text/html"}},
		"timeout":     {affinitytest.Slow(3 * time.Second)},
		"status 418":  {{Status: 418}},
		"wrong shape": {{Status: 200, ContentType: "application/json", Body: `{"organizations":"none","next_page_token":null}`}},
	}
	for name, faults := range cases {
		t.Run(name, func(t *testing.T) {
			fake := affinitytest.NewServer(liveKey, affinitytest.WithTest(t))
			defer fake.Close()
			fake.Generate(3)
			fake.Fail(faults...)
			rec := filepath.Join(t.TempDir(), "live.har")
			code, out, stderr := live(t, map[string]string{"AFFINITY_API_KEY": liveKey},
				"--api", "affinity", "--base-url", fake.URL, "--record", rec, "--timeout", "500ms", "--format", "json")
			if code == 0 {
				t.Fatalf("exit 0 despite the fault\n%s%s", out, stderr)
			}
			if !strings.Contains(out, `"kind": "call-failed"`) && !strings.Contains(out, `"kind": "undocumented-status"`) {
				t.Errorf("fault not reported:\n%s", out)
			}
			// The other operations still ran: with no list seeded, v2's lists are the
			// last call.
			last := fake.Requests()[len(fake.Requests())-1]
			if last.Path != "/v2/lists" {
				t.Errorf("last request = %s %s; the run stopped early", last.Method, last.Path)
			}
			// And the recording of what it did get was written and reads back.
			f, err := os.Open(rec)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			n := 0
			for _, err := range contract.ReadHAR(rec, f) {
				if err != nil {
					t.Errorf("recording: %v", err)
				}
				n++
			}
			if n == 0 {
				t.Error("empty recording")
			}
		})
	}
}

func TestLiveBudget(t *testing.T) {
	fake := affinitytest.NewServer(liveKey, affinitytest.WithTest(t))
	defer fake.Close()
	fake.Generate(3)
	code, out, _ := live(t, map[string]string{"AFFINITY_API_KEY": liveKey}, "--api", "affinity", "--base-url", fake.URL, "--budget", "2")
	if code != 2 || !strings.Contains(out, "request budget used up") || fake.Hits() != 2 {
		t.Errorf("exit %d, hits %d\n%s", code, fake.Hits(), out)
	}
}

// By default live spends no credit, proven on the fake's credit counter (which counts
// every page of search, job postings and news, and every company and person revealed):
// it reaches the free reads only, people search and API and credit usage.
func TestLiveApolloSpendsNoCreditByDefault(t *testing.T) {
	const org = "54fca1087369647fc0000000"
	fake := apollotest.NewServer(liveKey, apollotest.WithTest(t))
	defer fake.Close()
	fake.SetResults(1, 30)
	fake.SetJobPostings(org, 150)
	fake.SetNews(org, 3)
	fake.AddAccounts(3)
	fake.AddPeople(apollotest.Person{FirstName: "Zoë", LastName: "Ångström", Title: "VP of Engineering", Email: "zoe@x.example", OrganizationID: org},
		apollotest.Person{FirstName: "José", LastName: "Muñoz", Title: "CTO", Email: "jose@x.example", OrganizationID: org})
	vars := map[string]string{"APOLLO_API_KEY": liveKey}
	code, out, stderr := live(t, vars, "--api", "apollo", "--base-url", fake.URL, "--org-id", org)
	// The free reads: the account stages, a page of accounts and the first account,
	// people search, API and credit usage; and no write (the fake still holds 3).
	if code != 0 || fake.Credits() != 0 || fake.Hits() != 6 || len(fake.SearchBodies()) != 0 || !strings.Contains(stderr, "--spend-credits N") ||
		!strings.Contains(out, "6 exchanges checked: 6 passed") || fake.AccountCount() != 3 {
		t.Errorf("by default: exit %d, %d credits, %d requests, %d searches\n%s%s", code, fake.Credits(), fake.Hits(), len(fake.SearchBodies()), out, stderr)
	}
	// With --spend-credits 10: every paid read once, 8 credits, each answer checked
	// against its operation.
	code, out, stderr = live(t, vars, "--api", "apollo", "--base-url", fake.URL, "--spend-credits", "10", "--max-pages", "1", "--org-id", org,
		"--format", "json")
	if code != 0 || fake.Credits() != 8 || !strings.Contains(out, `"checked": 13`) || !strings.Contains(out, `"passed": 13`) ||
		!strings.Contains(stderr, "8 of --spend-credits 10 credits spent") {
		t.Errorf("--spend-credits 10: exit %d, %d credits\n%s%s", code, fake.Credits(), out, stderr)
	}
	// A smaller budget holds: the reads that would pass it are not sent, and said so.
	code, out, stderr = live(t, vars, "--api", "apollo", "--base-url", fake.URL, "--spend-credits", "3", "--org-id", org)
	if code != 0 || fake.Credits() != 8+3 || !strings.Contains(stderr, "enrichOrganization not called") || !strings.Contains(stderr, "3 of --spend-credits 3 credits spent") {
		t.Errorf("--spend-credits 3: exit %d, %d credits\n%s%s", code, fake.Credits()-8, out, stderr)
	}
	// The request budget still holds as well: two requests allowed, the rest refused and reported.
	code, out, _ = live(t, vars, "--api", "apollo", "--base-url", fake.URL, "--spend-credits", "10", "--budget", "2", "--org-id", org)
	if code != 2 || !strings.Contains(out, "request budget used up") || fake.Credits() != 8+3 {
		t.Errorf("budget 2: exit %d, credits %d\n%s", code, fake.Credits(), out)
	}
	if code, _, _ := live(t, vars, "--api", "apollo", "--base-url", fake.URL, "--spend-credits", "-1"); code != 2 {
		t.Errorf("--spend-credits -1: exit %d", code)
	}
}

func TestLiveCutBodyIsAFindingOfItsOperation(t *testing.T) {
	fake := affinitytest.NewServer(liveKey, affinitytest.WithTest(t))
	defer fake.Close()
	fake.Generate(2)
	fake.Fail(affinitytest.CutShort())
	code, out, _ := live(t, map[string]string{"AFFINITY_API_KEY": liveKey}, "--api", "affinity", "--base-url", fake.URL)
	// The read is retried and succeeds, so no call fails; the cut answer is still a
	// finding of the operation it answered.
	want := []string{
		"searchOrganizations (affinity GET /organizations)\n  live#0 200 body (body): expected a complete body, found body cut short after 40 bytes: unexpected EOF",
		"24 exchanges checked: 23 passed, 1 failed; 0 skipped",
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("report lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "failed calls") {
		t.Errorf("a retried read reported as a failed call:\n%s", out)
	}
	if code != 1 {
		t.Errorf("exit %d, want 1 (findings)", code)
	}
}

func TestLiveEchoedKeyIsInNoOutput(t *testing.T) {
	fake := affinitytest.NewServer(liveKey, affinitytest.WithTest(t))
	defer fake.Close()
	fake.Generate(2)
	// A drifted answer that quotes the key (a finding quotes the value), then a 401
	// that echoes it (a failed call quotes the message).
	fake.Fail(affinitytest.Fault{Status: 200, ContentType: "application/json",
		Body: `{"organizations":[],"next_page_token":{"key":"` + liveKey + `"}}`},
		affinitytest.Fault{Status: 401, ContentType: "text/plain", Body: "key " + liveKey + " is not valid"})
	rec := filepath.Join(t.TempDir(), "live.har")
	for _, format := range []string{"text", "json", "junit"} {
		_, out, stderr := live(t, map[string]string{"AFFINITY_API_KEY": liveKey}, "--api", "affinity", "--base-url", fake.URL,
			"--record", rec, "--format", format)
		recording, err := os.ReadFile(rec)
		if err != nil {
			t.Fatal(err)
		}
		for what, text := range map[string]string{"report": out, "stderr": stderr, "recording": string(recording)} {
			if strings.Contains(text, liveKey) {
				t.Errorf("%s %s shows the key:\n%s", format, what, text)
			}
		}
	}
}

// Every call succeeds, yet an answer drifts from the spec: that is exit 1, not 0.
func TestLiveDriftWithoutFailedCallsIsExitOne(t *testing.T) {
	fake := affinitytest.NewServer(liveKey, affinitytest.WithTest(t))
	defer fake.Close()
	fake.Generate(2)
	fake.Fail(affinitytest.Fault{Status: 200, ContentType: "application/json",
		Body: `{"organizations":[{"id":1000,"name":"Org 1000","domain":null,"domains":[],"global":false,"brand_new_member":1}],"next_page_token":null}`})
	code, out, _ := live(t, map[string]string{"AFFINITY_API_KEY": liveKey}, "--api", "affinity", "--base-url", fake.URL, "--strict")
	if code != 1 || !strings.Contains(out, "undocumented-field /organizations/0/brand_new_member") || strings.Contains(out, "failed calls") {
		t.Errorf("exit %d, want 1 with the drift and no failed call:\n%s", code, out)
	}
}

// --max-pages bounds each listing, which also stops at its last page, and the first
// organization listed (the fake numbers them from 1000) is the one fetched whole.
func TestLiveMaxPages(t *testing.T) {
	for _, c := range []struct {
		orgs, maxPages, searches int
	}{
		{1200, 1, 1}, {1200, 3, 3}, {1200, 5, 3}, {3, 5, 1},
	} {
		fake := affinitytest.NewServer(liveKey, affinitytest.WithTest(t))
		fake.Generate(c.orgs)
		code, out, stderr := live(t, map[string]string{"AFFINITY_API_KEY": liveKey}, "--api", "affinity", "--base-url", fake.URL,
			"--max-pages", fmt.Sprint(c.maxPages), "--budget", "100")
		searches, first := 0, ""
		for _, r := range fake.Requests() {
			switch {
			case r.Path == "/organizations":
				searches++
			case strings.HasPrefix(r.Path, "/organizations/") && first == "":
				first = r.Path
			}
		}
		fake.Close()
		if code != 0 || searches != c.searches || first != "/organizations/1000" {
			t.Errorf("%d organizations, --max-pages %d: exit %d, %d searches (want %d), first fetched %q\n%s%s",
				c.orgs, c.maxPages, code, searches, c.searches, first, out, stderr)
		}
	}
	for _, c := range []struct {
		postings, maxPages, pages int
	}{
		{250, 5, 3}, {250, 2, 2}, {200, 5, 3}, {50, 5, 1},
	} {
		fake := apollotest.NewServer(liveKey, apollotest.WithTest(t))
		fake.SetJobPostings("54fca1087369647fc0000000", c.postings)
		// Credits for the postings' pages only: the other paid reads are refused unsent.
		code, out, _ := live(t, map[string]string{"APOLLO_API_KEY": liveKey}, "--api", "apollo", "--base-url", fake.URL,
			"--org-id", "54fca1087369647fc0000000", "--max-pages", fmt.Sprint(c.maxPages), "--format", "json", "--spend-credits", fmt.Sprint(c.pages))
		hits := fake.Hits() - 5 // the five free reads
		fake.Close()
		// Five more, free: the account stages, one page of the fake's no accounts,
		// people search and the two usage reads.
		if code != 0 || hits != c.pages || !strings.Contains(out, fmt.Sprintf(`"checked": %d`, c.pages+5)) {
			t.Errorf("%d postings, --max-pages %d: exit %d, %d requests, want %d", c.postings, c.maxPages, code, hits, c.pages)
		}
	}
}
