package cli

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
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
