package affinitytest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
)

// The fake answers v2 by the version asked: a published one (or current, or none, for
// the key's default) is served and named in the answer's header; any other, a header
// sent twice included, is a 400 in v2's error shape naming the header. v1 ignores the
// header, as it has no versions.
func TestV2AnswersByTheVersionAsked(t *testing.T) {
	const key = "sk-version"
	fake := NewUnstartedServer(key, WithTest(t))
	fake.Generate(1)
	sendTo := func(fake *Server, path string, versions ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		if path[:4] == "/v2/" {
			r.Header.Set("Authorization", "Bearer "+key)
		} else {
			r.SetBasicAuth("", key)
		}
		for _, v := range versions {
			r.Header.Add(affinity.APIVersionHeader, v)
		}
		w := httptest.NewRecorder()
		fake.Handler().ServeHTTP(w, r)
		return w
	}
	send := func(path string, versions ...string) *httptest.ResponseRecorder {
		return sendTo(fake, path, versions...)
	}
	for _, c := range []struct {
		sent []string
		want string
	}{{nil, affinity.APIVersion}, {[]string{"2024-01-01"}, "2024-01-01"}, {[]string{"2026-07-15"}, "2026-07-15"},
		{[]string{"2026-09-17"}, "2026-09-17"}, {[]string{"current"}, "2026-09-17"}} {
		w := send("/v2/companies/1000", c.sent...)
		if w.Code != http.StatusOK || w.Header().Get(affinity.APIVersionHeader) != c.want {
			t.Errorf("%q: %d, answered as %q; want 200 as %s", c.sent, w.Code, w.Header().Get(affinity.APIVersionHeader), c.want)
		}
	}
	// A version of the right form, but unpublished, breaks no spec; the others break
	// the header's pattern, so they go to a fake whose findings fail no test.
	lax := NewUnstartedServer(key)
	lax.Generate(1)
	for i, sent := range [][]string{{"2025-01-01"}, {""}, {"2026-09-17 "}, {"Ω"}, {"2024-01-01", "2026-09-17"}} {
		to := fake
		if i > 0 {
			to = lax
		}
		w := sendTo(to, "/v2/companies/1000", sent...)
		var body struct {
			Errors []struct{ Code, Message, Param string }
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != http.StatusBadRequest || len(body.Errors) != 1 ||
			body.Errors[0].Code != "validation" || body.Errors[0].Param != affinity.APIVersionHeader {
			t.Errorf("%q: %d %s; want a 400 validation error naming %s", sent, w.Code, w.Body, affinity.APIVersionHeader)
		}
	}
	if w := send("/organizations/1000", "2025-01-01"); w.Code != http.StatusOK || w.Header().Get(affinity.APIVersionHeader) != "" {
		t.Errorf("v1 with a version: %d, answered as %q; want 200 with no version", w.Code, w.Header().Get(affinity.APIVersionHeader))
	}
	got := fake.Requests()
	if len(got) != 7 || got[5].APIVersion != "2025-01-01" || got[1].APIVersion != "2024-01-01" || got[0].APIVersion != "" {
		t.Errorf("recorded %+v", got)
	}
}
