package affinity_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/option"
)

// echoServer answers GET /organizations/{id} with that organization, and rate-limit
// and request-id headers made from the id, so that each answer's metadata is told
// apart; ids over 1000 are not found. It counts the requests.
func echoServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /organizations/{id}", func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		id, _ := strconv.Atoi(r.PathValue("id"))
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("X-Request-Id", "req-"+r.PathValue("id"))
		h.Set("X-Ratelimit-Limit-User", "900")
		h.Set("X-Ratelimit-Limit-User-Remaining", strconv.Itoa(id))
		h.Set("X-Ratelimit-Limit-User-Reset", "60")
		h.Set("X-Trace", r.Header.Get("X-Trace"))
		if id > 1000 {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message":"not found"}`)
			return
		}
		fmt.Fprintf(w, `{"id":%d,"name":"Org %d","domains":[],"global":false}`, id, id)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &n
}

// 50 goroutines call at once; each call's Response holds its own answer's metadata,
// found or not, whatever the others do (run with -race).
func TestEachCallKeepsItsOwnMetadata(t *testing.T) {
	srv, _ := echoServer(t)
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := int64(g + 1)
			if g%5 == 0 {
				id += 1000 // every fifth is a 404, whose metadata is kept too
			}
			var resp affinity.Response
			_, err := c.GetOrganization(t.Context(), id, affinity.GetOrganizationOptions{}, affinity.WithResponseInto(&resp))
			wantStatus := http.StatusOK
			if id > 1000 {
				wantStatus = http.StatusNotFound
				if !errors.Is(err, affinity.ErrNotFound) {
					t.Errorf("id %d: err = %v, want ErrNotFound", id, err)
				}
			} else if err != nil {
				t.Errorf("id %d: %v", id, err)
			}
			if resp.StatusCode != wantStatus || resp.RateLimit.User.Remaining != id || resp.RequestID != fmt.Sprint("req-", id) ||
				resp.Attempts != 1 || resp.Header.Get("X-Request-Id") != resp.RequestID {
				t.Errorf("id %d: response = %+v", id, resp)
			}
		}()
	}
	wg.Wait()
	// The client-wide RateLimit is one of the answers, whichever came last.
	if rl := c.RateLimit().User.Remaining; rl < 1 || rl > 1050 {
		t.Errorf("RateLimit().User.Remaining = %d", rl)
	}
}

func TestCallRetriesOverrideTheClients(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	var slept []time.Duration
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(3),
		affinity.WithSleep(func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		opts     []option.CallOption
		attempts int
	}{
		{"the client's three retries", nil, 4},
		{"none for this call", []option.CallOption{option.WithRetries(0)}, 1},
		{"one for this call", []option.CallOption{option.WithRetries(1)}, 2},
		// A call's option changed nothing of the client's.
		{"the client's three again", nil, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n.Store(0)
			var resp affinity.Response
			_, err := c.GetOrganization(t.Context(), 7, affinity.GetOrganizationOptions{}, append(tc.opts, affinity.WithResponseInto(&resp))...)
			var apiErr *affinity.Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("err = %v", err)
			}
			if got := n.Load(); got != int64(tc.attempts) || resp.Attempts != tc.attempts {
				t.Errorf("%d requests, Response.Attempts %d; want %d", got, resp.Attempts, tc.attempts)
			}
		})
	}
}

// A call's timeout ends it, however long the server takes, and leaves other calls alone.
func TestCallTimeoutEndsTheCall(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":7,"name":"Org 7","domains":[],"global":false}`)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetOrganization(t.Context(), 7, affinity.GetOrganizationOptions{}, option.WithTimeout(20*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the call's deadline", err)
	}
}

func TestCallHeaderReachesTheServer(t *testing.T) {
	srv, n := echoServer(t)
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	var resp affinity.Response
	if _, err := c.GetOrganization(t.Context(), 3, affinity.GetOrganizationOptions{}, option.WithHeader("X-Trace", "t-1"), affinity.WithResponseInto(&resp)); err != nil {
		t.Fatal(err)
	}
	if got := resp.Header.Get("X-Trace"); got != "t-1" {
		t.Errorf("the server saw X-Trace %q", got)
	}
	// The header is that call's only.
	if _, err := c.GetOrganization(t.Context(), 3, affinity.GetOrganizationOptions{}, affinity.WithResponseInto(&resp)); err != nil {
		t.Fatal(err)
	}
	if got := resp.Header.Get("X-Trace"); got != "" || n.Load() != 2 {
		t.Errorf("the next call sent X-Trace %q (%d requests)", got, n.Load())
	}
}

// Bad call options, and options of the other service, are refused before anything is
// sent, with a *apicall.ParamError naming them.
func TestBadOptionsAreRefusedBeforeSending(t *testing.T) {
	srv, n := echoServer(t)
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	var apolloResp apollo.Response
	for _, tc := range []struct {
		name  string
		opt   option.CallOption
		param string
	}{
		{"an Apollo response", option.WithResponseInto(&apolloResp), "WithResponseInto"},
		{"a nil response", affinity.WithResponseInto(nil), "WithResponseInto"},
		{"a header with a line break", option.WithHeader("X-Trace", "a\r\nX-Evil: 1"), "WithHeader"},
		{"a header name with a colon", option.WithHeader("X:Trace", "a"), "WithHeader"},
		{"negative retries", option.WithRetries(-1), "WithRetries"},
		{"a zero timeout", option.WithTimeout(0), "WithTimeout"},
		{"an empty query key", option.WithQuery("", "a"), "WithQuery"},
		{"a JSON path with an empty name", option.WithJSONSet("a..b", 1), "WithJSONSet"},
		{"a JSON value that does not encode", option.WithJSONSet("a", json.RawMessage("{")), "WithJSONSet"},
		{"a JSON set on a GET", option.WithJSONSet("a", 1), "WithJSONSet"},
		{"a nil raw destination", option.WithRawResponseInto(nil), "WithRawResponseInto"},
		{"a nil option", nil, "call option 0"},
		{"a struct around a nil option", struct{ option.CallOption }{}, "call option 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.GetOrganization(t.Context(), 3, affinity.GetOrganizationOptions{}, tc.opt)
			var pe *apicall.ParamError
			if !errors.As(err, &pe) || pe.Param != tc.param || pe.Service != "affinity" || !strings.HasPrefix(err.Error(), "affinity: ") {
				t.Errorf("err = %v, want a ParamError for %s", err, tc.param)
			}
		})
	}
	if got := n.Load(); got != 0 {
		t.Errorf("%d requests sent for refused calls", got)
	}
	// A client option of Apollo's package is refused by an Affinity client, and the
	// other way round.
	_, err = affinity.NewClient(key, apollo.WithOAuthToken())
	var pe *apicall.ParamError
	if !errors.As(err, &pe) || pe.Param != "WithOAuthToken" || !strings.Contains(err.Error(), "package apollo") {
		t.Errorf("affinity.NewClient(apollo.WithOAuthToken()) = %v", err)
	}
	if _, err := apollo.NewClient(key, affinity.WithBearerAuth()); !errors.As(err, &pe) || pe.Param != "WithBearerAuth" || pe.Service != "apollo" {
		t.Errorf("apollo.NewClient(affinity.WithBearerAuth()) = %v", err)
	}
	if _, err := affinity.NewClient(key, nil); !errors.As(err, &pe) || pe.Param != "client option 0" {
		t.Errorf("a nil client option: %v", err)
	}
	if _, err := affinity.NewClient(key, option.WithRetries(1), struct{ option.ClientOption }{}); !errors.As(err, &pe) || pe.Param != "client option 1" {
		t.Errorf("a struct around a nil client option: %v", err)
	}
	for _, opt := range []option.ClientOption{option.WithRetries(-1), option.WithTimeout(-time.Second), option.WithHeader("", "a")} {
		if _, err := affinity.NewClient(key, opt); !errors.As(err, &pe) || pe.Service != "affinity" || !strings.HasPrefix(pe.Param, "With") {
			t.Errorf("a bad shared option given to NewClient: %v", err)
		}
	}
}
