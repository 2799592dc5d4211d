package cli

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The upstream's origin is found however --upstream spells it: a host in upper case
// and an explicit default port name the same origin as the links Affinity writes
// (lower case, no port), and links in upper case are found as well; the path after
// the origin is still compared as it is, and another port, a user part or a longer
// path segment is no link to the upstream.
func TestPageLinksUpstreamSpelledOtherwise(t *testing.T) {
	const to = "http://127.0.0.1:8080"
	for _, c := range []struct {
		name, base, link, want string
	}{
		{"upper-case host", "https://API.Affinity.co", "https://api.affinity.co/v2/x?c=1", to + "/v2/x?c=1"},
		{"upper-case link", "https://api.affinity.co", "HTTPS://API.AFFINITY.CO/v2/x", to + "/v2/x"},
		{"default https port", "https://api.affinity.co:443", "https://api.affinity.co/v2/x", to + "/v2/x"},
		{"default port on the link", "https://api.affinity.co", "https://api.affinity.co:443/v2/x", to + "/v2/x"},
		{"default http port", "http://api.affinity.co:80", "http://api.affinity.co/v2/x", to + "/v2/x"},
		{"path prefix", "https://api.affinity.co/v2", "https://api.affinity.co/v2/companies?c=1", to + "/companies?c=1"},
		{"IPv6 literal", "http://[::1]:9000", "http://[::1]:9000/v2/x", to + "/v2/x"},
		{"another port", "https://api.affinity.co", "https://api.affinity.co:4430/v2/x", ""},
		{"http for https", "https://api.affinity.co", "http://api.affinity.co/v2/x", ""},
		{"a user part", "https://api.affinity.co", "https://api.affinity.co@evil.example/v2/x", ""},
		{"user before the host", "https://api.affinity.co", "https://u@api.affinity.co/v2/x", ""},
		{"longer path segment", "https://api.affinity.co/v2", "https://api.affinity.co/v2x/y", ""},
		{"path in another case", "https://api.affinity.co/v2", "https://api.affinity.co/V2/y", ""},
		{"host as a prefix", "https://api.affinity.co", "https://api.affinity.co.evil.example/v2/x", ""},
		{"fragment after the host", "https://api.affinity.co", "https://api.affinity.co#x", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := `{"pagination":{"nextUrl":"` + c.link + `"}}`
			got, n := pageLinks([]byte(body), c.base, to)
			want, wantN := body, 0
			if c.want != "" {
				want, wantN = `{"pagination":{"nextUrl":"`+c.want+`"}}`, 1
			}
			if string(got) != want || n != wantN {
				t.Errorf("base %s: got %d, %s\nwant %d, %s", c.base, n, got, wantN, want)
			}
		})
	}
}

// The proxy's own origin in a rewritten link is the Host the client sent when that is
// a host name of sound length, else the address the client reached: a megabyte Host
// (which the server's header limit lets through) would otherwise be copied into every
// link of every answer.
func TestProxyRewriteLinksHostHeader(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Digest", "sha-256=:YWJj:")
		w.Header().Set("Repr-Digest", "sha-256=:YWJj:")
		w.Header().Set("Digest", "SHA-256=YWJj")
		fmt.Fprintf(w, `{"data":[],"pagination":{"prevUrl":null,"nextUrl":"http://%s/v2/companies?cursor=Zm9v"}}`, r.Host)
	}))
	defer upstream.Close()
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--rewrite-links")
	addr := strings.TrimPrefix(p.URL, "http://")
	for _, c := range []struct{ host, want string }{
		{"", addr}, // HTTP/1.0, no Host
		{"proxy.internal:8080", "proxy.internal:8080"},
		{"[::1]:8080", "[::1]:8080"},
		{strings.Repeat("a", 300), addr},
		{strings.Repeat("a", 100000), addr},
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		proto, hdr := "HTTP/1.1", "Host: "+c.host+"\r\n"
		if c.host == "" {
			proto, hdr = "HTTP/1.0", ""
		}
		fmt.Fprintf(conn, "GET /v2/companies %s\r\n%sAuthorization: Bearer links-key-0123456789\r\nConnection: close\r\n\r\n", proto, hdr)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			conn.Close()
			t.Fatalf("Host %.20q: %v", c.host, err)
		}
		body, _ := io.ReadAll(resp.Body)
		conn.Close()
		want := `{"data":[],"pagination":{"prevUrl":null,"nextUrl":"http://` + c.want + `/v2/companies?cursor=Zm9v"}}`
		if string(body) != want {
			t.Errorf("Host %.20q (%d bytes): %d %.200s\nwant %s", c.host, len(c.host), resp.StatusCode, body, want)
		}
		for _, h := range []string{"Content-Digest", "Repr-Digest", "Digest"} {
			if v := resp.Header.Get(h); v != "" {
				t.Errorf("Host %.20q: %s: %s kept on a body that is not the one it digests", c.host, h, v)
			}
		}
	}
	if code := p.stop(); code != 0 {
		t.Errorf("exit %d: %s", code, p.stderr.String())
	}
}

// A partial answer (206, Content-Range) is a piece of a body: its links are not
// rewritten, since its length and range are the upstream's.
func TestProxyRewriteLinksPartial(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := fmt.Sprintf(`{"pagination":{"nextUrl":"http://%s/v2/companies?cursor=Zm9v"}}`, r.Host)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", len(body)-1, len(body)+100))
		w.WriteHeader(http.StatusPartialContent)
		io.WriteString(w, body)
	}))
	defer upstream.Close()
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--rewrite-links")
	req := newReq(t, http.MethodGet, p.URL+"/v2/companies", nil)
	req.Header.Set("Authorization", "Bearer links-key-0123456789")
	resp, body := pxSend(t, req)
	if !strings.Contains(string(body), upstream.URL) || resp.Header.Get("Content-Range") == "" {
		t.Errorf("a 206 was rewritten: %v %s", resp.Header, body)
	}
	p.stop()
}

// An answer with trailers keeps them when its links are rewritten: the new length set
// as Content-Length made the server send the body unchunked, with no room for the
// trailers the upstream sent.
func TestProxyRewriteLinksKeepsTrailers(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Trailer", "X-Sum")
		w.WriteHeader(http.StatusOK)
		fmt.Fprintf(w, `{"data":[],"pagination":{"prevUrl":null,"nextUrl":"http://%s/v2/companies?cursor=Zm9v"}}`, r.Host)
		w.(http.Flusher).Flush()
		w.Header().Set("X-Sum", "abc")
	}))
	defer upstream.Close()
	p := startProxy(t, "--api", "affinity", "--upstream", upstream.URL, "--rewrite-links")
	req := newReq(t, http.MethodGet, p.URL+"/v2/companies", nil)
	req.Header.Set("Authorization", "Bearer links-key-0123456789")
	resp, body := pxSend(t, req)
	want := `{"data":[],"pagination":{"prevUrl":null,"nextUrl":"` + p.URL + `/v2/companies?cursor=Zm9v"}}`
	if string(body) != want || resp.Trailer.Get("X-Sum") != "abc" {
		t.Errorf("got %s, trailers %v; want %s and X-Sum: abc", body, resp.Trailer, want)
	}
	if code := p.stop(); code != 0 {
		t.Errorf("exit %d: %s", code, p.stderr.String())
	}
}

// BenchmarkPageLinks is the look for links in an Affinity v2 page of 500 companies
// (each with fields, so many member names), as bytes per second.
func BenchmarkPageLinks(b *testing.B) {
	var page strings.Builder
	page.WriteString(`{"data":[`)
	for i := range 500 {
		if i > 0 {
			page.WriteString(",")
		}
		fmt.Fprintf(&page, `{"id":%d,"name":"Company %d","domain":"c%d.example","domains":["c%d.example"],"isGlobal":true,"fields":[{"id":"affinity-data-location","name":"Location","type":"enriched","enrichmentSource":"affinity-data","value":{"type":"location","data":{"streetAddress":null,"city":"Paris","state":null,"country":"France","continent":"Europe"}}}]}`, i, i, i, i)
	}
	page.WriteString(`],"pagination":{"prevUrl":null,"nextUrl":"https://api.affinity.co/v2/companies?cursor=abc"}}`)
	body := []byte(page.String())
	b.SetBytes(int64(len(body)))
	for range b.N {
		if _, n := pageLinks(body, "https://api.affinity.co", "http://127.0.0.1:8080"); n != 1 {
			b.Fatal(n)
		}
	}
}
