package cli

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// proxyEntry is validate proxy's entry in the hostile suite: bad flags, a hostile
// upstream, hostile clients; the tests it names prove the rest (what passes, the key,
// bounds and timeouts).
func proxyEntry() commandEntry {
	return commandEntry{
		cases: map[string]func(t *testing.T){
			"--upstream of control characters": refusedArgs("--upstream", "proxy", "--api", "affinity", "--upstream", controlArg),
			"--addr of control characters":     refusedArgs("validate proxy: --addr: ", "proxy", "--api", "affinity", "--upstream", "http://127.0.0.1:1", "--addr", controlArg),
			"--api of control characters":      refusedArgs("--api", "proxy", "--api", controlArg, "--upstream", "http://127.0.0.1:1"),
			"--upstream with a password":       refusedArgs("credentials in the URL", "proxy", "--api", "affinity", "--upstream", "http://u:"+url.QueryEscape(hostileKey)+"@127.0.0.1:1"),
			"an upstream that writes to the terminal and echoes the key": func(t *testing.T) {
				upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					w.Header().Set("X-Echo", r.Header.Get("Authorization"))
					fmt.Fprintf(w, `{"organizations":[{"id":%s,"name":%s}],"next_page_token":%s}`, jsonText(controlArg), jsonText(hostileKey), jsonText(url.QueryEscape(hostileKey)))
				}))
				defer upstream.Close()
				p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--strict")
				for _, path := range []string{"/organizations", "/nowhere/" + url.PathEscape(controlArg) + "?q=" + url.QueryEscape(controlArg), "/organizations?term=" + url.QueryEscape(hostileKey)} {
					req := newReq(t, http.MethodGet, p.URL+path, nil)
					req.SetBasicAuth("", hostileKey)
					resp, err := (&http.Client{}).Do(req)
					if err != nil {
						t.Fatal(err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if code := p.stop(); code != 1 {
					t.Errorf("exit %d", code)
				}
				if !strings.Contains(p.stderr.String(), `\x1b[2J`) {
					t.Errorf("the findings do not show the control characters escaped:\n%s", p.stderr.String())
				}
				clean(t, "stdout", p.stdout.String())
				clean(t, "stderr", p.stderr.String())
			},
			"the key in no output":               TestProxyKeyInNoOutput,
			"credentials past any service's":     TestProxyCredentials,
			"an upstream that hangs or is gone":  TestProxyUpstreamFails,
			"an unread body and a client gone":   TestProxyUnreadBodyAndGoneClient,
			"a body over --max-body-bytes":       TestProxyBodyOverTheLimit,
			"a client that takes it for a proxy": TestProxyRefusesProxyRequests,
		},
		peak: "TestProxyMemoryFlat and BenchmarkProxyConcurrent200 (200 clients; each body held at most --max-body-bytes, all at most 128 MiB)",
	}
}

// The upstream is asked only for codings the proxy can undo and check, weights kept,
// whatever the client accepts; a header with nothing to narrow is passed as it is,
// and the client's own header (what the recording shows) is never changed.
func TestCheckableEncodings(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"gzip, deflate", "gzip, deflate"},
		{"gzip, deflate, br", "gzip, deflate"},
		{"br, gzip;q=0.8, zstd;q=0.9, identity;q=0.1", "gzip;q=0.8, identity;q=0.1"},
		{"BR, X-GZIP", "X-GZIP"},
		{"br", ""},
		{"*", ""},
		{"gzip,,  ", "gzip,,  "},
		{"zstd, ünïcode;q=0.5, deflate", "deflate"},
	} {
		h := http.Header{}
		if tc.in != "" {
			h.Set("Accept-Encoding", tc.in)
		}
		h.Add("Authorization", "Basic x")
		before := h.Clone()
		got := checkableEncodings(h)
		if g := got.Get("Accept-Encoding"); g != tc.want || (tc.want == "" && len(got.Values("Accept-Encoding")) > 0) {
			t.Errorf("%q: upstream asked %q, want %q", tc.in, g, tc.want)
		}
		if !reflect.DeepEqual(h, before) || got.Get("Authorization") != "Basic x" {
			t.Errorf("%q: the client's header changed to %v, or the rest lost: %v", tc.in, h, got)
		}
	}
	// Two header lines, one to narrow.
	h := http.Header{"Accept-Encoding": {"br", "gzip"}}
	if got := checkableEncodings(h).Values("Accept-Encoding"); !reflect.DeepEqual(got, []string{"gzip"}) {
		t.Errorf("two lines: %q", got)
	}
}

// Through the proxy: a client that accepts br (as Node's fetch does) has the upstream
// asked for gzip only, gets gzip, and the answer is checked (its finding reported).
func TestProxyAsksForCheckableEncodings(t *testing.T) {
	asked := make(chan string, 1)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked <- r.Header.Get("Accept-Encoding")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, `{"organizations":[{"id":"not a number","name":"Zoë","domain":null,"domains":[],"global":false}],"next_page_token":null}`)
		zw.Close()
	}))
	defer upstream.Close()
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL)
	req := newReq(t, http.MethodGet, p.URL+"/organizations", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	resp, body := pxSend(t, req)
	if got := <-asked; got != "gzip, deflate" {
		t.Errorf("upstream asked for %q", got)
	}
	if resp.Header.Get("Content-Encoding") != "gzip" || len(body) == 0 {
		t.Errorf("client got %q encoding, %d bytes", resp.Header.Get("Content-Encoding"), len(body))
	}
	if code := p.stop(); code != 1 || !strings.Contains(p.stdout.String(), "/organizations/0/id") {
		t.Errorf("exit %d, want 1 with the body's finding:\n%s", code, p.stdout.String())
	}
}
