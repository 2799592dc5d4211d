package fakeserver

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/specs"
)

// recTB records what a check reports instead of failing the test running it.
type recTB struct {
	mu       sync.Mutex
	errs     []string
	cleanups []func()
}

func (r *recTB) Helper() {}
func (r *recTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recTB) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

// rateHeaders are the headers every Affinity v1 answer documents.
func rateHeaders(h http.Header) {
	for _, k := range []string{"User", "Org"} {
		h.Set("X-Ratelimit-Limit-"+k, "900")
		h.Set("X-Ratelimit-Limit-"+k+"-Remaining", "899")
		h.Set("X-Ratelimit-Limit-"+k+"-Reset", "42")
	}
}

// serveOne sends req through a checked fake whose handler answers status and body.
func serveOne(t *testing.T, cfg Config, req *http.Request, status int, body string, fault *Fault) (*httptest.ResponseRecorder, *Checker) {
	t.Helper()
	c := NewChecker(specs.Affinity, "affinitytest", "sekret-key", cfg)
	h := c.Wrap(func(w http.ResponseWriter, r *http.Request) {
		if fault != nil && fault.Apply(w, r) {
			return
		}
		rateHeaders(w.Header())
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
	w := httptest.NewRecorder()
	h(w, req)
	return w, c
}

const goodOrg = `{"id": 7, "name": "Acme", "domain": "acme.example", "domains": ["acme.example"], "global": false}`

// An answer that breaks the spec is never sent: the client gets a 500 that names the
// finding, the test is failed with it, and Findings keeps it. An answer that keeps to
// the spec passes through as written, with nothing reported.
func TestTheCheckRefusesAnAnswerThatBreaksTheSpec(t *testing.T) {
	for _, c := range []struct {
		name, body, want string
	}{
		{"an id that is a string", strings.Replace(goodOrg, `7`, `"seven"`, 1), "/id"},
		{"a required member missing", strings.Replace(goodOrg, `"global": false`, `"x": 1`, 1), "/global"},
		{"a member the spec does not describe", strings.Replace(goodOrg, `"global": false`, `"global": false, "secret_sauce": "sekret-key"`, 1), "/secret_sauce"},
		{"null in a list of domains", strings.Replace(goodOrg, `["acme.example"]`, `["acme.example", null]`, 1), "/domains/1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tb := &recTB{}
			w, chk := serveOne(t, Config{TB: tb}, httptest.NewRequest("GET", "/organizations/7", nil), 200, c.body, nil)
			if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), c.want) {
				t.Errorf("client got HTTP %d %q, want a 500 naming %s", w.Code, w.Body, c.want)
			}
			if len(tb.errs) == 0 || !strings.Contains(tb.errs[0], c.want) || !strings.Contains(tb.errs[0], "getOrganization") {
				t.Errorf("the test was told %q, want the finding at %s of getOrganization", tb.errs, c.want)
			}
			found, total := chk.Findings()
			if total == 0 || len(found) != total {
				t.Errorf("Findings kept %d of %d", len(found), total)
			}
			for _, text := range append(tb.errs, w.Body.String()) {
				if strings.Contains(text, "sekret-key") {
					t.Errorf("the fake's key reached a text: %q", text)
				}
			}
		})
	}
	t.Run("an answer that keeps to the spec", func(t *testing.T) {
		tb := &recTB{}
		w, chk := serveOne(t, Config{TB: tb}, httptest.NewRequest("GET", "/organizations/7", nil), 200, goodOrg, nil)
		if w.Code != 200 || w.Body.String() != goodOrg || w.Header().Get("X-Ratelimit-Limit-User") != "900" {
			t.Errorf("got HTTP %d %q, want the answer as written", w.Code, w.Body)
		}
		if _, total := chk.Findings(); total != 0 || len(tb.errs) != 0 {
			t.Errorf("findings on a good answer: %d, %q", total, tb.errs)
		}
	})
}

// A request that breaks the spec is reported, and answered as the fake answers it; a
// queued fault's answer is off the spec on purpose and goes out as written.
func TestTheCheckReportsRequestsAndLetsFaultsThrough(t *testing.T) {
	tb := &recTB{}
	w, _ := serveOne(t, Config{TB: tb}, httptest.NewRequest("GET", "/organizations/7?colour=blue", nil), 200, goodOrg, nil)
	if w.Code != 200 || len(tb.errs) != 1 || !strings.Contains(tb.errs[0], "the request breaks") || !strings.Contains(tb.errs[0], "/colour") {
		t.Errorf("undocumented parameter: HTTP %d, reported %q", w.Code, tb.errs)
	}

	tb = &recTB{}
	fault := Malformed()
	w, chk := serveOne(t, Config{TB: tb}, httptest.NewRequest("GET", "/organizations/7", nil), 200, goodOrg, &fault)
	if w.Code != 200 || w.Body.String() != fault.Body || len(tb.errs) != 0 {
		t.Errorf("a fault's answer: HTTP %d %q, reported %q; want it as queued, unreported", w.Code, w.Body, tb.errs)
	}
	if _, total := chk.Findings(); total != 0 {
		t.Errorf("a fault's answer kept %d findings", total)
	}
}

// Without a test to fail, findings go to the caller's function and Findings; with
// NoCheck nothing is looked at.
func TestTheCheckWithoutATest(t *testing.T) {
	var got []contract.Finding
	var mu sync.Mutex
	bad := strings.Replace(goodOrg, `"Acme"`, `12`, 1)
	w, chk := serveOne(t, Config{OnFinding: func(f contract.Finding) { mu.Lock(); got = append(got, f); mu.Unlock() }},
		httptest.NewRequest("GET", "/organizations/7", nil), 200, bad, nil)
	if w.Code != 500 || len(got) != 1 || got[0].Pointer != "/name" {
		t.Errorf("HTTP %d, handler got %+v", w.Code, got)
	}
	if found, total := chk.Findings(); total != 1 || found[0] != got[0] {
		t.Errorf("Findings: %+v of %d", found, total)
	}
	w, chk = serveOne(t, Config{NoCheck: true}, httptest.NewRequest("GET", "/organizations/7", nil), 200, bad, nil)
	if w.Code != 200 || w.Body.String() != bad {
		t.Errorf("NoCheck: HTTP %d %q, want the answer as written", w.Code, w.Body)
	}
	if _, total := chk.Findings(); total != 0 {
		t.Errorf("NoCheck kept %d findings", total)
	}
}

// Findings are kept up to MaxFindings and counted past it, so that a fake serving a
// long run keeps bounded memory.
func TestFindingsAreBounded(t *testing.T) {
	c := NewChecker(specs.Affinity, "affinitytest", "k", Config{})
	h := c.Wrap(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	for range MaxFindings + 5 {
		h(httptest.NewRecorder(), httptest.NewRequest("GET", "/no-such-route", nil))
	}
	found, total := c.Findings()
	if len(found) != MaxFindings || total != MaxFindings+5 {
		t.Errorf("kept %d of %d, want %d of %d", len(found), total, MaxFindings, MaxFindings+5)
	}
}

// The fake is closed when the test it reports to ends, so that no finding can reach
// a finished test.
func TestReportToClosesTheFakeWithTheTest(t *testing.T) {
	tb := &recTB{}
	s := NewServer(func(w http.ResponseWriter, r *http.Request) {}, "", NewChecker(specs.Affinity, "affinitytest", "k", Config{TB: tb}))
	s.Start()
	if len(tb.cleanups) != 1 {
		t.Fatalf("%d cleanups registered, want 1", len(tb.cleanups))
	}
	tb.cleanups[0]()
	if conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://")); err == nil {
		conn.Close()
		t.Error("the fake still answers after the test ended")
	}
}
