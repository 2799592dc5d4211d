package cli

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/specs"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
)

// Each bound of live's and mock's numeric flags: the value at the bound passes the
// flag checks (and stops later, at the missing key or a bad --key), the value past it
// is refused by name.
func TestFlagBounds(t *testing.T) {
	const passed = "AFFINITY_API_KEY is not set"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--max-pages", "1"}, passed},
		{[]string{"--max-pages", "100"}, passed},
		{[]string{"--max-pages", "0"}, "--max-pages 0: want 1 to 100"},
		{[]string{"--max-pages", "101"}, "--max-pages 101: want 1 to 100"},
		{[]string{"--budget", "1"}, passed},
		{[]string{"--budget", "10000"}, passed},
		{[]string{"--budget", "0"}, "--budget 0: want 1 to 10000"},
		{[]string{"--budget", "10001"}, "--budget 10001: want 1 to 10000"},
		{[]string{"--timeout", "1ns"}, passed},
		{[]string{"--timeout", "0s"}, "--timeout 0s: want a positive duration"},
		{[]string{"--format", "sarif"}, passed},
		{[]string{"--format", "junit"}, passed},
		{[]string{"--format", "json"}, passed},
		{[]string{"--format", "markdown"}, passed},
		{[]string{"--format", "github"}, passed},
		{[]string{"--format", "xml"}, `--format "xml": want text, json, junit, sarif, markdown, github`},
	} {
		code, _, stderr := live(t, nil, append([]string{"--api", "affinity"}, c.args...)...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("live %v: exit %d, stderr %q, want it to say %q", c.args, code, stderr, c.want)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--orgs", "-1"}, "--orgs -1: want 0 to 100000"},
		{[]string{"--orgs", "100001"}, "--orgs 100001: want 0 to 100000"},
		{[]string{"--orgs", "0", "--key", " "}, "--key is empty"},
		{[]string{"--orgs", "100000", "--key", ""}, "--key is empty"},
		{[]string{"--faults", "429,teapot"}, `unknown fault "teapot"`},
		{[]string{"--addr", "256.0.0.1:0"}, "validate mock: "},
	} {
		var stderr strings.Builder
		code := runMock(t.Context(), append([]string{"--api", "affinity"}, c.args...), io.Discard, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("mock %v: exit %d, stderr %q, want it to say %q", c.args, code, stderr.String(), c.want)
		}
	}
}

func TestParseFaults(t *testing.T) {
	for list, n := range map[string]int{"": 0, " , ": 0, "429": 1, "500,502,503,504": 4, "cut, slow ,malformed": 3} {
		faults, err := parseFaults(list)
		if err != nil || len(faults) != n {
			t.Errorf("parseFaults(%q) = %d faults, %v; want %d", list, len(faults), err, n)
		}
	}
	if _, err := parseFaults("501"); err == nil || !strings.Contains(err.Error(), `"501"`) {
		t.Errorf("parseFaults(501) = %v, want an error naming it", err)
	}
}

// The mock serves until its context ends: it prints a base URL and key that the fake
// accepts, answers its first request with the fault asked for, and exits 0.
func TestMockServesUntilCancelled(t *testing.T) {
	for _, c := range []struct {
		api, path, env string
	}{
		{"affinity", "/organizations", "AFFINITY_API_KEY"},
		{"apollo", "/organizations/" + mockOrgID + "/job_postings", "APOLLO_API_KEY"}, // the base URL holds /api/v1,
	} {
		ctx, cancel := context.WithCancel(t.Context())
		out, w := io.Pipe()
		var code int
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			code = runMock(ctx, []string{"--api", c.api, "--key", "mock-key-123456", "--orgs", "3", "--faults", "503"}, w, io.Discard)
			w.Close()
		}()
		var text strings.Builder
		buf := make([]byte, 4096)
		for !strings.Contains(text.String(), "try: ") {
			n, err := out.Read(buf)
			if err != nil {
				t.Fatalf("%s: mock ended before printing its address: %v, %q", c.api, err, text.String())
			}
			text.Write(buf[:n])
		}
		go io.Copy(io.Discard, out)
		printed := text.String()
		baseURL := between(printed, "base URL: ", "\n")
		if !strings.Contains(printed, "key: mock-key-123456\n") || !strings.Contains(printed, c.env+"=mock-key-123456 validate live --api "+c.api) {
			t.Errorf("%s: mock printed %q", c.api, printed)
		}
		statuses := []int{}
		for range 2 {
			req, _ := http.NewRequest(http.MethodGet, baseURL+c.path, nil)
			if c.api == "affinity" {
				req.SetBasicAuth("", "mock-key-123456")
			} else {
				req.Header.Set("X-Api-Key", "mock-key-123456")
			}
			resp, err := (&http.Client{}).Do(req)
			if err != nil {
				t.Fatalf("%s: %v", c.api, err)
			}
			resp.Body.Close()
			statuses = append(statuses, resp.StatusCode)
		}
		if statuses[0] != 503 || statuses[1] != 200 {
			t.Errorf("%s: statuses %v, want the fault then an answer", c.api, statuses)
		}
		cancel()
		wg.Wait()
		if code != 0 {
			t.Errorf("%s: mock exited %d after its context ended", c.api, code)
		}
	}
}

func between(s, from, to string) string {
	_, after, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(after, to)
	return v
}

func TestPaceWait(t *testing.T) {
	for _, c := range []struct {
		w    apicall.Window
		want time.Duration
	}{
		{apicall.Window{}, 0}, // the API said nothing
		{apicall.Window{Known: true, Unlimited: true, Limit: 10}, 0},
		{apicall.Window{Known: true, Remaining: 1, Limit: 10, Reset: time.Minute}, 0},
		{apicall.Window{Known: true, Remaining: 0, Limit: 0, Reset: time.Minute}, 0}, // no limit stated
		{apicall.Window{Known: true, Remaining: 0, Limit: 10, Reset: 3 * time.Second}, 3 * time.Second},
		{apicall.Window{Known: true, Remaining: 0, Limit: 10}, time.Second},
		{apicall.Window{Known: true, Remaining: 0, Limit: 10, Reset: -time.Second}, time.Second},
	} {
		if got := paceWait(c.w); got != c.want {
			t.Errorf("paceWait(%+v) = %s, want %s", c.w, got, c.want)
		}
	}
}

func TestEmptyHintOnlyForApolloWithNothingToCall(t *testing.T) {
	for _, c := range []struct {
		cfg  liveConfig
		hint bool
	}{
		{liveConfig{api: specs.Apollo}, true},
		{liveConfig{api: specs.Apollo, spendCredits: 1}, false},
		{liveConfig{api: specs.Affinity}, false},
	} {
		s := &liveSession{cfg: c.cfg}
		if got := s.emptyHint() != ""; got != c.hint {
			t.Errorf("%+v: hint %q", c.cfg, s.emptyHint())
		}
	}
	// Apollo's free reads (accounts, people, usage) are always made, so a run without
	// --spend-credits is green, saying what it left out (with --allow-empty too).
	fake := apollotest.NewServer(liveKey, apollotest.WithTest(t))
	defer fake.Close()
	code, _, stderr := live(t, map[string]string{"APOLLO_API_KEY": liveKey}, "--api", "apollo", "--base-url", fake.URL, "--allow-empty")
	if code != 0 || fake.Hits() != 5 || fake.Credits() != 0 || !strings.Contains(stderr, "pass --spend-credits N") {
		t.Errorf("--allow-empty: exit %d, %d requests, %d credits, stderr %q", code, fake.Hits(), fake.Credits(), stderr)
	}
}

func TestLiveRecordThatCannotBeWrittenIsExitTwo(t *testing.T) {
	fake := affinitytest.NewServer(liveKey, affinitytest.WithTest(t))
	defer fake.Close()
	rec := filepath.Join(t.TempDir(), "no-such-dir", "out.har")
	code, _, stderr := live(t, map[string]string{"AFFINITY_API_KEY": liveKey}, "--api", "affinity", "--base-url", fake.URL, "--record", rec)
	if code != 2 || !strings.Contains(stderr, "--record: ") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// The check command's own bounds, each refused by name before anything is read.
func TestCheckFlagBounds(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"--workers", "1"}, 1, ""},
		{[]string{"--workers", "256"}, 1, ""},
		{[]string{"--workers", "257"}, 2, "--workers 257: want 1 to 256"},
		{[]string{"--workers", "-1"}, 2, "--workers -1: want 1 to 256"},
		{[]string{"--format", "xml"}, 2, `--format "xml": want text, json, junit, sarif, markdown, github`},
		{[]string{"--api", "graphql"}, 2, "--api: "},
		{[]string{"--spec", "contract/testdata/paths.yaml"}, 2, "name its API with --api; its servers name neither service"},
	} {
		r := cli(t, nil, append(c.args, "testdata/recordings")...)
		if r.code != c.code || !strings.Contains(r.stderr, c.says) {
			t.Errorf("%v: exit %d, stderr %q; want %d saying %q", c.args, r.code, r.stderr, c.code, c.says)
		}
	}
}

// The budget's refusal tells the wrappers not to retry it.
func TestBudgetRefusalIsFinal(t *testing.T) {
	b := (&budget{limit: 0}).wrap(nil)
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:1/", nil)
	_, err := b.RoundTrip(req)
	if !errors.Is(err, httpcore.ErrNoRetry) || err.Error() != "request budget used up (--budget 0); not sent" {
		t.Errorf("refusal = %v", err)
	}
}

// pace sleeps the reset it is given when the bounds let it, and refuses at once, as a
// failed call that names the wait, one over the cap or past the call's --timeout.
func TestPaceIsBoundedLikeACall(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name    string
		timeout time.Duration
		reset   time.Duration
		slept   time.Duration
		refused string
	}{
		{"within the bounds", 30 * time.Second, 3 * time.Second, 3 * time.Second, ""},
		{"at the timeout", 3 * time.Second, 3 * time.Second, 3 * time.Second, ""},
		{"past the timeout", 5 * time.Second, 86400 * time.Second, 0, "past the context's deadline"},
		{"past the cap", time.Hour, 2 * time.Minute, 0, "more than the 1m0s cap"},
		{"no reset stated waits a second", 2 * time.Second, 0, time.Second, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var slept time.Duration
			s := &liveSession{cfg: liveConfig{timeout: c.timeout, api: specs.Affinity}}
			// The clock stands still: the deadline is exactly --timeout away.
			s.pacer = httpcore.Pacer{Now: func() time.Time { return now }, Sleep: func(_ context.Context, d time.Duration) error { slept += d; return nil }}
			ctx := &fixedDeadline{Context: t.Context(), deadline: now.Add(c.timeout)}
			ok := s.pace(ctx, "searchOrganizations", apicall.Window{Known: true, Limit: 10, Reset: c.reset})
			if slept != c.slept {
				t.Errorf("slept %s, want %s", slept, c.slept)
			}
			if c.refused == "" {
				if !ok || len(s.calls) != 0 {
					t.Errorf("refused: %v", s.calls)
				}
				return
			}
			if ok || len(s.calls) != 1 || s.calls[0].OperationID != "searchOrganizations" || !strings.Contains(s.calls[0].Found, c.refused) {
				t.Errorf("ok %v, calls %+v; want one failed call saying %q", ok, s.calls, c.refused)
			}
		})
	}
}

// fixedDeadline is a context whose deadline is set on the test's clock, not the machine's.
type fixedDeadline struct {
	context.Context
	deadline time.Time
}

func (f *fixedDeadline) Deadline() (time.Time, bool) { return f.deadline, true }

// An empty baseline file knows nothing and is no error.
func TestEmptyBaseline(t *testing.T) {
	b, err := readBaseline(write(t, filepath.Join(t.TempDir(), "empty.txt"), ""))
	if err != nil || len(b.entries) != 0 {
		t.Errorf("empty baseline: %v, %v", b, err)
	}
}

// A Runner works without a progress counter.
func TestRunnerWithoutProgress(t *testing.T) {
	runner, err := (&checkOptions{format: "text"}).setup(t.Context(), []string{"x"})
	if err != nil {
		t.Fatal(err)
	}
	res := runner.Run(t.Context(), []Input{fileInput(filepath.Join(root, "testdata/recordings/affinity.har"))})
	if res.Summary.Checked == 0 {
		t.Errorf("nothing checked: %+v", res.Summary)
	}
}
