package httpcore

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/wrappers/apicall"
)

func request(t *testing.T, method, contentType string, body []byte) *http.Request {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, "https://api.example.test/x?a=1", r)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

func sets(t *testing.T, pairs ...any) []JSONSet {
	t.Helper()
	var out []JSONSet
	for i := 0; i < len(pairs); i += 2 {
		s, err := NewJSONSet(pairs[i].(string), pairs[i+1])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func sentBody(t *testing.T, req *http.Request) string {
	t.Helper()
	b, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	again, err := req.GetBody()
	if err != nil {
		t.Fatal(err)
	}
	replay, _ := io.ReadAll(again)
	if !bytes.Equal(b, replay) || req.ContentLength != int64(len(b)) {
		t.Errorf("body %s, replayed %s, ContentLength %d", b, replay, req.ContentLength)
	}
	return string(b)
}

func TestEditSetsMembersOfTheJSONBody(t *testing.T) {
	call := &Call{Sets: sets(t, "a.b", "café ☕", "n", json.RawMessage(`12345678901234567890`), "list", []any{1, nil}, "a.c", nil, "top", []byte(`{"x":[1]}`))}
	req := request(t, http.MethodPost, "application/json", []byte(`{"keep":1.50,"big":98765432109876543210,"a":{"old":true},"top":"replaced"}`))
	if err := call.edit(req); err != nil {
		t.Fatal(err)
	}
	want := `{"a":{"b":"café ☕","c":null,"old":true},"big":98765432109876543210,"keep":1.50,"list":[1,null],"n":12345678901234567890,"top":{"x":[1]}}`
	if got := sentBody(t, req); got != want {
		t.Errorf("body\n%s\nwant\n%s", got, want)
	}
	// Without a body, a write gets one made of the members set.
	req = request(t, http.MethodDelete, "", nil)
	if err := (&Call{Sets: sets(t, "reason", "dup")}).edit(req); err != nil {
		t.Fatal(err)
	}
	if got := sentBody(t, req); got != `{"reason":"dup"}` || req.Header.Get("Content-Type") != "application/json" {
		t.Errorf("body %s, Content-Type %q", got, req.Header.Get("Content-Type"))
	}
	// The query is added after the request's own, which keeps its encoding.
	req = request(t, http.MethodGet, "", nil)
	req.URL.RawQuery = "ids%5B%5D=1&ids[]=2"
	if err := (&Call{Query: url.Values{"q": {"Zürich 東京", "&="}}}).edit(req); err != nil {
		t.Fatal(err)
	}
	if got := req.URL.RawQuery; got != "ids%5B%5D=1&ids[]=2&q=Z%C3%BCrich+%E6%9D%B1%E4%BA%AC&q=%26%3D" {
		t.Errorf("query %s", got)
	}
}

func TestEditRefusesBodiesItCannotSetMembersIn(t *testing.T) {
	for _, tc := range []struct {
		name, method, contentType, body string
		set                             []JSONSet
		reason                          string
	}{
		{"a GET", http.MethodGet, "", "", sets(t, "a", 1), "GET request has no body"},
		{"a HEAD", http.MethodHead, "", "", sets(t, "a", 1), "HEAD request has no body"},
		{"an array", http.MethodPost, "application/json", `[{"a":1}]`, sets(t, "a", 1), "JSON array, not an object"},
		{"a string", http.MethodPost, "application/json", `"a"`, sets(t, "a", 1), "JSON string, not an object"},
		{"null", http.MethodPost, "application/json", `null`, sets(t, "a", 1), "JSON null, not an object"},
		{"a form", http.MethodPost, "application/x-www-form-urlencoded", "a=1", sets(t, "a", 1), "not JSON"},
		{"two values", http.MethodPost, "application/json", `{} {}`, sets(t, "a", 1), "not one JSON value"},
		{"a BOM", http.MethodPost, "application/json", "\ufeff{}", sets(t, "a", 1), "not one JSON value"},
		{"through a number", http.MethodPost, "application/json", `{"a":5}`, sets(t, "a.b", 1), "a is a JSON number, not an object"},
		{"through an array", http.MethodPost, "application/json", `{"a":{"b":[]}}`, sets(t, "a.b.c", 1), "a.b is a JSON array"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body []byte
			if tc.body != "" {
				body = []byte(tc.body)
			}
			req := request(t, tc.method, tc.contentType, body)
			err := (&Call{Sets: tc.set}).edit(req)
			var pe *apicall.ParamError
			if !errors.As(err, &pe) || pe.Param != "WithJSONSet" || !strings.Contains(pe.Reason, tc.reason) {
				t.Errorf("err = %v, want a ParamError for WithJSONSet saying %q", err, tc.reason)
			}
		})
	}
	for _, tc := range []struct {
		path  string
		value any
	}{{"", 1}, {".a", 1}, {"a.", 1}, {"a..b", 1}, {"a", json.RawMessage(`{`)}, {"a", []byte("\ufeff1")}, {"a", func() {}}} {
		if _, err := NewJSONSet(tc.path, tc.value); err == nil || err.Param != "WithJSONSet" {
			t.Errorf("NewJSONSet(%q, %T) = %v, want it refused", tc.path, tc.value, err)
		}
	}
}
