package affinity_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/option"
)

const orgBody = `{"id":7,"name":"Org 7","domain":null,"domains":[],"global":false,"crunchbase_uuid":null,"modeled_later":{"rank":3}}`

// One option, two places: the same WithRetries, WithHeader and WithTimeout values go to
// NewClient and to a call, held in variables of the option types, and a call's never
// outlives the call.
func TestSharedOptionsWorkForTheClientAndForACall(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(http.StatusOK, orgBody))
	var deadlines []time.Duration
	spy := func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if d, ok := r.Context().Deadline(); ok {
				deadlines = append(deadlines, time.Until(d))
			} else {
				deadlines = append(deadlines, 0)
			}
			return next.RoundTrip(r)
		})
	}
	var clientHeader option.Option = option.WithHeader("X-Team", "core")
	clientOpts := []option.ClientOption{option.WithBaseURL(srv.URL), clientHeader, option.WithTimeout(time.Minute), option.WithMiddleware(spy)}
	c, err := affinity.NewClient(key, clientOpts...)
	if err != nil {
		t.Fatal(err)
	}
	callOpts := []option.CallOption{option.WithHeader("X-Team", "ops"), option.WithHeader("X-Trace", "Zürich"), option.WithTimeout(time.Hour)}
	for i, opts := range [][]option.CallOption{nil, callOpts, nil} {
		if _, err := c.GetOrganization(t.Context(), 7, affinity.GetOrganizationOptions{}, opts...); err != nil {
			t.Fatal(err)
		}
		last := srv.requests()[i]
		wantTeam, wantTrace, wantLeft := "core", "", time.Minute
		if opts != nil {
			wantTeam, wantTrace, wantLeft = "ops", "Zürich", time.Hour
		}
		if got := last.Header.Get("X-Team"); got != wantTeam || last.Header.Get("X-Trace") != wantTrace {
			t.Errorf("call %d: X-Team %q, X-Trace %q; want %q, %q", i, got, last.Header.Get("X-Trace"), wantTeam, wantTrace)
		}
		if left := deadlines[i]; left <= wantLeft-time.Minute/2 || left > wantLeft {
			t.Errorf("call %d: %s left before its deadline, want about %s", i, left, wantLeft)
		}
	}
	// Without WithTimeout a call is bounded by its context only.
	deadlines = nil
	plain, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), option.WithMiddleware(spy))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.GetOrganization(t.Context(), 7, affinity.GetOrganizationOptions{}); err != nil || deadlines[0] != 0 {
		t.Errorf("no timeout: %v, deadline in %s", err, deadlines[0])
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// The names of v0.1.0's development still work, deprecated, each as its new name does.
func TestDeprecatedCallOptionsStillWork(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(http.StatusServiceUnavailable, `{}`))
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), noSleep())
	if err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1019 the deprecated names are what this test is about
	old := []option.CallOption{option.WithCallRetries(1), option.WithCallHeader("X-Trace", "old"), option.WithCallTimeout(time.Hour)}
	var resp affinity.Response
	_, err = c.GetOrganization(t.Context(), 7, affinity.GetOrganizationOptions{}, append(old, affinity.WithResponseInto(&resp))...)
	var apiErr *affinity.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable || resp.Attempts != 2 {
		t.Errorf("err = %v after %d attempts, want the 503 after 2", err, resp.Attempts)
	}
	if reqs := srv.requests(); len(reqs) != 2 || reqs[0].Header.Get("X-Trace") != "old" {
		t.Errorf("requests %+v", reqs)
	}
}

// WithQuery and WithJSONSet reach the server on a typed method, next to the method's
// own parameters and members, non-ASCII intact; the next call carries neither.
func TestQueryAndJSONSetReachTheServerOnATypedMethod(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(http.StatusCreated, orgBody))
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateOrganization(t.Context(), affinity.NewOrganization{Name: "Café ☕", PersonIDs: []int64{38706}},
		option.WithQuery("source", "Zürich 東京"), option.WithQuery("source", "2"),
		option.WithJSONSet("meta.owner", "Zoë"), option.WithJSONSet("meta.tags", []any{"a", nil}), option.WithJSONSet("name", "Café ☕ GmbH"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateOrganization(t.Context(), affinity.NewOrganization{Name: "Plain"}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	var first, second map[string]any
	if err := json.Unmarshal([]byte(reqs[0].Body), &first); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(reqs[1].Body), &second); err != nil {
		t.Fatal(err)
	}
	wantFirst := map[string]any{"name": "Café ☕ GmbH", "person_ids": []any{38706.0}, "meta": map[string]any{"owner": "Zoë", "tags": []any{"a", nil}}}
	if !reflect.DeepEqual(first, wantFirst) || !reflect.DeepEqual(reqs[0].Query, url.Values{"source": {"Zürich 東京", "2"}}) {
		t.Errorf("first request: body %s, query %v", reqs[0].Body, reqs[0].Query)
	}
	if len(reqs[1].Query) != 0 || second["meta"] != nil || second["name"] != "Plain" {
		t.Errorf("the next call carried the first's additions: body %s, query %v", reqs[1].Body, reqs[1].Query)
	}
}

// A typed method's answer is there whole, members the wrapper does not model included,
// with WithRawResponseInto; a failed call leaves it alone.
func TestRawResponseOfATypedMethod(t *testing.T) {
	srv, _ := echoServer(t)
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	var raw json.RawMessage
	org, err := c.GetOrganization(t.Context(), 3, affinity.GetOrganizationOptions{}, option.WithRawResponseInto(&raw))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"id":3,"name":"Org 3","domains":[],"global":false}`; string(raw) != want || org.Name != "Org 3" {
		t.Errorf("raw %s, want %s", raw, want)
	}
	before := string(raw)
	_, err = c.GetOrganization(t.Context(), 3003, affinity.GetOrganizationOptions{}, option.WithRawResponseInto(&raw))
	if !errors.Is(err, affinity.ErrNotFound) || string(raw) != before {
		t.Errorf("a 404: %v, raw now %s", err, raw)
	}
}

// seen is one request a recording server received.
type seen struct {
	Method, Path, RawPath, Auth string
	Query                       url.Values
	Header                      http.Header
	Body                        string
}

// recorder is a loopback server that records every request and answers with answer.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func newRecorder(t *testing.T, answer http.HandlerFunc) *recorder {
	t.Helper()
	r := &recorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.reqs = append(r.reqs, seen{Method: req.Method, Path: req.URL.Path, RawPath: req.URL.EscapedPath(), Auth: req.Header.Get("Authorization"),
			Query: req.URL.Query(), Header: req.Header.Clone(), Body: string(body)})
		r.mu.Unlock()
		answer(w, req)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *recorder) requests() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.reqs...)
}

func jsonAnswer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

func noSleep() option.ClientOption {
	return affinity.WithSleep(func(context.Context, time.Duration) error { return nil })
}

// A key a successful answer echoes (as sent, base64 of the Basic credentials, JSON
// \u escapes) reaches neither the decoded value nor the raw copy; the answer is read
// as the JSON it was, and a later clean answer is untouched.
func TestAKeyEchoedInASuccessfulAnswerGoesNoFurther(t *testing.T) {
	basic := base64.StdEncoding.EncodeToString([]byte(":" + key))
	var escaped strings.Builder
	for _, r := range key {
		fmt.Fprintf(&escaped, `\u%04x`, r)
	}
	answers := []string{
		fmt.Sprintf(`{"id":3,"name":"Ünïcode %s","domain":"x.example","domains":["%s.example"],"global":false}`, key, basic),
		fmt.Sprintf(`{"id":3,"name":"%s","domain":"x.example","domains":[],"global":false}`, escaped.String()),
		`{"id":3,"name":"Plain ~ & % \u00fc","domain":"x.example","domains":[],"global":false}`,
	}
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, answers[n%len(answers)])
		n++
	}))
	t.Cleanup(srv.Close)
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), option.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	for i := range answers {
		var raw json.RawMessage
		org, err := c.GetOrganization(t.Context(), 3, affinity.GetOrganizationOptions{}, option.WithRawResponseInto(&raw))
		if err != nil {
			t.Fatalf("answer %d: %v", i, err)
		}
		all := fmt.Sprintf("%+v %s", org, raw)
		if strings.Contains(all, key) || strings.Contains(all, basic) || strings.Contains(all, escaped.String()) {
			t.Errorf("answer %d: the key reached the caller: %s", i, all)
		}
		if i < 2 && !strings.Contains(org.Name+strings.Join(org.Domains, ","), "REDACTED") {
			t.Errorf("answer %d: %+v, want the echo marked REDACTED", i, org)
		}
		if i == 2 && org.Name != "Plain ~ & % ü" {
			t.Errorf("a clean answer was changed: %q", org.Name)
		}
	}
}
