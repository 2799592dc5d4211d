package affinity_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

const key = "sk-affinity-secret-123"

func setup(t *testing.T, opts ...option.ClientOption) (*affinity.Client, *affinitytest.Server) {
	t.Helper()
	fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
	t.Cleanup(fake.Close)
	c, err := fake.Client(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c, fake
}

func TestOrganizationsFollowsEveryPage(t *testing.T) {
	c, fake := setup(t)
	fake.Generate(1203)
	var ids []int64
	for org, err := range c.Organizations(t.Context(), affinity.OrganizationQuery{Term: "org", PageSize: 500}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, org.ID)
	}
	if len(ids) != 1203 {
		t.Fatalf("got %d organizations, want 1203", len(ids))
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("organization %d out of order or repeated: %d after %d", i, ids[i], ids[i-1])
		}
	}
	reqs := fake.Requests()
	if len(reqs) != 3 {
		t.Fatalf("requests = %d, want 3", len(reqs))
	}
	for i, r := range reqs {
		if r.Query.Get("term") != "org" || r.Query.Get("page_size") != "500" {
			t.Errorf("request %d changed the query: %v", i, r.Query)
		}
		if (i == 0) == r.Query.Has("page_token") {
			t.Errorf("request %d page_token presence wrong: %v", i, r.Query)
		}
	}
}

func TestOrganizationsStopsEarlyWithoutFetchingMore(t *testing.T) {
	c, fake := setup(t)
	fake.Generate(50)
	n := 0
	for _, err := range c.Organizations(t.Context(), affinity.OrganizationQuery{PageSize: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	if fake.Hits() != 1 {
		t.Errorf("hits = %d after breaking on the first page, want 1", fake.Hits())
	}
}

// scripted serves fixed pages by page_token, to reach cases the fake never produces.
// It ends any listing after 20 requests, failing the test, so that a broken loop guard
// fails at once instead of hanging until the package timeout.
func scripted(t *testing.T, pages map[string]string) *affinity.Client {
	t.Helper()
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) > 20 {
			t.Errorf("more than 20 requests: the listing does not stop")
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"organizations":[],"next_page_token":null}`)
			return
		}
		body, ok := pages[r.URL.Query().Get("page_token")]
		if !ok {
			t.Errorf("unexpected page_token %q", r.URL.Query().Get("page_token"))
			w.WriteHeader(http.StatusUnprocessableEntity)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOrganizationsCrossesEmptyPageWithToken(t *testing.T) {
	c := scripted(t, map[string]string{
		"":   `{"organizations":[{"id":1,"name":"A","domain":null,"domains":[],"crunchbase_uuid":null,"global":false}],"next_page_token":"t1"}`,
		"t1": `{"organizations":[],"next_page_token":"t2"}`,
		"t2": `{"organizations":[{"id":2,"name":"B","domain":null,"domains":[],"crunchbase_uuid":null,"global":false}],"next_page_token":"t3"}`,
		"t3": `{"organizations":[],"next_page_token":null}`,
	})
	var names []string
	for org, err := range c.Organizations(t.Context(), affinity.OrganizationQuery{}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, org.Name)
	}
	if strings.Join(names, ",") != "A,B" {
		t.Errorf("names = %v, want A,B", names)
	}
}

func TestOrganizationsFailsOnRepeatedToken(t *testing.T) {
	c := scripted(t, map[string]string{
		"":   `{"organizations":[],"next_page_token":"t1"}`,
		"t1": `{"organizations":[],"next_page_token":"t2"}`,
		"t2": `{"organizations":[],"next_page_token":"t1"}`,
	})
	var last error
	n := 0
	for _, err := range c.Organizations(t.Context(), affinity.OrganizationQuery{}) {
		last = err
		if n++; n > 10 {
			t.Fatal("iteration did not stop")
		}
	}
	if !errors.Is(last, affinity.ErrRepeatedPageToken) {
		t.Errorf("last error = %v, want ErrRepeatedPageToken", last)
	}
}

func TestPagesResumeFromCheckpoint(t *testing.T) {
	c, fake := setup(t)
	fake.Generate(25)
	q := affinity.OrganizationQuery{PageSize: 10}
	first, err := c.OrganizationPage(t.Context(), q, "")
	if err != nil || first.NextPageToken == "" {
		t.Fatalf("first page: %v, token %q", err, first.NextPageToken)
	}
	rest := 0
	for page, err := range c.OrganizationPages(t.Context(), q, first.NextPageToken) {
		if err != nil {
			t.Fatal(err)
		}
		rest += len(page.Organizations)
	}
	if rest != 15 {
		t.Errorf("resumed listing got %d organizations, want 15", rest)
	}
	// A token used with another query is refused by the service, as documented.
	_, err = c.OrganizationPage(t.Context(), affinity.OrganizationQuery{PageSize: 10, Term: "x"}, first.NextPageToken)
	var apiErr *affinity.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 422 || !strings.Contains(apiErr.Message, "Invalid page_token variable") {
		t.Errorf("changed query error = %v", err)
	}
}

func TestCRUD(t *testing.T) {
	c, fake := setup(t)
	ctx := t.Context()
	created, err := c.CreateOrganization(ctx, affinity.NewOrganization{Name: "Acme Corporation", Domain: "acme.co", PersonIDs: []int64{38706}})
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == 0 || created.Domain != "acme.co" {
		t.Fatalf("created = %+v", created)
	}
	updated, err := c.UpdateOrganization(ctx, created.ID, affinity.OrganizationUpdate{Name: "Acme Corp.", PersonIDs: []int64{38706, 89734}})
	if err != nil {
		t.Fatal(err)
	}
	if updated.Name != "Acme Corp." || updated.PersonIDs == nil || len(updated.PersonIDs) != 2 {
		t.Errorf("updated = %+v", updated)
	}
	// A name-only update leaves the persons; an empty, non-nil set removes them all.
	kept, err := c.UpdateOrganization(ctx, created.ID, affinity.OrganizationUpdate{Name: "Acme Corp."})
	if err != nil || len(kept.PersonIDs) != 2 {
		t.Errorf("name-only update = %+v, %v; want both persons kept", kept, err)
	}
	emptied, err := c.UpdateOrganization(ctx, created.ID, affinity.OrganizationUpdate{PersonIDs: []int64{}})
	if err != nil || len(emptied.PersonIDs) != 0 {
		t.Errorf("emptying update = %+v, %v; want no persons", emptied, err)
	}
	got, err := c.GetOrganization(ctx, created.ID, affinity.GetOrganizationOptions{})
	if err != nil || got.Name != "Acme Corp." || len(got.PersonIDs) != 0 {
		t.Errorf("get = %+v, %v", got, err)
	}
	found := 0
	for org, err := range c.Organizations(ctx, affinity.OrganizationQuery{Term: "ACME"}) {
		if err != nil {
			t.Fatal(err)
		}
		if org.ID == created.ID {
			found++
		}
	}
	if found != 1 {
		t.Errorf("term search found the organization %d times", found)
	}
	if err := c.DeleteOrganization(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if fake.Len() != 0 {
		t.Errorf("fake still holds %d organizations", fake.Len())
	}
	_, err = c.GetOrganization(ctx, created.ID, affinity.GetOrganizationOptions{})
	if !errors.Is(err, affinity.ErrNotFound) {
		t.Errorf("get after delete = %v, want ErrNotFound", err)
	}
	fields, err := c.ListOrganizationFields(ctx)
	if err != nil || len(fields) != 3 || fields[1].Name != "Leads" {
		t.Errorf("fields = %+v, %v", fields, err)
	}
}

func TestBadParametersSendNothing(t *testing.T) {
	c, fake := setup(t)
	ctx := t.Context()
	cases := map[string]error{}
	_, cases["page_size"] = c.OrganizationPage(ctx, affinity.OrganizationQuery{PageSize: 501}, "")
	_, cases["with_interaction_persons"] = c.OrganizationPage(ctx, affinity.OrganizationQuery{WithInteractionPersons: true}, "")
	_, cases["min_lunch_date"] = c.OrganizationPage(ctx, affinity.OrganizationQuery{After: map[affinity.InteractionKind]time.Time{"lunch": time.Now()}}, "")
	_, cases["organization_id"] = c.GetOrganization(ctx, 0, affinity.GetOrganizationOptions{})
	_, cases["name"] = c.CreateOrganization(ctx, affinity.NewOrganization{Domain: "x.co"})
	_, cases["update"] = c.UpdateOrganization(ctx, 5, affinity.OrganizationUpdate{})
	for param, err := range cases {
		var pe *apicall.ParamError
		if !errors.As(err, &pe) || pe.Param != param {
			t.Errorf("%s: error = %v, want a ParamError naming it", param, err)
		}
	}
	if fake.Hits() != 0 {
		t.Errorf("invalid calls sent %d requests", fake.Hits())
	}
	if _, err := affinity.NewClient(" "); !errors.Is(err, affinity.ErrNoAPIKey) {
		t.Errorf("empty key: %v", err)
	}
	t.Setenv(affinity.EnvAPIKey, "")
	if _, err := affinity.NewClientFromEnv(); err == nil || !strings.Contains(err.Error(), "AFFINITY_API_KEY") {
		t.Errorf("missing env key: %v", err)
	}
}

// recordedSleeps is an injected sleeper: it records each wait the client chose and
// returns at once.
type recordedSleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *recordedSleeps) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits = append(r.waits, d)
	return ctx.Err()
}

func (r *recordedSleeps) get() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.waits...)
}

func TestRetriesHonourRetryAfter(t *testing.T) {
	var sleeps recordedSleeps
	c, fake := setup(t, affinity.WithSleep(sleeps.sleep))
	fake.Generate(3)
	fake.Fail(affinitytest.RateLimited("7"))
	page, err := c.OrganizationPage(t.Context(), affinity.OrganizationQuery{}, "")
	if err != nil || len(page.Organizations) != 3 {
		t.Fatalf("page = %+v, %v", page, err)
	}
	if w := sleeps.get(); len(w) != 1 || w[0] != 7*time.Second {
		t.Errorf("waits = %v, want exactly Retry-After's 7s", w)
	}
	if fake.Hits() != 2 {
		t.Errorf("hits = %d, want 2", fake.Hits())
	}
}

func TestRetriesBurstOf5xx(t *testing.T) {
	c, fake := setup(t)
	fake.Generate(1)
	fake.Fail(affinitytest.ServerError(500), affinitytest.ServerError(502), affinitytest.ServerError(503))
	if _, err := c.ListOrganizationFields(t.Context()); err != nil {
		t.Fatal(err)
	}
	if fake.Hits() != 4 {
		t.Errorf("hits = %d, want 4", fake.Hits())
	}
	fake.Fail(affinitytest.ServerError(504), affinitytest.ServerError(504), affinitytest.ServerError(504), affinitytest.ServerError(504))
	_, err := c.ListOrganizationFields(t.Context())
	var apiErr *affinity.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 504 {
		t.Errorf("after retries ran out: %v", err)
	}
}

func TestCreateIsNotRepeatedOnceSent(t *testing.T) {
	c, fake := setup(t)
	fake.Fail(affinitytest.ServerError(503))
	_, err := c.CreateOrganization(t.Context(), affinity.NewOrganization{Name: "Once"})
	var apiErr *affinity.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || fake.Hits() != 1 {
		t.Errorf("create after 503: err %v, hits %d, want one attempt", err, fake.Hits())
	}
	if fake.Len() != 0 {
		t.Errorf("a failed create stored something")
	}
}

// dialFailer fails the first n dials the way an unreachable host does.
type dialFailer struct {
	n    atomic.Int32
	next http.RoundTripper
}

func (d *dialFailer) RoundTrip(r *http.Request) (*http.Response, error) {
	if d.n.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	}
	return d.next.RoundTrip(r)
}

func TestCreateIsRepeatedWhenNeverSent(t *testing.T) {
	df := &dialFailer{next: http.DefaultTransport}
	df.n.Store(2)
	c, fake := setup(t, option.WithHTTPClient(&http.Client{Transport: df}))
	org, err := c.CreateOrganization(t.Context(), affinity.NewOrganization{Name: "Eventually"})
	if err != nil || org.Name != "Eventually" {
		t.Fatalf("create = %+v, %v", org, err)
	}
	if fake.Hits() != 1 || fake.Len() != 1 {
		t.Errorf("hits %d, stored %d; want exactly one create", fake.Hits(), fake.Len())
	}
}

func TestWaitBeyondDeadlineFailsAtOnce(t *testing.T) {
	for name, fault := range map[string]affinitytest.Fault{
		"Retry-After":      affinitytest.RateLimited("30"),
		"User-Reset":       affinitytest.RateLimitedUntilReset(30),
		"Retry-After date": affinitytest.RateLimited(time.Now().Add(time.Minute).UTC().Format(http.TimeFormat)),
	} {
		t.Run(name, func(t *testing.T) {
			c, fake := setup(t)
			fake.Fail(fault)
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
			defer cancel()
			start := time.Now()
			_, err := c.ListOrganizationFields(ctx)
			if !errors.Is(err, affinity.ErrRateLimited) {
				t.Fatalf("err = %v, want ErrRateLimited", err)
			}
			if time.Since(start) > time.Second {
				t.Errorf("waited %s before failing", time.Since(start))
			}
			var apiErr *affinity.Error
			if errors.As(err, &apiErr) && name != "User-Reset" && apiErr.RetryAfter < 20*time.Second {
				t.Errorf("RetryAfter = %s, want the server's value", apiErr.RetryAfter)
			}
		})
	}
}

func TestMalformedBodyKeepsStatusAndBody(t *testing.T) {
	c, fake := setup(t)
	fake.Fail(affinitytest.Malformed())
	_, err := c.OrganizationPage(t.Context(), affinity.OrganizationQuery{}, "")
	var apiErr *affinity.Error
	if !errors.As(err, &apiErr) || !errors.Is(err, affinity.ErrMalformedBody) {
		t.Fatalf("err = %v, want a malformed-body *Error", err)
	}
	if apiErr.StatusCode != 200 || !bytes.Contains(apiErr.Body, []byte(`"organizations"`)) {
		t.Errorf("status %d, body %q", apiErr.StatusCode, apiErr.Body)
	}
}

func TestErrorsCarryMessageAndRateLimit(t *testing.T) {
	c, fake := setup(t)
	fake.Fail(affinitytest.Fault{Status: 403, Body: "Forbidden: plan", ContentType: "text/plain"})
	err := c.DeleteOrganization(t.Context(), 7)
	var apiErr *affinity.Error
	if !errors.As(err, &apiErr) || !errors.Is(err, affinity.ErrForbidden) || apiErr.Message != "Forbidden: plan" {
		t.Fatalf("err = %#v", err)
	}
	if !apiErr.RateLimit.User.Known || apiErr.RateLimit.User.Limit != 900 || !apiErr.RateLimit.Account.Unlimited {
		t.Errorf("rate limit on error = %+v", apiErr.RateLimit)
	}
	c2, _ := affinity.NewClient("wrong", option.WithBaseURL(fake.URL))
	if _, err := c2.ListOrganizationFields(t.Context()); !errors.Is(err, affinity.ErrUnauthorized) {
		t.Errorf("bad key: %v", err)
	}
}

func TestRateLimitVisibleAfterCall(t *testing.T) {
	c, _ := setup(t)
	if _, err := c.ListOrganizationFields(t.Context()); err != nil {
		t.Fatal(err)
	}
	rl := c.RateLimit()
	if rl.User.Limit != 900 || rl.User.Remaining != 899 || rl.User.Reset != 42*time.Second || !rl.Account.Unlimited {
		t.Errorf("rate limit = %+v", rl)
	}
}

func TestBearerAuth(t *testing.T) {
	c, _ := setup(t, affinity.WithBearerAuth())
	if _, err := c.ListOrganizationFields(t.Context()); err != nil {
		t.Fatalf("bearer auth refused: %v", err)
	}
}

func TestKeyNeverShows(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, fake := setup(t, option.WithLogger(logger))
	fake.Fail(affinitytest.ServerError(503), affinitytest.Fault{Status: 401, Body: "bad"})
	_, err := c.ListOrganizationFields(t.Context())
	if err == nil {
		t.Fatal("want an error")
	}
	for what, text := range map[string]string{
		"error": err.Error(), "%+v": fmt.Sprintf("%+v", err), "client %v": fmt.Sprintf("%v", c),
		"client %+v": fmt.Sprintf("%+v", c), "client value %+v": fmt.Sprintf("%+v", *c), "client %#v": fmt.Sprintf("%#v", c), "logs": logs.String(),
	} {
		if strings.Contains(text, key) {
			t.Errorf("%s shows the key: %s", what, text)
		}
	}
	if !strings.Contains(logs.String(), "retrying") {
		t.Errorf("retry was not logged: %s", logs.String())
	}
}

func TestSlowAnswerHitsTheCallersTimeout(t *testing.T) {
	c, fake := setup(t)
	fake.Fail(affinitytest.Slow(2 * time.Second))
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.ListOrganizationFields(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's deadline", err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("took %s; the timeout was not honoured", time.Since(start))
	}
}

func TestRateLimitedWithoutRetryAfterWaitsForReset(t *testing.T) {
	var sleeps recordedSleeps
	c, fake := setup(t, affinity.WithSleep(sleeps.sleep))
	fake.Fail(affinitytest.RateLimitedUntilReset(42))
	if _, err := c.ListOrganizationFields(t.Context()); err != nil {
		t.Fatal(err)
	}
	if w := sleeps.get(); len(w) != 1 || w[0] != 42*time.Second {
		t.Errorf("waits = %v, want exactly the 42s reset", w)
	}
}

// sentThenFailed forwards each request, so the server acts on it, and then reports a
// transport error, as a connection reset after the server read the request does.
type sentThenFailed struct{ next http.RoundTripper }

func (s sentThenFailed) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.next.RoundTrip(r)
	if err == nil {
		resp.Body.Close()
	}
	return nil, errors.New("connection reset by peer")
}

func TestCreateIsNotRepeatedAfterAnErrorOnceSent(t *testing.T) {
	c, fake := setup(t, option.WithHTTPClient(&http.Client{Transport: sentThenFailed{http.DefaultTransport}}))
	if _, err := c.CreateOrganization(t.Context(), affinity.NewOrganization{Name: "Once"}); err == nil {
		t.Fatal("want the transport error")
	}
	if fake.Hits() != 1 || fake.Len() != 1 {
		t.Errorf("hits %d, stored %d; a create the server saw must not be sent again", fake.Hits(), fake.Len())
	}
}

// Each interaction bound goes to its own parameter: min_ for After, max_ for Before.
func TestInteractionBoundsAreSentAsNamed(t *testing.T) {
	c, fake := setup(t)
	kinds := []affinity.InteractionKind{affinity.FirstEmail, affinity.LastEmail, affinity.LastInteraction,
		affinity.LastEvent, affinity.FirstEvent, affinity.NextEvent}
	for i, kind := range kinds {
		after := time.Date(2020, 1, 1+i, 0, 0, 0, 0, time.UTC)
		before := time.Date(2021, 1, 1+i, 0, 0, 0, 0, time.UTC)
		q := affinity.OrganizationQuery{WithInteractionDates: true,
			After: map[affinity.InteractionKind]time.Time{kind: after}, Before: map[affinity.InteractionKind]time.Time{kind: before}}
		if _, err := c.OrganizationPage(t.Context(), q, ""); err != nil {
			t.Fatal(err)
		}
		reqs := fake.Requests()
		got := reqs[len(reqs)-1].Query
		if got.Get("min_"+string(kind)+"_date") != after.Format(time.RFC3339) || got.Get("max_"+string(kind)+"_date") != before.Format(time.RFC3339) {
			t.Errorf("%s: query %v", kind, got)
		}
		for k := range got { // no bound of another kind, and no swapped one
			if (strings.HasPrefix(k, "min_") || strings.HasPrefix(k, "max_")) && k != "min_"+string(kind)+"_date" && k != "max_"+string(kind)+"_date" {
				t.Errorf("%s: unexpected bound %s", kind, k)
			}
		}
	}
}
