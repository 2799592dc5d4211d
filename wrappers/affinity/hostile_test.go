package affinity_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// These tests play a hostile or broken server against the client.

// elsewhere is a server on another origin (same IP, another port) that counts what
// reaches it and whether a credential came along.
type elsewhere struct {
	*httptest.Server
	hits, credentials atomic.Int32
}

func newElsewhere(t *testing.T) *elsewhere {
	e := &elsewhere{}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.hits.Add(1)
		if r.Header.Get("Authorization") != "" || r.Header.Get("Referer") != "" {
			e.credentials.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `[]`)
	}))
	t.Cleanup(e.Close)
	return e
}

func TestRedirectToAnotherOriginIsRefused(t *testing.T) {
	for _, status := range []int{301, 302, 307, 308} {
		for _, auth := range []string{"basic", "bearer"} {
			t.Run(fmt.Sprintf("%d %s", status, auth), func(t *testing.T) {
				other := newElsewhere(t)
				origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, other.URL+"/organizations/fields", status)
				}))
				defer origin.Close()
				// A caller's own client, which must come out unchanged.
				hc := &http.Client{Timeout: 5 * time.Second}
				opts := []option.ClientOption{option.WithBaseURL(origin.URL), option.WithHTTPClient(hc)}
				if auth == "bearer" {
					opts = append(opts, affinity.WithBearerAuth())
				}
				c, err := affinity.NewClient(key, opts...)
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.ListOrganizationFields(t.Context())
				var redirect *apicall.RedirectError
				if !errors.As(err, &redirect) || redirect.StatusCode != status || !strings.HasPrefix(redirect.Location, other.URL) {
					t.Fatalf("err = %v, want a RedirectError naming %s", err, other.URL)
				}
				if other.hits.Load() != 0 {
					t.Errorf("the other origin got %d requests", other.hits.Load())
				}
				if hc.CheckRedirect != nil || hc.Transport != nil {
					t.Error("the caller's client was modified")
				}
			})
		}
	}
}

func TestRedirectWithinTheOriginIsFollowedWithoutReferer(t *testing.T) {
	var referer atomic.Value
	referer.Store("")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/organizations/fields" {
			http.Redirect(w, r, "/v2/fields", http.StatusFound)
			return
		}
		referer.Store(r.Header.Get("Referer"))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `[]`)
	}))
	defer srv.Close()
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListOrganizationFields(t.Context()); err != nil {
		t.Fatal(err)
	}
	if r := referer.Load().(string); r != "" {
		t.Errorf("Referer sent on redirect: %q", r)
	}
}

// endless serves n bytes of a JSON string at status, declaring no length.
func endless(t *testing.T, status int, n int64) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, `{"message":"`)
		_, _ = io.Copy(w, io.LimitReader(zeros{}, n))
	}))
	t.Cleanup(srv.Close)
	return srv
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}

func TestHugeBodyIsRefusedWithinBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 32 MiB")
	}
	srv := endless(t, 200, 1<<30)
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = c.ListOrganizationFields(t.Context())
	runtime.ReadMemStats(&after)
	if !errors.Is(err, affinity.ErrBodyTooLarge) {
		t.Fatalf("err = %v, want ErrBodyTooLarge", err)
	}
	// Everything allocated during the call, not just what was live at the end.
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 200<<20 {
		t.Errorf("a 1 GiB body made the client allocate %d MiB", allocated>>20)
	}
	t.Logf("allocated %d MiB for a 1 GiB body", (after.TotalAlloc-before.TotalAlloc)>>20)
}

func TestHugeErrorBodyStaysSmall(t *testing.T) {
	srv := endless(t, 500, 50<<20)
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListOrganizationFields(t.Context())
	var apiErr *affinity.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
		t.Fatalf("err = %v", err)
	}
	if len(err.Error()) > 8<<10 || len(apiErr.Body) > 4<<10 || len(apiErr.Message) > 4<<10 {
		t.Errorf("error sizes: text %d, body %d, message %d", len(err.Error()), len(apiErr.Body), len(apiErr.Message))
	}
}

func TestServerWaitOverTheCapFailsAtOnce(t *testing.T) {
	for name, fault := range map[string]affinitytest.Fault{
		"Retry-After": affinitytest.RateLimited("86400"),
		"reset":       affinitytest.RateLimitedUntilReset(3600),
	} {
		t.Run(name, func(t *testing.T) {
			var sleeps recordedSleeps
			c, fake := setup(t, affinity.WithSleep(sleeps.sleep))
			fake.Fail(fault)
			_, err := c.ListOrganizationFields(t.Context()) // no deadline
			var apiErr *affinity.Error
			if !errors.As(err, &apiErr) || !errors.Is(err, affinity.ErrRateLimited) || apiErr.RetryAfter < time.Hour {
				t.Fatalf("err = %v, want ErrRateLimited carrying the requested wait", err)
			}
			if w := sleeps.get(); len(w) != 0 || fake.Hits() != 1 {
				t.Errorf("slept %v over %d requests; want one request and no wait", w, fake.Hits())
			}
		})
	}
	var sleeps recordedSleeps
	c, fake := setup(t, affinity.WithSleep(sleeps.sleep), option.WithMaxRetryWait(2*time.Hour))
	fake.Fail(affinitytest.RateLimited("3600"))
	if _, err := c.ListOrganizationFields(t.Context()); err != nil {
		t.Fatal(err)
	}
	if w := sleeps.get(); len(w) != 1 || w[0] != time.Hour {
		t.Errorf("waits = %v with a 2h cap, want the hour asked for", w)
	}
}

func TestEmptyPagesWithFreshTokensEnd(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"organizations":[],"next_page_token":"%s-%d"}`, strings.Repeat("t", 1000), n)
	}))
	defer srv.Close()
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	var last error
	for _, err := range c.Organizations(ctx, affinity.OrganizationQuery{}) {
		last = err
	}
	if !errors.Is(last, affinity.ErrEmptyPages) {
		t.Errorf("last error = %v, want ErrEmptyPages", last)
	}
	if n := hits.Load(); n != affinity.MaxEmptyPages {
		t.Errorf("requests = %d, want %d", n, affinity.MaxEmptyPages)
	}
}

// answering serves body with status 200 to every request.
func answering(t *testing.T, body string) *affinity.Client {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestWrongShapeIsMalformedNeverEmpty(t *testing.T) {
	org := `"name":"A","domain":null,"domains":[],"global":false`
	listings := map[string]struct{ body, member string }{
		"empty object":   {`{}`, "organizations"},
		"null":           {`null`, "organizations"},
		"token a number": {`{"organizations":[],"next_page_token":12}`, "next_page_token"},
		"id a string":    {`{"organizations":[{"id":"abc",` + org + `}],"next_page_token":null}`, "id"},
		"id past int64":  {`{"organizations":[{"id":9223372036854775808,` + org + `}],"next_page_token":null}`, "id"},
		"id missing":     {`{"organizations":[{` + org + `}],"next_page_token":null}`, "/organizations/0/id"},
	}
	for name, c := range listings {
		t.Run(name, func(t *testing.T) {
			n := 0
			var last error
			for _, err := range answering(t, c.body).Organizations(t.Context(), affinity.OrganizationQuery{}) {
				if err == nil {
					n++
				}
				last = err
			}
			if n != 0 || !errors.Is(last, affinity.ErrMalformedBody) || !strings.Contains(last.Error(), c.member) {
				t.Errorf("%d organizations, last error %v; want ErrMalformedBody naming %s", n, last, c.member)
			}
		})
	}
	for _, body := range []string{`{}`, `null`, `{"id":0,` + org + `}`} {
		_, err := answering(t, body).GetOrganization(t.Context(), 5, affinity.GetOrganizationOptions{})
		if !errors.Is(err, affinity.ErrMalformedBody) || !strings.Contains(err.Error(), "id") {
			t.Errorf("GetOrganization on %s: %v, want ErrMalformedBody naming id", body, err)
		}
	}
	if _, err := answering(t, `null`).ListOrganizationFields(t.Context()); !errors.Is(err, affinity.ErrMalformedBody) {
		t.Errorf("fields as null: %v", err)
	}
}

func TestBodyCutMidStreamIsRetriedForReadsOnly(t *testing.T) {
	c, fake := setup(t)
	fake.Generate(2)
	fake.Fail(affinitytest.CutShort())
	page, err := c.OrganizationPage(t.Context(), affinity.OrganizationQuery{}, "")
	if err != nil || len(page.Organizations) != 2 || fake.Hits() != 2 {
		t.Errorf("GET after a cut body: %d organizations, %v, %d requests; want a retry", len(page.Organizations), err, fake.Hits())
	}
	fake.Fail(affinitytest.CutShort())
	before := fake.Hits()
	if _, err := c.CreateOrganization(t.Context(), affinity.NewOrganization{Name: "Once"}); err == nil {
		t.Error("create with a cut answer succeeded")
	}
	if sent := fake.Hits() - before; sent != 1 {
		t.Errorf("create sent %d times after a cut answer, want 1", sent)
	}
}

func TestEchoedKeyIsRedacted(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	for name, fault := range map[string]affinitytest.Fault{
		"text":      {Status: 401, ContentType: "text/plain", Body: "Invalid key " + key + " for this account"},
		"JSON":      {Status: 422, ContentType: "application/json", Body: `{"errors":[{"message":"bad key ` + key + `","param":"key"}]}`},
		"malformed": {Status: 200, ContentType: "application/json", Body: `{"organizations": "` + key + `"}`},
	} {
		c, fake := setup(t, option.WithLogger(logger))
		fake.Fail(fault)
		_, err := c.OrganizationPage(t.Context(), affinity.OrganizationQuery{}, "")
		var apiErr *affinity.Error
		if !errors.As(err, &apiErr) {
			t.Fatalf("%s: err = %v", name, err)
		}
		for what, text := range map[string]string{"Error()": err.Error(), "Message": apiErr.Message, "Body": string(apiErr.Body), "logs": logs.String()} {
			if strings.Contains(text, key) {
				t.Errorf("%s: %s shows the key: %s", name, what, text)
			}
		}
	}
}

// Empty pages count only in a row: a full page between runs of empty ones resets the
// count, so a listing with MaxEmptyPages-1 empty pages on each side of its data yields
// all of it; the same runs with no data between them fail.
func TestEmptyPagesCountInARow(t *testing.T) {
	page := func(token string, ids ...int) string {
		orgs := make([]string, len(ids))
		for i, id := range ids {
			orgs[i] = fmt.Sprintf(`{"id":%d,"name":"Org %d","domain":null,"domains":[],"global":true}`, id, id)
		}
		next := "null"
		if token != "" {
			next = `"` + token + `"`
		}
		return `{"organizations":[` + strings.Join(orgs, ",") + `],"next_page_token":` + next + `}`
	}
	for _, c := range []struct {
		name   string
		pages  []string // the data page's place is "full"
		want   int
		failed bool
	}{
		{"a full page between empty runs", append(append(repeat("empty", affinity.MaxEmptyPages-1), "full"), repeat("empty", affinity.MaxEmptyPages-1)...), 3, false},
		{"two empty runs without data between", append(repeat("empty", affinity.MaxEmptyPages-1), repeat("empty", affinity.MaxEmptyPages-1)...), 0, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				i := int(hits.Add(1)) - 1
				next := fmt.Sprintf("t%d", i+1)
				if i+1 >= len(c.pages) {
					next = ""
				}
				w.Header().Set("Content-Type", "application/json")
				switch {
				case i >= len(c.pages):
					t.Errorf("request %d past the last page", i)
					fmt.Fprint(w, page(""))
				case c.pages[i] == "full":
					fmt.Fprint(w, page(next, 1, 2, 3))
				default:
					fmt.Fprint(w, page(next))
				}
			}))
			defer srv.Close()
			client, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(0))
			if err != nil {
				t.Fatal(err)
			}
			n, failed := 0, false
			for _, err := range client.Organizations(t.Context(), affinity.OrganizationQuery{}) {
				if err != nil {
					failed = errors.Is(err, affinity.ErrEmptyPages)
					break
				}
				n++
			}
			if n != c.want || failed != c.failed {
				t.Errorf("%d organizations, failed %v; want %d, %v", n, failed, c.want, c.failed)
			}
		})
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}
