package affinity_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Do sends the client's key as Affinity wants it on each path: Basic on v1, a bearer
// token under /v2/, and a bearer token everywhere with WithBearerAuth.
func TestDoAuthenticatesAsTheClientDoes(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(http.StatusOK, `{}`))
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(":"+key))
	bearer := "Bearer " + key
	plain, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	withBearer, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), affinity.WithBearerAuth())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		c          *affinity.Client
		path, auth string
	}{
		{plain, "persons/7", basic},
		{plain, "/v2/persons/7", bearer},
		{plain, "v2/persons?limit=5", bearer},
		{withBearer, "persons/7", bearer},
	} {
		if err := tc.c.Do(t.Context(), http.MethodGet, tc.path, nil, nil, nil); err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		got := srv.requests()
		if last := got[len(got)-1]; last.Auth != tc.auth || last.Header.Get("User-Agent") == "" || last.Header.Get("Accept") != "application/json" {
			t.Errorf("%s: Authorization %q, header %v; want %q", tc.path, last.Auth, last.Header, tc.auth)
		}
	}
}

// A GET is repeated on 503 as every read is; a POST that reached the server is not,
// since Affinity has no idempotency key and it may have been applied.
func TestDoRetriesAsTypedCallsDo(t *testing.T) {
	var mu sync.Mutex
	fails := 2
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if fails > 0 {
			fails--
			jsonAnswer(http.StatusServiceUnavailable, `{"message":"busy"}`)(w, r)
			return
		}
		jsonAnswer(http.StatusOK, `{"id":7,"name":"Seven"}`)(w, r)
	})
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), noSleep())
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		ID   int64
		Name string
	}
	var resp affinity.Response
	if err := c.Do(t.Context(), http.MethodGet, "persons/7", nil, nil, &out, affinity.WithResponseInto(&resp)); err != nil {
		t.Fatal(err)
	}
	if out.ID != 7 || out.Name != "Seven" || len(srv.requests()) != 3 || resp.Attempts != 3 {
		t.Errorf("out %+v after %d requests (Attempts %d), want 3", out, len(srv.requests()), resp.Attempts)
	}

	for _, method := range []string{http.MethodPost, "post"} { // a lower-case post is a POST too
		mu.Lock()
		fails = 2
		mu.Unlock()
		before := len(srv.requests())
		err = c.Do(t.Context(), method, "persons", nil, map[string]string{"first_name": "Ada"}, &out)
		var apiErr *affinity.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable || apiErr.Method != http.MethodPost {
			t.Errorf("%s: err = %v, want the 503", method, err)
		}
		if sent := srv.requests()[before:]; len(sent) != 1 || sent[0].Method != http.MethodPost || sent[0].Body != `{"first_name":"Ada"}` {
			t.Errorf("%s: sent %+v, want one POST", method, sent)
		}
	}
}

// A redirect to another origin (here another port of 127.0.0.1) is refused before
// anything goes there, and neither the error nor any cause in it holds the key, even
// with the key in the redirect's path.
func TestDoRefusesARedirectToAnotherOrigin(t *testing.T) {
	other := newRecorder(t, jsonAnswer(http.StatusOK, `{}`))
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal/"+key+"?api_key="+key, http.StatusFound)
	})
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), noSleep())
	if err != nil {
		t.Fatal(err)
	}
	err = c.Do(t.Context(), http.MethodGet, "persons/7", nil, nil, nil)
	var redirect *apicall.RedirectError
	if !errors.As(err, &redirect) || redirect.StatusCode != http.StatusFound {
		t.Fatalf("err = %v, want a RedirectError", err)
	}
	if !strings.Contains(redirect.Location, other.URL) {
		t.Errorf("Location %q does not say where", redirect.Location)
	}
	assertNoKey(t, err)
	if n := len(other.requests()); n != 0 {
		t.Errorf("the other origin received %d requests", n)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("%d requests to the service, want 1 (a refused redirect is not retried)", n)
	}
	// The same origin is followed.
	same := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/persons/7" {
			http.Redirect(w, r, "/persons/8", http.StatusFound)
			return
		}
		jsonAnswer(http.StatusOK, `{"id":8}`)(w, r)
	})
	c, err = affinity.NewClient(key, option.WithBaseURL(same.URL))
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ ID int }
	if err := c.Do(t.Context(), http.MethodGet, "persons/7", nil, nil, &out); err != nil || out.ID != 8 {
		t.Errorf("same-origin redirect: %v, %+v", err, out)
	}
}

// assertNoKey fails when the key, in the forms a server echoes it, is in err's text,
// in the text of any error errors.Unwrap reaches, or in the fields of an *Error,
// *url.Error or *RedirectError among them.
func assertNoKey(t *testing.T, err error) {
	t.Helper()
	forms := []string{key, url.QueryEscape(key), base64.StdEncoding.EncodeToString([]byte(":" + key))}
	check := func(where, text string) {
		for _, f := range forms {
			if strings.Contains(text, f) {
				t.Errorf("%s holds the key: %s", where, text)
			}
		}
	}
	n := 0
	for e := err; e != nil; e = errors.Unwrap(e) {
		n++
		check(fmt.Sprintf("cause %d (%T)", n, e), e.Error())
		switch v := e.(type) {
		case *affinity.Error:
			check("Error.Body", string(v.Body))
			check("Error.Message", v.Message)
			check("Error.Code", v.Code)
			check("Error.Header", fmt.Sprint(v.Header))
		case *url.Error:
			check("url.Error.URL", v.URL)
		case *apicall.RedirectError:
			check("RedirectError.Location", v.Location)
		}
	}
	if n == 0 {
		t.Error("no error to look into")
	}
	var apiErr *affinity.Error
	if errors.As(err, &apiErr) {
		check("errors.As *Error", fmt.Sprintf("%+v", *apiErr))
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		check("errors.As *url.Error", fmt.Sprintf("%+v", *ue))
	}
}

// A key echoed back, in the body or a header of an error answer or of a 2xx one the
// caller's type cannot take, is scrubbed from the error and everything it holds; the
// error still matches the package's sentinels.
func TestDoScrubsAnEchoedKey(t *testing.T) {
	echo := fmt.Sprintf(`{"message":"bad key %s (%s)","errors":["%s"]}`, key, base64.StdEncoding.EncodeToString([]byte(":"+key)), url.QueryEscape(key))
	for _, tc := range []struct {
		name   string
		status int
		body   string
		is     error
	}{
		{"a 404", http.StatusNotFound, echo, affinity.ErrNotFound},
		{"a 401", http.StatusUnauthorized, echo, affinity.ErrUnauthorized},
		{"a 2xx of the wrong shape", http.StatusOK, fmt.Sprintf(`{"id":"%s"}`, key), affinity.ErrMalformedBody},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Echo", key)
				jsonAnswer(tc.status, tc.body)(w, r)
			})
			c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), noSleep())
			if err != nil {
				t.Fatal(err)
			}
			var out struct{ ID int }
			err = c.Do(t.Context(), http.MethodGet, "persons/7", nil, nil, &out)
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
			assertNoKey(t, err)
		})
	}
}

// Every way out of the base URL is refused with a ParamError naming the path, and
// nothing is sent; so are bad methods, bodies and destinations.
func TestDoRefusesBeforeSending(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(http.StatusOK, `{}`))
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	other := "http://127.0.0.1:1/x"
	var notPointer struct{}
	var nilPointer *struct{}
	for _, tc := range []struct {
		name, method, path string
		body, out          any
		param              string
	}{
		{"an absolute URL", "GET", srv.URL + "/persons", nil, nil, "path"},
		{"another origin", "GET", other, nil, nil, "path"},
		{"scheme-relative", "GET", "//127.0.0.1:1/x", nil, nil, "path"},
		{"dot-dot", "GET", "../x", nil, nil, "path"},
		{"dot-dot inside", "GET", "v2/../../x", nil, nil, "path"},
		{"encoded dot-dot", "GET", "%2e%2E/x", nil, nil, "path"},
		{"twice-encoded dot-dot", "GET", "a/%252e%252e/x", nil, nil, "path"},
		{"encoded slash and dot-dot", "GET", "a%2f..%2fx", nil, nil, "path"},
		{"a backslash", "GET", `a\..\x`, nil, nil, "path"},
		{"empty", "GET", "", nil, nil, "path"},
		{"a control character", "GET", "a\r\nX-Evil: 1", nil, nil, "path"},
		{"TRACE", "TRACE", "persons", nil, nil, "method"},
		{"no method", "", "persons", nil, nil, "method"},
		{"invalid raw JSON", "POST", "persons", json.RawMessage(`{"a":`), nil, "body"},
		{"a BOM before JSON", "POST", "persons", []byte("\ufeff{}"), nil, "body"},
		{"a body that does not encode", "POST", "persons", map[string]any{"f": func() {}}, nil, "body"},
		{"out not a pointer", "GET", "persons", nil, notPointer, "out"},
		{"out a nil pointer", "GET", "persons", nil, nilPointer, "out"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := c.Do(t.Context(), tc.method, tc.path, nil, tc.body, tc.out)
			var pe *apicall.ParamError
			if !errors.As(err, &pe) || pe.Param != tc.param || pe.Service != "affinity" {
				t.Errorf("err = %v, want a ParamError for %s", err, tc.param)
			}
		})
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("%d requests sent for refused calls", n)
	}
}

// Bodies go as JSON (raw JSON as it is), the query is added to the path's, non-ASCII
// survives both ways, and a *json.RawMessage takes the answer whole.
func TestDoSendsAndReceivesJSON(t *testing.T) {
	answer := `{"name":"Zürich 東京","unknown":{"deep":[1,null]}}`
	srv := newRecorder(t, jsonAnswer(http.StatusCreated, answer))
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		body any
		want string
	}{
		{"a struct", struct {
			Name string `json:"name"`
		}{"Café ☕"}, `{"name":"Café ☕"}`},
		{"raw JSON", json.RawMessage(`{"name": "Café ☕", "ids": [1, null]}`), `{"name": "Café ☕", "ids": [1, null]}`},
		{"bytes", []byte(`[1,null,"x"]`), `[1,null,"x"]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var raw json.RawMessage
			err := c.Do(t.Context(), http.MethodPost, "notes/café?src=bäckerei", url.Values{"tag": {"naïve", "東京"}}, tc.body, &raw)
			if err != nil {
				t.Fatal(err)
			}
			got := srv.requests()
			last := got[len(got)-1]
			if last.Body != tc.want || last.Header.Get("Content-Type") != "application/json" {
				t.Errorf("sent %s (%s), want %s", last.Body, last.Header.Get("Content-Type"), tc.want)
			}
			if last.Path != "/notes/café" || !reflect.DeepEqual(last.Query, url.Values{"src": {"bäckerei"}, "tag": {"naïve", "東京"}}) {
				t.Errorf("path %q query %v", last.Path, last.Query)
			}
			if string(raw) != answer {
				t.Errorf("out %s, want %s", raw, answer)
			}
		})
	}
	// nil out discards the answer; an empty 2xx body leaves out as it was.
	if err := c.Do(t.Context(), http.MethodDelete, "notes/1", nil, nil, nil); err != nil {
		t.Error(err)
	}
	empty := newRecorder(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	c, err = affinity.NewClient(key, option.WithBaseURL(empty.URL))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{"kept": 1}
	if err := c.Do(t.Context(), http.MethodDelete, "notes/1", nil, nil, &out); err != nil || out["kept"] != 1 {
		t.Errorf("an empty answer: %v, out %v", err, out)
	}
}

// The body limit holds for Do and for the raw response: a body at the limit is read
// whole, one past it fails the call and leaves the raw copy alone.
func TestDoAndRawResponseKeepTheBodyLimit(t *testing.T) {
	const limit = 1 << 10
	pad := func(n int) string { return `{"pad":"` + strings.Repeat("é", (n-10)/2) + `"}` }
	var size int
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) { jsonAnswer(http.StatusOK, pad(size))(w, r) })
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), option.WithMaxBodyBytes(limit))
	if err != nil {
		t.Fatal(err)
	}
	size = limit
	var raw, out json.RawMessage
	if err := c.Do(t.Context(), http.MethodGet, "x", nil, nil, &out, option.WithRawResponseInto(&raw)); err != nil {
		t.Fatalf("a body of %d bytes: %v", len(pad(size)), err)
	}
	if string(raw) != pad(size) || string(out) != pad(size) || len(raw) > limit {
		t.Errorf("raw %d bytes, out %d, want %d", len(raw), len(out), len(pad(size)))
	}
	// The copy is the caller's: changing it changes nothing of the next call's.
	raw[0] = 'X'
	size = limit + 10
	var raw2 json.RawMessage
	err = c.Do(t.Context(), http.MethodGet, "x", nil, nil, nil, option.WithRawResponseInto(&raw2))
	if !errors.Is(err, affinity.ErrBodyTooLarge) || raw2 != nil {
		t.Errorf("a body of %d bytes: %v, raw %d bytes", len(pad(size)), err, len(raw2))
	}
}

// Call options are refused when they are another service's or nil, for Do as for any
// method, and the refusal names the client's service.
func TestDoRefusesBadCallOptions(t *testing.T) {
	srv := newRecorder(t, jsonAnswer(http.StatusOK, `{}`))
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	var resp apicall.Response[int]
	for i, opt := range []option.CallOption{nil, option.WithResponseInto(&resp), option.WithJSONSet("a", 1)} {
		err := c.Do(t.Context(), http.MethodGet, "x", nil, nil, nil, opt)
		var pe *apicall.ParamError
		if !errors.As(err, &pe) || pe.Service != "affinity" {
			t.Errorf("option %d: %v", i, err)
		}
	}
	// A JSON set on a body that is not an object.
	err = c.Do(t.Context(), http.MethodPost, "x", nil, []int{1}, nil, option.WithJSONSet("a", 1))
	var pe *apicall.ParamError
	if !errors.As(err, &pe) || pe.Param != "WithJSONSet" || !strings.Contains(err.Error(), "JSON array, not an object") {
		t.Errorf("an array body: %v", err)
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
