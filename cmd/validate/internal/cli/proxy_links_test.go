package cli

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The links rewritten are the string values of nextUrl and prevUrl members on the
// upstream's base, and only those, however they are escaped; everything else of the
// body is left byte for byte.
func TestPageLinks(t *testing.T) {
	const base, to = "https://api.affinity.co", "http://127.0.0.1:8080"
	for _, c := range []struct {
		name, body, want string
		n                int
	}{
		{"next and prev", `{"data":[],"pagination":{"prevUrl":"https://api.affinity.co/v2/companies?cursor=a","nextUrl":"https://api.affinity.co/v2/companies?cursor=b"}}`,
			`{"data":[],"pagination":{"prevUrl":"http://127.0.0.1:8080/v2/companies?cursor=a","nextUrl":"http://127.0.0.1:8080/v2/companies?cursor=b"}}`, 2},
		{"null next", `{"pagination":{"prevUrl":null,"nextUrl":null}}`, `{"pagination":{"prevUrl":null,"nextUrl":null}}`, 0},
		{"escaped slashes", `{"nextUrl":"https:\/\/api.affinity.co\/v2\/persons?cursor=x"}`, `{"nextUrl":"http://127.0.0.1:8080/v2/persons?cursor=x"}`, 1},
		{"escaped name, spaces", "{ \"next\\u0055rl\" :\n \"https://api.affinity.co/v2/x\" }", "{ \"next\\u0055rl\" :\n \"http://127.0.0.1:8080/v2/x\" }", 1},
		{"query right after the base", `{"nextUrl":"https://api.affinity.co?cursor=1"}`, `{"nextUrl":"http://127.0.0.1:8080?cursor=1"}`, 1},
		{"a host that only starts like it", `{"nextUrl":"https://api.affinity.co.evil.example/v2/x"}`, `{"nextUrl":"https://api.affinity.co.evil.example/v2/x"}`, 0},
		{"another origin", `{"nextUrl":"https://example.com/v2/x"}`, `{"nextUrl":"https://example.com/v2/x"}`, 0},
		{"another member", `{"url":"https://api.affinity.co/v2/x","nextUrls":"https://api.affinity.co/v2/y"}`, `{"url":"https://api.affinity.co/v2/x","nextUrls":"https://api.affinity.co/v2/y"}`, 0},
		{"the name inside a string", `{"note":"\"nextUrl\":\"https://api.affinity.co/v2/x\""}`, `{"note":"\"nextUrl\":\"https://api.affinity.co/v2/x\""}`, 0},
		{"a value named like it", `{"kind":"nextUrl","x":"https://api.affinity.co/v2/x"}`, `{"kind":"nextUrl","x":"https://api.affinity.co/v2/x"}`, 0},
		{"non-ASCII kept", `{"name":"Café ✓","nextUrl":"https://api.affinity.co/v2/companies?term=caf%C3%A9"}`, `{"name":"Café ✓","nextUrl":"http://127.0.0.1:8080/v2/companies?term=caf%C3%A9"}`, 1},
		{"a number where the string goes", `{"nextUrl":1}`, `{"nextUrl":1}`, 0},
		{"cut off", `{"nextUrl":"https://api.affinity.co/v2/x`, `{"nextUrl":"https://api.affinity.co/v2/x`, 0},
		{"byte-order mark first", "\ufeff" + `{"nextUrl":"https://api.affinity.co/v2/x"}`, "\ufeff" + `{"nextUrl":"http://127.0.0.1:8080/v2/x"}`, 1},
		{"not JSON", `nextUrl: https://api.affinity.co/v2/x`, `nextUrl: https://api.affinity.co/v2/x`, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, n := pageLinks([]byte(c.body), base, to)
			if string(got) != c.want || n != c.n {
				t.Errorf("got %d links, %s\nwant %d, %s", n, got, c.n, c.want)
			}
			counted, m := pageLinks([]byte(c.body), base, "")
			if m != c.n || string(counted) != c.body {
				t.Errorf("counting alone: %d links (want %d), body %s", m, c.n, counted)
			}
			if c.n > 0 && !json.Valid(bytes.TrimPrefix(got, []byte("\ufeff"))) {
				t.Errorf("rewritten body is no JSON: %s", got)
			}
		})
	}
	// At most maxLinks are rewritten in one body; the rest are left as they came.
	var many strings.Builder
	many.WriteString("[")
	for i := range maxLinks + 3 {
		if i > 0 {
			many.WriteString(",")
		}
		fmt.Fprintf(&many, `{"nextUrl":"%s/v2/x?c=%d"}`, base, i)
	}
	many.WriteString("]")
	got, n := pageLinks([]byte(many.String()), base, to)
	if n != maxLinks || strings.Count(string(got), to) != maxLinks || strings.Count(string(got), base) != 3 {
		t.Errorf("%d rewritten, %d on the proxy, %d left", n, strings.Count(string(got), to), strings.Count(string(got), base))
	}
}

// A client paging through Affinity v2 companies by following nextUrl: with
// --rewrite-links every page comes through the proxy and is checked, and the
// recording keeps the upstream's links; without it, the client leaves after the first
// page, which the proxy says once on standard error.
func TestProxyRewriteLinks(t *testing.T) {
	const key = "links-key-0123456789"
	m := startMockServer(t, "--api", "affinity", "--key", key, "--orgs", "7")
	follow := func(t *testing.T, start string) (pages int, hosts []string) {
		next := start
		for next != "" && pages < 20 {
			req := newReq(t, http.MethodGet, next, nil)
			req.Header.Set("Authorization", "Bearer "+key)
			hosts = append(hosts, req.URL.Host)
			resp, body := pxSend(t, req)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", next, resp.StatusCode, body)
			}
			if cl := resp.Header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(body)) {
				t.Errorf("Content-Length %s for %d bytes", cl, len(body))
			}
			var page struct {
				Data       []json.RawMessage `json:"data"`
				Pagination struct {
					NextURL *string `json:"nextUrl"`
				} `json:"pagination"`
			}
			if err := json.Unmarshal(body, &page); err != nil {
				t.Fatalf("%s: %v: %s", next, err, body)
			}
			pages++
			next = ""
			if page.Pagination.NextURL != nil {
				next = *page.Pagination.NextURL
			}
		}
		return pages, hosts
	}

	direct, _ := follow(t, m.URL+"/v2/companies?limit=3")
	if direct < 3 {
		t.Fatalf("the mock has %d pages of companies by 3; the test wants 3 or more", direct)
	}

	t.Run("rewritten", func(t *testing.T) {
		dir := t.TempDir()
		har, report := filepath.Join(dir, "p.har"), filepath.Join(dir, "p.json")
		p := startProxy(t, "--api", "affinity", "--upstream", m.URL, "--rewrite-links", "--record", har, "--report", "json="+report)
		pages, hosts := follow(t, p.URL+"/v2/companies?limit=3")
		if pages != direct {
			t.Errorf("%d pages through the proxy, %d straight from the mock", pages, direct)
		}
		for _, h := range hosts {
			if "http://"+h != p.URL {
				t.Errorf("a request went to %s, not the proxy %s", h, p.URL)
			}
		}
		if code := p.stop(); code != 0 {
			t.Fatalf("exit %d: %s", code, p.stderr.String())
		}
		if s := summaryOf(t, readFile(t, report)); s.Checked != direct || s.Passed != direct {
			t.Errorf("checked %d, passed %d; want %d and %d", s.Checked, s.Passed, direct, direct)
		}
		rec := readFile(t, har)
		if strings.Contains(rec, strings.TrimPrefix(p.URL, "http://")) || strings.Count(rec, strings.TrimPrefix(m.URL, "http://")+"/v2/companies?cursor=") < 2 {
			t.Errorf("the recording should keep the upstream's links, not the proxy's: %.600s", rec)
		}
		if strings.Contains(p.stderr.String(), "leaves the proxy") {
			t.Errorf("warned with --rewrite-links: %s", p.stderr.String())
		}
	})

	t.Run("left alone", func(t *testing.T) {
		p := startProxy(t, "--api", "affinity", "--upstream", m.URL)
		pages, hosts := follow(t, p.URL+"/v2/companies?limit=3")
		if pages != direct || "http://"+hosts[0] != p.URL || "http://"+hosts[1] != m.URL {
			t.Errorf("%d pages, hosts %v: the second page should go to the upstream %s", pages, hosts, m.URL)
		}
		// A second page read through the proxy again warns no more.
		follow(t, p.URL+"/v2/companies?limit=3")
		p.stop()
		if got := strings.Count(p.stderr.String(), "leaves the proxy"); got != 1 {
			t.Errorf("said %d times, want once: %s", got, p.stderr.String())
		}
	})
}

// A gzip-compressed answer whose links are rewritten goes to the client decoded, with
// no Content-Encoding and its own length; the check sees the upstream's answer.
func TestProxyRewriteLinksGzip(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var zipped bytes.Buffer
		zw := gzip.NewWriter(&zipped)
		fmt.Fprintf(zw, `{"data":[],"pagination":{"prevUrl":null,"nextUrl":"http://%s/v2/companies?cursor=Zm9v"}}`, r.Host)
		zw.Close()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(zipped.Len()))
		w.Header().Set("ETag", `"abc"`)
		w.Write(zipped.Bytes())
	}))
	defer upstream.Close()
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--rewrite-links")
	req := newReq(t, http.MethodGet, p.URL+"/v2/companies", nil)
	req.Header.Set("Authorization", "Bearer links-key-0123456789")
	req.Header.Set("Accept-Encoding", "gzip")
	resp, body := pxSend(t, req)
	want := `{"data":[],"pagination":{"prevUrl":null,"nextUrl":"` + p.URL + `/v2/companies?cursor=Zm9v"}}`
	if string(body) != want || resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Content-Length") != strconv.Itoa(len(want)) || resp.Header.Get("ETag") != "" {
		t.Errorf("got %q, headers %v\nwant %q", body, resp.Header, want)
	}
	if code := p.stop(); code != 0 {
		t.Errorf("exit %d: %s", code, p.stderr.String())
	}
}

// summaryOf reads a JSON report's summary.
func summaryOf(t *testing.T, report string) Summary {
	t.Helper()
	var r struct {
		Summary Summary `json:"summary"`
	}
	if err := json.Unmarshal([]byte(report), &r); err != nil {
		t.Fatalf("report: %v: %s", err, report)
	}
	return r.Summary
}
