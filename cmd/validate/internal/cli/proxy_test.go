package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgapis/orgapis/contract"
)

// orgPage is an Affinity organization page of n organizations, as the spec has it.
func orgPage(n int) string {
	var orgs []string
	for i := range n {
		orgs = append(orgs, fmt.Sprintf(`{"id":%d,"name":"Org %d","domain":"org%d.example","domains":["org%d.example"],"global":false}`, 1000+i, i, i, i))
	}
	return `{"organizations":[` + strings.Join(orgs, ",") + `],"next_page_token":null}`
}

// pxSend sends a request through a client of the test's own, and returns the answer
// with its body read.
func pxSend(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	return resp, body
}

func newReq(t *testing.T, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// What the client gets through the proxy is what the upstream sent: the status, every
// header but the hop-by-hop ones, and the body's bytes, gzip-compressed as they came;
// what the upstream gets is what the client sent, but for the hop-by-hop headers.
func TestProxyForwardsUnchanged(t *testing.T) {
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	io.WriteString(zw, orgPage(3))
	zw.Close()
	var got atomic.Pointer[http.Request]
	var gotBody atomic.Pointer[[]byte]
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got.Store(r.Clone(context.Background()))
		gotBody.Store(&body)
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Content-Encoding", "gzip")
		h.Set("X-Ratelimit-Limit-User", "900")
		h.Add("X-Multi", "a")
		h.Add("X-Multi", "b")
		h.Set("Connection", "X-Hop")
		h.Set("X-Hop", "one connection only")
		h.Set("Keep-Alive", "timeout=5")
		w.WriteHeader(http.StatusOK)
		w.Write(zipped.Bytes())
	}))
	defer upstream.Close()
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL)

	req := newReq(t, http.MethodGet, p.URL+"/organizations?page_size=3&term=%C3%A9t%C3%A9", nil)
	req.SetBasicAuth("", "forwarded-key-0123456789")
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("X-Client", "héllo")
	req.Header.Set("Connection", "X-Private")
	req.Header.Set("X-Private", "for the proxy only")
	resp, body := pxSend(t, req)
	if resp.StatusCode != 200 || !bytes.Equal(body, zipped.Bytes()) {
		t.Fatalf("status %d, body %q: want the upstream's gzip bytes", resp.StatusCode, body)
	}
	if resp.Header.Get("Content-Encoding") != "gzip" || strings.Join(resp.Header.Values("X-Multi"), ",") != "a,b" ||
		resp.Header.Get("X-Ratelimit-Limit-User") != "900" {
		t.Errorf("headers %v: want the upstream's", resp.Header)
	}
	if resp.Header.Get("X-Hop") != "" || resp.Header.Get("Keep-Alive") != "" {
		t.Errorf("hop-by-hop headers passed on: %v", resp.Header)
	}
	up := got.Load()
	if up.URL.RawQuery != "page_size=3&term=%C3%A9t%C3%A9" || up.Header.Get("Accept-Encoding") != "gzip" || up.Header.Get("X-Client") != "héllo" {
		t.Errorf("upstream got %s %v", up.URL, up.Header)
	}
	if _, pass, _ := up.BasicAuth(); pass != "forwarded-key-0123456789" {
		t.Errorf("upstream got no key: %v", up.Header)
	}
	if up.Header.Get("X-Private") != "" || up.Header.Get("Connection") != "" || up.Header.Get("User-Agent") != "Go-http-client/1.1" {
		t.Errorf("upstream got %v: want the client's headers without the hop-by-hop ones", up.Header)
	}
	if code := p.stop(); code != 0 {
		t.Errorf("exit %d, want 0 (the gzip answer conforms): %s %s", code, p.stdout.String(), p.stderr.String())
	}
	if !strings.Contains(p.stdout.String(), "1 exchanges checked: 1 passed") {
		t.Errorf("report %q", p.stdout.String())
	}
}

// A POST body is passed on byte for byte, checked, and recorded; one the spec does
// not allow is a finding, and the exchange still goes through.
func TestProxyRequestBody(t *testing.T) {
	var gotBody atomic.Pointer[string]
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s := string(b)
		gotBody.Store(&s)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":1,"name":"A","domain":null,"domains":[],"global":false}`)
	}))
	defer upstream.Close()
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL)
	sent := `{"name": 7, "domain": "a.example"}`
	req := newReq(t, http.MethodPost, p.URL+"/organizations", strings.NewReader(sent))
	req.Header.Set("Content-Type", "application/json")
	resp, _ := pxSend(t, req)
	if resp.StatusCode != 200 || *gotBody.Load() != sent {
		t.Fatalf("status %d, upstream got %q", resp.StatusCode, *gotBody.Load())
	}
	if code := p.stop(); code != 1 {
		t.Errorf("exit %d, want 1: %s", code, p.stderr.String())
	}
	if !strings.Contains(p.stderr.String(), "finding: POST /organizations (createOrganization): proxy#0 200 request /name") {
		t.Errorf("log %q: want the request's finding with its operation and pointer", p.stderr.String())
	}
}

// The key a client sends reaches the upstream and no output: not the log, not a
// report in any format, not the recording, in any form the upstream echoes it in.
// A redirect to another origin is handed to the client, never followed, so the key
// never reaches it.
func TestProxyKeyInNoOutput(t *testing.T) {
	const key = "sekret-proxy-key-0123456789"
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/lists" {
			http.Redirect(w, r, other.URL+"/steal?k="+key, http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Echo", base64.StdEncoding.EncodeToString([]byte(":"+key)))
		// The key, as a name with the wrong type, and as a member: every finding quotes it.
		fmt.Fprintf(w, `{"organizations":[{"id":1,"name":{"%s":"%s"},"domain":null,"domains":["%s"],"global":false,"%s":1}],"next_page_token":%q}`,
			key, key, url64(key), key, key)
	}))
	defer upstream.Close()
	dir := t.TempDir()
	har, js, md, sarif := filepath.Join(dir, "p.har"), filepath.Join(dir, "r.json"), filepath.Join(dir, "r.md"), filepath.Join(dir, "r.sarif")
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--record", har, "--strict",
		"--report", "json="+js, "--report", "markdown="+md, "--report", "sarif="+sarif, "--format", "github")
	req := newReq(t, http.MethodGet, p.URL+"/organizations?term="+key, nil)
	req.SetBasicAuth("", key)
	req.Header.Set("X-Api-Key", key)
	resp, body := pxSend(t, req)
	if !strings.Contains(string(body), key) {
		t.Fatalf("the client did not get the upstream's answer as it was: %d %q", resp.StatusCode, body)
	}
	req = newReq(t, http.MethodGet, p.URL+"/lists", nil)
	req.SetBasicAuth("", key)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), other.URL) {
		t.Errorf("redirect: %d %v, want the upstream's 302 as it was", resp.StatusCode, resp.Header)
	}
	if code := p.stop(); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if elsewhere.Load() != 0 {
		t.Error("the redirect was followed to another origin")
	}
	outputs := map[string]string{"stdout": p.stdout.String(), "stderr": p.stderr.String()}
	for _, f := range []string{har, js, md, sarif} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		outputs[filepath.Base(f)] = string(data)
	}
	if !strings.Contains(outputs["stderr"], "finding:") || !strings.Contains(outputs["r.json"], "undocumented-field") {
		t.Fatalf("no findings to hide the key in: %v", outputs)
	}
	for name, text := range outputs {
		for _, form := range []string{key, url64(key), base64.StdEncoding.EncodeToString([]byte(":" + key)), "c2Vrcm"} {
			if strings.Contains(text, form) {
				t.Errorf("%s holds the key as %q", name, form)
			}
		}
	}
}

func url64(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }

// With --errors, an answer that breaks the spec reaches the client as a 502 naming
// the findings; one that conforms, and a request that breaks the spec, pass as they are.
func TestProxyErrorsMode(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("page_token") == "bad" {
			io.WriteString(w, `{"organizations":[{"id":"one","name":"A","domains":[],"global":false}],"next_page_token":null}`)
			return
		}
		io.WriteString(w, orgPage(1))
	}))
	defer upstream.Close()
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--errors", "--format", "json")
	resp, body := pxSend(t, newReq(t, http.MethodGet, p.URL+"/organizations?page_token=bad", nil))
	var refusal struct {
		Error          string             `json:"error"`
		UpstreamStatus int                `json:"upstream_status"`
		Findings       []contract.Finding `json:"findings"`
	}
	if err := json.Unmarshal(body, &refusal); err != nil || resp.StatusCode != http.StatusBadGateway || refusal.UpstreamStatus != 200 ||
		len(refusal.Findings) == 0 || refusal.Findings[0].Pointer != "/organizations/0/id" || refusal.Findings[0].OperationID != "searchOrganizations" {
		t.Errorf("off-spec answer: %d %s", resp.StatusCode, body)
	}
	resp, body = pxSend(t, newReq(t, http.MethodGet, p.URL+"/organizations?page_size=1", nil))
	if resp.StatusCode != 200 || string(body) != orgPage(1) {
		t.Errorf("conforming answer: %d %s", resp.StatusCode, body)
	}
	resp, body = pxSend(t, newReq(t, http.MethodGet, p.URL+"/organizations?colour=red", nil))
	if resp.StatusCode != 200 || string(body) != orgPage(1) {
		t.Errorf("off-spec request: %d %s, want the answer passed on", resp.StatusCode, body)
	}
	if code := p.stop(); code != 1 {
		t.Errorf("exit %d", code)
	}
}

// Without --errors nothing is refused: an off-spec answer reaches the client as sent.
func TestProxyPassesOffSpecAnswers(t *testing.T) {
	const off = `{"organizations":[{"id":"one"}]}`
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, off)
	}))
	defer upstream.Close()
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL)
	resp, body := pxSend(t, newReq(t, http.MethodGet, p.URL+"/organizations", nil))
	if resp.StatusCode != http.StatusTeapot || string(body) != off {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
	if code := p.stop(); code != 1 || !strings.Contains(p.stderr.String(), "undocumented-status") {
		t.Errorf("exit %d, log %s", code, p.stderr.String())
	}
}

// A body past --max-body-bytes is passed on whole as it streams, and its exchange is
// reported as not checked (exit 2: the check was not whole); one at the limit is held
// and checked.
func TestProxyBodyOverTheLimit(t *testing.T) {
	big, small := orgPage(40), orgPage(1)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("page_size") == "40" {
			io.WriteString(w, big)
			return
		}
		io.WriteString(w, small)
	}))
	defer upstream.Close()
	limit := len(small)
	if limit < 1024 {
		limit = 1024
	}
	dir := t.TempDir()
	har, report := filepath.Join(dir, "p.har"), filepath.Join(dir, "p.json")
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--max-body-bytes", fmt.Sprint(limit), "--record", har, "--report", "json="+report)
	if _, body := pxSend(t, newReq(t, http.MethodGet, p.URL+"/organizations?page_size=40", nil)); string(body) != big {
		t.Errorf("the large body came through as %d bytes, want %d", len(body), len(big))
	}
	if _, body := pxSend(t, newReq(t, http.MethodGet, p.URL+"/organizations?page_size=1", nil)); string(body) != small {
		t.Errorf("small body %q", body)
	}
	if code := p.stop(); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if !strings.Contains(p.stderr.String(), "validate proxy: "+har+"#0: not checked: GET "+upstream.URL+"/organizations?page_size=40 (searchOrganizations) 200: the response body, over --max-body-bytes") ||
		!strings.Contains(p.stdout.String(), "1 exchanges checked: 1 passed") {
		t.Errorf("stderr %s\nstdout %s", p.stderr.String(), p.stdout.String())
	}
	// The recording holds no body of the exchange not checked, and says why: a replay
	// reports it as the proxy did.
	var replay bytes.Buffer
	if code := runCheck(t.Context(), []string{"--requests", "--format", "json", har}, nil, &replay, io.Discard); code != 2 {
		t.Errorf("replay exit %d, want 2", code)
	}
	proxied, replayed := reportFindings(t, readFile(t, report)), reportFindings(t, replay.String())
	if len(proxied) != 1 || strings.Join(proxied, "\n") != strings.Join(replayed, "\n") {
		t.Errorf("the proxy found:\n%s\nthe replay:\n%s", strings.Join(proxied, "\n"), strings.Join(replayed, "\n"))
	}
}

// An upstream that never answers is a 504 after --timeout, an unreachable one a 502,
// and both fail the run (exit 2) with a line naming the request.
func TestProxyUpstreamFails(t *testing.T) {
	hang := make(chan struct{})
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer upstream.Close()
	defer close(hang)
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--timeout", "200ms")
	resp, body := pxSend(t, newReq(t, http.MethodGet, p.URL+"/organizations", nil))
	if resp.StatusCode != http.StatusGatewayTimeout || !strings.Contains(string(body), "did not answer") {
		t.Errorf("hanging upstream: %d %s", resp.StatusCode, body)
	}
	if code := p.stop(); code != 2 || !strings.Contains(p.stdout.String(), "did not answer") {
		t.Errorf("exit %d, want 2 and the failed exchange in the report:\n%s", code, p.stdout.String())
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := "http://" + ln.Addr().String()
	ln.Close()
	p = startProxy(t, "--api", "affinity", "--upstream", gone)
	resp, _ = pxSend(t, newReq(t, http.MethodGet, p.URL+"/organizations", nil))
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("unreachable upstream: %d", resp.StatusCode)
	}
	if code := p.stop(); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
}

// An upstream that answers without reading the request body answers the client at
// once; a client that goes away mid-exchange ends the upstream's request too.
func TestProxyUnreadBodyAndGoneClient(t *testing.T) {
	cancelled := make(chan struct{}, 1)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"message":"bad key"}`)
			return
		}
		<-r.Context().Done()
		cancelled <- struct{}{}
	}))
	defer upstream.Close()
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--max-body-bytes", "1024")
	// 64 MiB that the upstream never reads, streamed past the proxy's limit.
	req := newReq(t, http.MethodPost, p.URL+"/organizations", io.LimitReader(zeros{}, 64<<20))
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{}).Do(req)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("status %d, want the upstream's 401", resp.StatusCode)
		}
	} // else the upstream closed the connection on the unread body, as servers do

	ctx, cancel := context.WithCancel(context.Background())
	req = newReq(t, http.MethodGet, p.URL+"/organizations", nil).WithContext(ctx)
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	if _, err := (&http.Client{}).Do(req); err == nil {
		t.Error("the cancelled request got an answer")
	}
	select {
	case <-cancelled:
	case <-time.After(10 * time.Second):
		t.Error("the upstream's request went on after the client went away")
	}
	p.stop()
}

// A client that takes the proxy for an HTTP proxy (an absolute URL as the target) is
// told what it is; a path that would reach another origin is refused before anything
// is sent.
func TestProxyRefusesProxyRequests(t *testing.T) {
	var reached atomic.Int64
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached.Add(1) }))
	defer upstream.Close()
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--allow-empty")
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET http://evil.example/organizations HTTP/1.1\r\nHost: evil.example\r\n\r\n")
	buf := make([]byte, 512)
	n, _ := conn.Read(buf)
	if !strings.HasPrefix(string(buf[:n]), "HTTP/1.1 400") || !strings.Contains(string(buf[:n]), "reverse proxy") {
		t.Errorf("absolute-form target: %q", buf[:n])
	}
	conn2, err := net.Dial("tcp", strings.TrimPrefix(p.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	fmt.Fprintf(conn2, "GET //evil.example/x HTTP/1.1\r\nHost: a\r\n\r\n")
	n, _ = conn2.Read(buf)
	if reached.Load() > 0 || !strings.HasPrefix(string(buf[:n]), "HTTP/1.1 400") || !strings.Contains(string(buf[:n]), "another origin") {
		t.Errorf("//host path: %q", buf[:n])
	}
	if code := p.stop(); code != 0 {
		t.Errorf("exit %d", code)
	}
}

// --max-requests ends the run after that many exchanges, as Ctrl-C does; flags out
// of range are usage errors naming the flag.
func TestProxyFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--upstream", "http://x"}, "--api is required"},
		{[]string{"--api", "affinity"}, "--upstream is required"},
		{[]string{"--api", "affinity", "--upstream", "ftp://x"}, "--upstream"},
		{[]string{"--api", "affinity", "--upstream", "http://u:p@x"}, "credentials"},
		{[]string{"--api", "affinity", "--upstream", "http://x", "--max-body-bytes", "10"}, "--max-body-bytes 10"},
		{[]string{"--api", "affinity", "--upstream", "http://x", "--timeout", "0s"}, "--timeout"},
		{[]string{"--api", "affinity", "--upstream", "http://x", "--operation", "nope"}, `--operation "nope"`},
		{[]string{"--api", "affinity", "--upstream", "http://x", "--format", "xml"}, "--format"},
		{[]string{"--api", "affinity", "--upstream", "http://x", "stray"}, "unexpected arguments"},
	} {
		var stderr bytes.Buffer
		if code := runProxy(t.Context(), c.args, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%q: exit %d, %q; want 2 and %q", c.args, code, stderr.String(), c.want)
		}
	}
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, orgPage(1))
	}))
	defer upstream.Close()
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--max-requests", "2")
	for range 2 {
		pxSend(t, newReq(t, http.MethodGet, p.URL+"/organizations", nil))
	}
	select {
	case code := <-p.done:
		p.done <- code
		if code != 0 {
			t.Errorf("exit %d", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the proxy did not stop after --max-requests 2")
	}
}

// The proxy reads the configuration file validate check does: its selection and
// severities apply, flags override them, and check's own settings are left to it.
func TestProxyConfig(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, orgPage(1))
	}))
	defer upstream.Close()
	cfg := filepath.Join(t.TempDir(), "v.yaml")
	os.WriteFile(cfg, []byte("include: ['*.har']\nworkers: 2\nseverity:\n  request: warning\n"), 0o644)
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--config", cfg)
	pxSend(t, newReq(t, http.MethodGet, p.URL+"/organizations?colour=red", nil))
	if code := p.stop(); code != 0 || !strings.Contains(p.stdout.String(), "(warning)") {
		t.Errorf("request findings as warnings: exit %d, %s %s", code, p.stdout.String(), p.stderr.String())
	}
	p = startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--config", cfg, "--severity", "request=error")
	pxSend(t, newReq(t, http.MethodGet, p.URL+"/organizations?colour=red", nil))
	if code := p.stop(); code != 1 {
		t.Errorf("--severity over the file: exit %d", code)
	}
	p = startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--skip-operation", "searchOrganizations")
	pxSend(t, newReq(t, http.MethodGet, p.URL+"/organizations?colour=red", nil))
	if code := p.stop(); code != 2 || !strings.Contains(p.stderr.String(), "nothing was checked") {
		t.Errorf("every exchange left out: exit %d, %s", code, p.stderr.String())
	}
	os.WriteFile(cfg, []byte("strict: true\nbogus: 1\n"), 0o644)
	var stderr bytes.Buffer
	if code := runProxy(t.Context(), []string{"--api", "affinity", "--upstream", upstream.URL, "--config", cfg}, io.Discard, &stderr); code != 2 ||
		!strings.Contains(stderr.String(), cfg+":2: unknown key \"bogus\"") {
		t.Errorf("unknown key: exit %d, %s", code, stderr.String())
	}
}

// What the proxy recorded replays with validate check --requests to the findings the
// proxy reported, entry for entry.
func TestProxyRecordingReplays(t *testing.T) {
	m := startMockServer(t, "--api", "affinity", "--key", "replay-key-0123456789", "--orgs", "5", "--faults", "offspec")
	dir := t.TempDir()
	har, report := filepath.Join(dir, "p.har"), filepath.Join(dir, "p.json")
	p := startProxy(t, "--api", "affinity", "--upstream", m.URL, "--record", har, "--report", "json="+report)
	for _, path := range []string{"/organizations?page_size=2", "/organizations?page_size=2&colour=red", "/organizations/1000", "/organizations/999999", "/lists", "/nowhere"} {
		req := newReq(t, http.MethodGet, p.URL+path, nil)
		req.SetBasicAuth("", "replay-key-0123456789")
		pxSend(t, req)
	}
	if code := p.stop(); code != 1 {
		t.Fatalf("exit %d: %s", code, p.stderr.String())
	}
	proxied := reportFindings(t, readFile(t, report))
	var out bytes.Buffer
	if code := runCheck(t.Context(), []string{"--requests", "--format", "json", har}, nil, &out, io.Discard); code != 1 {
		t.Fatalf("replay exit %d: %s", code, out.String())
	}
	replayed := reportFindings(t, out.String())
	if len(proxied) < 3 || strings.Join(proxied, "\n") != strings.Join(replayed, "\n") {
		t.Errorf("proxy found:\n%s\nreplay found:\n%s", strings.Join(proxied, "\n"), strings.Join(replayed, "\n"))
	}
	// Entries are numbered as exchanges finish: each request here is on a connection
	// of its own, so the planted answer's number is not known.
	if !strings.Contains(strings.Join(proxied, "\n"), " searchOrganizations 200 body body /organizations/0/name") {
		t.Errorf("the planted answer is not among the findings: %s", strings.Join(proxied, "\n"))
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// reportFindings lists a JSON report's findings by entry, operation, status, kind,
// place and texts: what a replay must agree on (not the source's name or line).
func reportFindings(t *testing.T, report string) []string {
	t.Helper()
	var r struct {
		Findings []contract.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(report), &r); err != nil {
		t.Fatalf("report: %v: %s", err, report)
	}
	var out []string
	for _, f := range r.Findings {
		out = append(out, fmt.Sprintf("#%d %s %d %s %s %s %s: expected %s, found %s", f.Entry, f.OperationID, f.Status, f.Kind, f.Location, f.Pointer, f.Method+" "+f.Path, f.Expected, f.Found))
	}
	return out
}

// --errors refuses an answer whose status the spec does not document, though no
// check reads its body (it is streamed otherwise), and leaves a documented one alone.
func TestProxyErrorsModeUndocumentedStatus(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, "short and stout")
	}))
	defer upstream.Close()
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--errors")
	resp, body := pxSend(t, newReq(t, http.MethodGet, p.URL+"/organizations", nil))
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(body), `"kind":"undocumented-status"`) || strings.Contains(string(body), "stout") {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
	p.stop()
	p = startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--errors", "--severity", "undocumented-status=warning")
	resp, body = pxSend(t, newReq(t, http.MethodGet, p.URL+"/organizations", nil))
	if resp.StatusCode != http.StatusTeapot || string(body) != "short and stout" {
		t.Errorf("a warning refused the answer: %d %s", resp.StatusCode, body)
	}
	if code := p.stop(); code != 0 {
		t.Errorf("exit %d with the finding a warning", code)
	}
}

// Credentials past any service's (8 KiB, or a dozen of them) are refused before
// anything is sent; Apollo's deprecated api_key body member is a key like the
// header's: echoed back, it is in no output.
func TestProxyCredentials(t *testing.T) {
	const key = "apollo-body-key-0123456789"
	var reached atomic.Int64
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"organizations":[],"pagination":%q}`, key)
	}))
	defer upstream.Close()
	p := startProxy(t, "--api", "apollo", "--upstream", upstream.URL+"/api/v1")
	req := newReq(t, http.MethodGet, p.URL+"/organizations/enrich?domain=a.example", nil)
	req.Header.Set("X-Api-Key", strings.Repeat("k", 5<<10))
	if resp, _ := pxSend(t, req); resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge || reached.Load() != 0 {
		t.Errorf("a 5 KiB key: %d, upstream reached %d times", resp.StatusCode, reached.Load())
	}
	req = newReq(t, http.MethodPost, p.URL+"/mixed_companies/search", strings.NewReader(`{"api_key":"`+key+`","page":1}`))
	req.Header.Set("Content-Type", "application/json")
	if resp, body := pxSend(t, req); resp.StatusCode != 200 || !strings.Contains(string(body), key) {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
	if code := p.stop(); code != 1 {
		t.Errorf("exit %d", code)
	}
	if out := p.stdout.String() + p.stderr.String(); strings.Contains(out, key) || !strings.Contains(out, "REDACTED") {
		t.Errorf("output:\n%s", out)
	}
}

// A compressed answer is checked decoded, within --max-body-bytes decoded too: a gzip
// bomb, and an encoding the proxy cannot undo, pass on as they came, not checked.
func TestProxyCompressedAnswers(t *testing.T) {
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	io.WriteString(zw, `{"organizations":[`+strings.Repeat(" ", 1<<20)+`],"next_page_token":null}`)
	zw.Close()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("page_token") == "br" {
			w.Header().Set("Content-Encoding", "br")
			io.WriteString(w, "\x0b\x01\x80brotli?")
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb.Bytes())
	}))
	defer upstream.Close()
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--max-body-bytes", "65536")
	if _, body := pxSend(t, newReq(t, http.MethodGet, p.URL+"/organizations", nil)); !bytes.Equal(body, bomb.Bytes()) {
		t.Errorf("the gzip body came through as %d bytes, want its %d", len(body), bomb.Len())
	}
	if _, body := pxSend(t, newReq(t, http.MethodGet, p.URL+"/organizations?page_token=br", nil)); string(body) != "\x0b\x01\x80brotli?" {
		t.Errorf("the br body came through as %q", body)
	}
	if code := p.stop(); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	log := p.stderr.String()
	if !strings.Contains(log, "the response body, decoded, over --max-body-bytes") || !strings.Contains(log, `a "br"-encoded body, which the proxy cannot decode`) {
		t.Errorf("log:\n%s", log)
	}
}

// A request the upstream did not answer is in the recording too, as an entry with no
// answer (status 0) marked not checked, the key in none of it: a replay fails as the
// proxy did (exit 2), saying the upstream did not answer, where before the recording
// held nothing of it and a replay passed.
func TestProxyRecordsAnUnansweredRequest(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := "http://" + ln.Addr().String()
	ln.Close()
	har := filepath.Join(t.TempDir(), "rec.har")
	p := startProxy(t, "--api", "affinity", "--upstream", gone, "--record", har)
	const key = "unanswered-key-Zoë"
	req := newReq(t, http.MethodGet, p.URL+"/organizations?term=%C3%A9t%C3%A9", nil)
	req.SetBasicAuth("", key)
	if resp, _ := pxSend(t, req); resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("unreachable upstream: %d", resp.StatusCode)
	}
	if code := p.stop(); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	rec := readFile(t, har)
	if !strings.Contains(rec, `"status":0`) || !strings.Contains(rec, "did not answer") || strings.Contains(rec, key) ||
		strings.Contains(rec, base64.StdEncoding.EncodeToString([]byte(":"+key))) {
		t.Fatalf("recording:\n%s", rec)
	}
	var replay bytes.Buffer
	if code := runCheck(t.Context(), []string{"--format", "json", har}, nil, &replay, io.Discard); code != 2 || !strings.Contains(replay.String(), "did not answer") {
		t.Errorf("replay exit %d, want 2 saying the upstream did not answer:\n%s", code, replay.String())
	}
}
