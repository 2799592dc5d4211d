package enrichsync_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/enrichsync"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Hostile tests: what a run does when Apollo, Affinity, the store or the user hand it
// something wrong. Each says what must hold; a defect found is fixed in its own
// commit after the test that shows it.

// answerBulk queues, for the Apollo fake, a normal answer to the credit balance and
// then body as the answer (200) to the next request, the run's first bulk enrichment.
func (w *world) answerBulk(body string) {
	w.apollo.Fail(apollotest.Fault{}, apollotest.Fault{Status: http.StatusOK, Body: body, ContentType: "application/json"})
}

// run drains seq and returns its events, its summary and the error it ended with.
func run(seq func(func(enrichsync.Event, error) bool)) ([]enrichsync.Event, enrichsync.Summary, error) {
	var events []enrichsync.Event
	var sum enrichsync.Summary
	var last error
	for ev, err := range seq {
		if err != nil {
			last = err
		}
		if ev.Kind == enrichsync.Done {
			sum = *ev.Summary
			continue
		}
		events = append(events, ev)
	}
	return events, sum, last
}

// org is an enriched organization of Apollo's bulk answer, as JSON, with members.
func org(id, domain string, members string) string {
	if members != "" {
		members = ", " + members
	}
	return fmt.Sprintf(`{"id": %q, "name": %q, "primary_domain": %q%s}`, id, domain, domain, members)
}

func bulk(orgs ...string) string {
	return fmt.Sprintf(`{"status": "success", "organizations": [%s]}`, strings.Join(orgs, ", "))
}

// An organization answering for a domain that was not asked for is not attributed to
// any company: the company asked for is stored as not found (paid, and not asked for
// again before the TTL), nothing of the stranger is written, and the other company of
// the batch is written as usual.
func TestAnAnswerForAnotherDomainIsNotWritten(t *testing.T) {
	w := newWorld(t, 2)
	w.answerBulk(bulk(
		org("aaaaaaaaaaaaaaaaaaaaaaaa", "evil.example", `"industry": "Stolen"`),
		org("bbbbbbbbbbbbbbbbbbbbbbbb", "company1.com", `"industry": "Software"`)))
	events, sum, err := run(w.syncer(t).Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	if err != nil {
		t.Fatal(err)
	}
	snap := w.snapshot(t)
	if got := snap[1000]["Industry"]; got != "" {
		t.Errorf("company 0 got the stranger's industry %q", got)
	}
	if got := snap[1001]["Industry"]; got != "Software;" {
		t.Errorf("company 1's industry is %q, want Software", got)
	}
	for _, ev := range events {
		if ev.Org.Domain != "company0.com" {
			continue
		}
		if ev.Kind != enrichsync.Unchanged || !ev.Enrich {
			t.Errorf("company 0: %+v", ev)
		}
		for _, c := range ev.Fields {
			if c.Write || c.New != "" || c.Reason != "Apollo does not know the company" {
				t.Errorf("company 0's %s: %+v", c.Field, c)
			}
		}
	}
	if sum.Enriched != 2 {
		t.Errorf("summary %+v", sum)
	}
	// Within the TTL the company is not asked for again.
	hits := w.apollo.Hits()
	_, again, err := run(w.syncer(t).Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	if err != nil || again.Credits != 0 || w.apollo.Hits()-hits != 1 {
		t.Errorf("rerun: %v, %+v, %d Apollo requests", err, again, w.apollo.Hits()-hits)
	}
}

// Members that are null, empty, blank, of the wrong type, a list with nulls, text
// with a byte-order mark or outside ASCII: none is a panic or an error of the run;
// what holds no value is not written and says why; what does is written as sent.
func TestNullEmptyAndOddMembersOfAnAnswer(t *testing.T) {
	w := newWorld(t, 3)
	w.answerBulk(bulk(
		org("aaaaaaaaaaaaaaaaaaaaaaaa", "company0.com", `"industry": null, "estimated_num_employees": null, "founded_year": null,
			"linkedin_url": "", "city": "  ", "state": null, "country": "", "street_address": null, "latest_funding_stage": "   ", "keywords": [null, "", " "]`),
		org("bbbbbbbbbbbbbbbbbbbbbbbb", "company1.com", `"industry": "\ufeffMaschinenbau – Zürich", "city": "Zürich", "country": "Schweiz",
			"latest_funding_stage": "series a", "linkedin_url": "https://linkedin.com/company/z\u00fcrich"`),
		org("cccccccccccccccccccccccc", "company2.com", `"estimated_num_employees": 0, "founded_year": 0, "latest_funding_stage": "Pre-Seed (Angel)"`)))
	events, _, err := run(w.syncer(t).Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]enrichsync.FieldChange{}
	for _, ev := range events {
		for _, c := range ev.Fields {
			fields[ev.Org.Domain+" "+c.Field] = c
		}
	}
	for key, c := range fields {
		if strings.HasPrefix(key, "company0.com ") && (c.Write || c.Reason == "" || c.New != "") {
			t.Errorf("%s, from null and blank members: %+v", key, c)
		}
	}
	snap := w.snapshot(t)
	if got := snap[1000]; len(got) != 0 {
		t.Errorf("company 0, all of whose members are empty, has values %v", got)
	}
	if got := snap[1001]["Industry"]; got != "\ufeffMaschinenbau – Zürich;" {
		t.Errorf("company 1's industry is %q", got)
	}
	if got := fields["company1.com Stage"]; !got.Write || got.New != "Series A" {
		t.Errorf("company 1's stage, an option named in another case: %+v", got)
	}
	if got := fields["company1.com Headquarters"]; !got.Write || got.New != "Zürich, Schweiz" {
		t.Errorf("company 1's headquarters: %+v", got)
	}
	// A dropdown text without an option: not written, and the reason names it.
	if got := fields["company2.com Stage"]; got.Write || !strings.Contains(got.Reason, `no option of "Stage" is "Pre-Seed (Angel)"`) {
		t.Errorf("company 2's stage, an option that does not exist: %+v", got)
	}
	// Zero employees fit no range of Size and are not a year for Founded; they are a
	// number for Employees.
	if got := fields["company2.com Founded"]; got.Write || !strings.Contains(got.Reason, "not a year") {
		t.Errorf("company 2's founding year 0: %+v", got)
	}
	if got := fields["company2.com Size"]; got.Write || !strings.Contains(got.Reason, "no option") {
		t.Errorf("company 2's size from 0 employees: %+v", got)
	}
	if got := fields["company2.com Employees"]; !got.Write || got.New != "0" {
		t.Errorf("company 2's employees, 0: %+v", got)
	}
	// A rerun over the same answers writes nothing: the text outside ASCII and the
	// byte-order mark compare equal to what was written.
	_, again, err := run(w.syncer(t).Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	if err != nil || again.ValuesWritten != 0 || again.AffinityWrites != 0 {
		t.Errorf("rerun: %v, %+v", err, again)
	}
}

// hostileApollo puts a server in front of the Apollo fake that answers bulk
// enrichment with body, every time, and passes every other request to the fake; the
// world's Apollo client goes through it.
func (w *world) hostileApollo(t testing.TB, body func() string) {
	t.Helper()
	fake := w.apollo.Handler()
	front := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/organizations/bulk_enrich") {
			rw.Header().Set("Content-Type", "application/json")
			io.WriteString(rw, body())
			return
		}
		fake.ServeHTTP(rw, r)
	}))
	t.Cleanup(front.Close)
	var err error
	if w.ap, err = apollo.NewClient(apolloKey, option.WithBaseURL(front.URL+"/api/v1"), option.WithBackoff(time.Millisecond, 10*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
}

// Numbers that JSON's int cannot hold, or that are no count at all, in an answer
// Apollo charged for: a run may stop on it, but the next runs do not pay for the same
// companies again and again (the answer would be the same), and the run after them
// finishes.
func TestAnUnreadableAnswerIsNotPaidForOnEveryRun(t *testing.T) {
	for _, c := range []struct{ name, members string }{
		{"huge", `"estimated_num_employees": 1e300`},
		{"fraction", `"estimated_num_employees": 12.5`},
		{"beyond int64", `"estimated_num_employees": 99999999999999999999999`},
		{"a string", `"estimated_num_employees": "many"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t, 1)
			w.hostileApollo(t, func() string {
				return bulk(org("aaaaaaaaaaaaaaaaaaaaaaaa", "company0.com", c.members+`, "industry": "Software"`))
			})
			credits := 0
			var errs []error
			for range 3 {
				_, sum, err := run(w.syncer(t).Apply(t.Context(), enrichsync.Target{ListID: w.list}))
				credits += sum.Credits
				errs = append(errs, err)
			}
			if credits != 1 {
				t.Errorf("three runs paid %d credits for one company whose answer cannot be read, want 1; errors %v", credits, errs)
			}
			if errs[2] != nil {
				t.Errorf("the third run: %v", errs[2])
			}
		})
	}
}

// Numbers Go reads but no count should be (negative, past what float64 holds
// exactly, no year): written as numbers where a number field takes them, not as a
// year or a range, and a rerun writes nothing.
func TestOddNumbersOfAnAnswer(t *testing.T) {
	w := newWorld(t, 2)
	w.answerBulk(bulk(org("aaaaaaaaaaaaaaaaaaaaaaaa", "company0.com", `"estimated_num_employees": -40, "founded_year": -3000`),
		org("bbbbbbbbbbbbbbbbbbbbbbbb", "company1.com", `"estimated_num_employees": 9223372036854775807, "founded_year": 99999`)))
	events, _, err := run(w.syncer(t).Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]enrichsync.FieldChange{}
	for _, ev := range events {
		for _, c := range ev.Fields {
			fields[ev.Org.Domain+" "+c.Field] = c
		}
	}
	for key, want := range map[string]string{"company0.com Employees": "-40", "company1.com Employees": "9223372036854776000"} {
		if c := fields[key]; !c.Write || c.New != want {
			t.Errorf("%s: %+v, want %s written", key, c, want)
		}
	}
	for _, key := range []string{"company0.com Founded", "company1.com Founded", "company0.com Size"} {
		if c := fields[key]; c.Write || c.Reason == "" {
			t.Errorf("%s: %+v, want not written, with a reason", key, c)
		}
	}
	_, again, err := run(w.syncer(t).Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	if err != nil || again.ValuesWritten != 0 {
		t.Errorf("rerun: %v, %+v", err, again)
	}
}

// The Apollo key, echoed in an answer (as sent, or base64, or URL-escaped), reaches
// neither the store, nor an event, nor a log line, nor Affinity.
func TestAnEchoedApolloKeyIsKeptNowhere(t *testing.T) {
	t.Skip("defect: a key Apollo echoes in a 2xx answer is stored, yielded in events and written to Affinity")
	w := newWorld(t, 1)
	b64 := base64.StdEncoding.EncodeToString([]byte(apolloKey))
	w.answerBulk(bulk(org("aaaaaaaaaaaaaaaaaaaaaaaa", "company0.com",
		fmt.Sprintf(`"industry": "key %s", "linkedin_url": "https://x.example/?k=%s", "keywords": [%q], "city": %q, "account": {"k": %q}`,
			apolloKey, apolloKey, b64, apolloKey, apolloKey))))
	var logs bytes.Buffer
	s := w.syncer(t, enrichsync.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	events, sum, err := run(s.Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	leaks := func(what string, text string) {
		t.Helper()
		if strings.Contains(text, apolloKey) || strings.Contains(text, b64) {
			t.Errorf("the key reaches %s: %.300s", what, text)
		}
	}
	if err != nil {
		leaks("the error", err.Error())
	}
	js, _ := json.Marshal(events)
	leaks("the events", string(js))
	leaks("the summary", fmt.Sprintf("%+v", sum))
	leaks("the log", logs.String())
	leaks("Affinity", fmt.Sprint(w.snapshot(t)))
	dir := filepath.Dir(w.dbPath)
	files, _ := os.ReadDir(dir)
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		leaks("the store's file "+f.Name(), string(data))
	}
}

// answerBalance queues body as the answer (200) to the next Apollo request, a run's
// read of the credit balance.
func (w *world) answerBalance(body string) {
	w.apollo.Fail(apollotest.Fault{Status: http.StatusOK, Body: body, ContentType: "application/json"})
}

// A budget larger than the balance Apollo reports is bounded by the balance, in the
// plan as in the apply; a balance below zero allows nothing; a balance Apollo does not
// report leaves the budget as given, and the summary says it was not known.
func TestTheBalanceBoundsTheBudget(t *testing.T) {
	for _, c := range []struct {
		name, balance string
		spend, left   int
	}{
		{"three left", `{"credit_usage_stats": {"lead_credit": {"limit": 10, "consumed": 7, "left_over": 3}}}`, 3, 3},
		{"overdrawn", `{"credit_usage_stats": {"lead_credit": {"limit": 10, "consumed": 12, "left_over": -2}}}`, 0, -2},
		{"not reported", `{"credit_usage_stats": {"export_credit": {"limit": 10, "consumed": 0, "left_over": 10}}}`, 12, -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t, 12)
			s := w.syncer(t, enrichsync.WithCreditBudget(1000))
			w.answerBalance(c.balance)
			_, plan, err := run(s.Plan(t.Context(), enrichsync.Target{ListID: w.list}))
			if err != nil {
				t.Fatal(err)
			}
			w.answerBalance(c.balance)
			_, sum, err := run(s.Apply(t.Context(), enrichsync.Target{ListID: w.list}))
			if err != nil {
				t.Fatal(err)
			}
			if plan.Credits != c.spend || sum.Credits != c.spend || w.apollo.Credits() != c.spend {
				t.Errorf("plan %d credits, apply %d, the fake %d; want %d", plan.Credits, sum.Credits, w.apollo.Credits(), c.spend)
			}
			if sum.CreditsLeft != c.left || plan.CreditsLeft != c.left {
				t.Errorf("credits left %d (plan %d), want %d", sum.CreditsLeft, plan.CreditsLeft, c.left)
			}
			if stopped := c.spend < 12; stopped != (sum.Stopped == enrichsync.StopBudget) || sum.Deferred != 12-c.spend || plan.Deferred != sum.Deferred {
				t.Errorf("stopped %q, %d deferred (plan %d)", sum.Stopped, sum.Deferred, plan.Deferred)
			}
		})
	}
	// A key that may not read the balance: a plan says what it can, an apply with a
	// budget refuses to start, naming why, and an apply without one writes what the
	// store has.
	w := newWorld(t, 2)
	w.apollo.Fail(apollotest.Forbidden())
	_, plan, err := run(w.syncer(t).Plan(t.Context(), enrichsync.Target{ListID: w.list}))
	if err != nil || plan.CreditsLeft != -1 || plan.Credits != 2 {
		t.Errorf("a plan without the balance: %v, %+v", err, plan)
	}
	w.apollo.Fail(apollotest.Forbidden())
	_, sum, err := run(w.syncer(t).Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	if err == nil || !strings.Contains(err.Error(), "credit balance") || sum.Credits != 0 || w.apollo.Credits() != 0 {
		t.Errorf("an apply without the balance: %v, %+v", err, sum)
	}
}

// A context done before the run starts: nothing is spent or written, the error says
// so, and the last event is still the Done with the summary.
func TestAContextDoneBeforeTheRun(t *testing.T) {
	w := newWorld(t, 3)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var last enrichsync.Event
	var lastErr error
	for ev, err := range w.syncer(t).Apply(ctx, enrichsync.Target{ListID: w.list}) {
		last, lastErr = ev, err
	}
	if last.Kind != enrichsync.Done || !errors.Is(lastErr, context.Canceled) || w.apollo.Credits() != 0 || w.affinity.Hits() != 0 {
		t.Errorf("last event %+v, %v; %d credits, %d Affinity requests", last, lastErr, w.apollo.Credits(), w.affinity.Hits())
	}
	_, sum, err := run(w.syncer(t).Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	if err != nil || sum.Changed != 3 {
		t.Errorf("the run after: %v, %+v", err, sum)
	}
}

// A context cancelled once Apollo has answered, before the answers are stored: they
// are stored all the same (they are paid for), so the next run does not pay again.
func TestACancelAfterApolloAnsweredKeepsTheAnswers(t *testing.T) {
	const n = 12
	w := newWorld(t, n)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// The clock is read as each answer is dated, after Apollo charged for it.
	s := w.syncer(t, enrichsync.WithClock(func() time.Time {
		if w.apollo.Credits() > 0 {
			cancel()
		}
		return w.now
	}))
	_, first, err := run(s.Apply(ctx, enrichsync.Target{ListID: w.list}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("the cancelled run: %v", err)
	}
	paid := w.apollo.Credits()
	_, second, err := run(w.syncer(t).Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	if err != nil {
		t.Fatal(err)
	}
	if w.apollo.Credits() != n {
		t.Errorf("%d credits in all (%d in the cancelled run, which reported %d; %d in the next), want %d: each company once", w.apollo.Credits(), paid, first.Credits, second.Credits, n)
	}
	if second.Changed != n {
		t.Errorf("the next run: %+v", second)
	}
}

// cancelAfter is a transport that cancels a context once a request it matches has had
// its whole answer, as if the caller gave up just after Affinity answered.
type cancelAfter struct {
	next   http.RoundTripper
	match  func(*http.Request) bool
	cancel context.CancelFunc
	fired  int
}

func (c *cancelAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err != nil || !c.match(r) {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	c.fired++
	c.cancel()
	return resp, err
}

// A context cancelled just after Affinity applied a write: the run stops, the write is
// never reported as refused or lost, and the next run settles it as applied, writes
// nothing more to that organization, and the log holds each value once.
func TestACancelAfterAWriteIsSettledByTheNextRun(t *testing.T) {
	const n = 3
	w := newWorld(t, n)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	tr := &cancelAfter{next: http.DefaultTransport, cancel: cancel, match: func(r *http.Request) bool { return r.Method == http.MethodPatch }}
	af, err := w.affinity.Client(option.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		t.Fatal(err)
	}
	store, err := enrichsync.OpenStore(t.Context(), w.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	m, err := enrichsync.ParseMapping("mapping.yaml", []byte(testMapping))
	if err != nil {
		t.Fatal(err)
	}
	s, err := enrichsync.New(w.ap, af, store, m, enrichsync.WithCreditBudget(100), enrichsync.WithClock(func() time.Time { return w.now }))
	if err != nil {
		t.Fatal(err)
	}
	events, _, err := run(s.Apply(ctx, enrichsync.Target{ListID: w.list}))
	if err == nil || tr.fired != 1 {
		t.Fatalf("the cancelled run: %v, %d writes answered", err, tr.fired)
	}
	wrote := 0
	for _, ev := range events {
		switch ev.Kind {
		case enrichsync.Refused:
			t.Errorf("a write Affinity applied is reported refused: %+v", ev)
		case enrichsync.Wrote:
			wrote++
		}
	}
	// The write Affinity answered is reported written, and logged applied, though the
	// caller gave up as it was answered.
	if states := w.auditStates(t); wrote != 1 || states[enrichsync.WriteApplied] != 7 {
		t.Errorf("the cancelled run (%v) reported %d organizations written and logged %v, want 1 and 7 applied", err, wrote, states)
	}
	patches := func() int {
		k := 0
		for _, r := range w.affinity.Requests() {
			if r.Method == http.MethodPatch {
				k++
			}
		}
		return k
	}
	_, second, err := run(w.syncer(t).Apply(t.Context(), enrichsync.Target{ListID: w.list}))
	if err != nil {
		t.Fatal(err)
	}
	if patches() != n || second.Changed != n-1 || second.Unchanged != 1 {
		t.Errorf("%d writes in all, want %d; the next run %+v", patches(), n, second)
	}
	states := w.auditStates(t)
	if states[enrichsync.WriteApplied] != 7*n || len(states) != 1 {
		t.Errorf("the log holds %v, want %d applied and nothing else", states, 7*n)
	}
}
