package spectest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"
)

// Request is what a round-trip test expects on the wire. Empty fields are not checked,
// except Query, which must match exactly when not nil (use url.Values{} for "none").
type Request struct {
	Method string
	Path   string
	Query  url.Values
	// JSON is compared after decoding both sides, so key order does not matter.
	JSON string
	// Form is compared with the decoded form body; RawBody with the bytes sent.
	Form    url.Values
	RawBody string
	Header  map[string]string
}

// Server starts a server that checks each request against want, reports differences
// on t, and answers with status, a JSON content type and body.
func Server(t testing.TB, want Request, status int, body []byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		check(t, want, r)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func check(t testing.TB, want Request, r *http.Request) {
	t.Helper()
	if want.Method != "" && r.Method != want.Method {
		t.Errorf("method = %s, want %s", r.Method, want.Method)
	}
	if want.Path != "" && r.URL.Path != want.Path {
		t.Errorf("path = %s, want %s", r.URL.Path, want.Path)
	}
	if want.Query != nil && !reflect.DeepEqual(r.URL.Query(), want.Query) && !(len(want.Query) == 0 && r.URL.RawQuery == "") {
		t.Errorf("query = %v, want %v", r.URL.Query(), want.Query)
	}
	for k, v := range want.Header {
		if got := r.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Errorf("reading request body: %v", err)
	}
	if want.RawBody != "" && string(body) != want.RawBody {
		t.Errorf("body = %s, want %s", body, want.RawBody)
	}
	if want.JSON != "" {
		var got, exp any
		if err := json.Unmarshal(body, &got); err != nil {
			t.Errorf("body is not JSON: %v: %s", err, body)
		}
		if err := json.Unmarshal([]byte(want.JSON), &exp); err != nil {
			t.Fatalf("bad expected JSON in test: %v", err)
		}
		if !reflect.DeepEqual(got, exp) {
			t.Errorf("JSON body = %s, want %s", body, want.JSON)
		}
	}
	if want.Form != nil {
		got, err := url.ParseQuery(string(bytes.TrimSpace(body)))
		if err != nil {
			t.Errorf("body is not a form: %v", err)
		}
		if !reflect.DeepEqual(got, want.Form) {
			t.Errorf("form body = %v, want %v", got, want.Form)
		}
	}
}
