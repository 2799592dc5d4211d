package contract

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/specs"
)

// Reads says which bodies a check reads: a documented JSON answer's, a request body
// only with request checks and an operation that takes one, and none of an
// undocumented endpoint or status, or of a media type the check does not parse.
func TestReads(t *testing.T) {
	plain, err := NewEmbedded(t.Context(), specs.Affinity)
	if err != nil {
		t.Fatal(err)
	}
	requests, err := NewEmbedded(t.Context(), specs.Affinity, CheckRequests())
	if err != nil {
		t.Fatal(err)
	}
	ex := func(method, path string, status int, ct string) Exchange {
		return Exchange{Method: method, URL: &url.URL{Path: path}, Status: status, ResponseHeader: http.Header{"Content-Type": {ct}}}
	}
	for _, c := range []struct {
		v        *Validator
		ex       Exchange
		req, res bool
	}{
		{plain, ex("GET", "/organizations", 200, "application/json; charset=utf-8"), false, true},
		{plain, ex("GET", "/organizations", 200, "text/html"), false, false},
		{plain, ex("GET", "/organizations", 200, ""), false, false},
		{plain, ex("GET", "/organizations", 299, "application/json"), false, false},
		{plain, ex("GET", "/nowhere", 200, "application/json"), false, false},
		{plain, ex("POST", "/organizations", 200, "application/json"), false, true},
		{requests, ex("POST", "/organizations", 200, "application/json"), true, true},
		{requests, ex("GET", "/organizations", 200, "application/json"), false, true},
	} {
		req, res := c.v.Reads(c.ex)
		if req != c.req || res != c.res {
			t.Errorf("%s %s %d %q: reads %v %v, want %v %v", c.ex.Method, c.ex.URL.Path, c.ex.Status, c.ex.ResponseHeader.Get("Content-Type"), req, res, c.req, c.res)
		}
	}
}

// Add records exchanges in order, numbering them as the HAR's entries, with the
// secrets a round trip's recording removes removed too.
func TestRecorderAdd(t *testing.T) {
	var out bytes.Buffer
	r := &Recorder{API: "affinity", Out: &out, Secrets: []string{"echoed-secret-123"}}
	for i := range 3 {
		u, _ := url.Parse("http://127.0.0.1:9/organizations?api_key=k123456789&page_size=1")
		ex := Exchange{Method: "GET", URL: u, RequestHeader: http.Header{"Authorization": {"Basic abc"}}, Status: 200 + i,
			ResponseHeader: http.Header{"Content-Type": {"application/json"}}, ResponseBody: []byte(`{"e":"echoed-secret-123"}`)}
		if n := r.Add(ex, time.Unix(0, 0), time.Millisecond); n != i {
			t.Errorf("Add numbered exchange %d as %d", i, n)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"k123456789", "Basic abc", "echoed-secret-123"} {
		if bytes.Contains(out.Bytes(), []byte(secret)) {
			t.Errorf("recording holds %q", secret)
		}
	}
	n := 0
	for ex, err := range Read("r.har", &out) {
		if err != nil {
			t.Fatal(err)
		}
		if ex.Index != n || ex.Status != 200+n || ex.API != "affinity" {
			t.Errorf("entry %d: index %d status %d api %q", n, ex.Index, ex.Status, ex.API)
		}
		n++
	}
	if n != 3 {
		t.Errorf("read %d entries back", n)
	}
}

// An entry recorded with AddUnchecked reads back as an *EntryError with the reason,
// and the entries around it as exchanges.
func TestRecorderAddUnchecked(t *testing.T) {
	var out bytes.Buffer
	r := &Recorder{API: "apollo", Out: &out}
	u, _ := url.Parse("http://127.0.0.1:9/api/v1/organizations/enrich")
	ex := Exchange{Method: "GET", URL: u, Status: 200, ResponseHeader: http.Header{"Content-Type": {"application/json"}}}
	r.Add(ex, time.Unix(0, 0), 0)
	if n := r.AddUnchecked(ex, time.Unix(0, 0), 0, "not checked: a body of 9 MiB"); n != 1 {
		t.Errorf("index %d", n)
	}
	r.Add(ex, time.Unix(0, 0), 0)
	r.Close()
	var got []string
	for ex, err := range Read("r.har", &out) {
		var ee *EntryError
		switch {
		case errors.As(err, &ee):
			got = append(got, fmt.Sprintf("%d error %v", ee.Index, ee.Err))
		case err != nil:
			t.Fatal(err)
		default:
			got = append(got, fmt.Sprintf("%d %s", ex.Index, ex.API))
		}
	}
	if want := "0 apollo|1 error not checked: a body of 9 MiB|2 apollo"; strings.Join(got, "|") != want {
		t.Errorf("read %q, want %q", strings.Join(got, "|"), want)
	}
}
