package httpcore

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A Forwarder's URLs stay on the upstream's origin, under its path, whatever path a
// client sends; a malformed upstream is refused with its credentials left out.
func TestForwarderURL(t *testing.T) {
	f, err := NewForwarder(ForwardConfig{Upstream: "https://api.example.com/api/v1/"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, query, want string }{
		{"/organizations", "a=1", "https://api.example.com/api/v1/organizations?a=1"},
		{"/organizations/%2F..%2Fx", "", "https://api.example.com/api/v1/organizations/%2F..%2Fx"},
		{"/caf%C3%A9", "", "https://api.example.com/api/v1/caf%C3%A9"},
	} {
		u, err := f.URL(c.path, c.query)
		if err != nil || u.String() != c.want {
			t.Errorf("%q: %v %v, want %s", c.path, u, err, c.want)
		}
	}
	bare, _ := NewForwarder(ForwardConfig{Upstream: "http://127.0.0.1:1"})
	for _, path := range []string{"organizations", "//evil.example/x", "http://evil.example/x"} {
		if u, err := bare.URL(path, ""); err == nil {
			t.Errorf("%q: %v, want a refusal", path, u)
		}
	}
	for _, up := range []string{"", "ftp://x", "http://", "http://u:sekret-pass@x", "http://x/?api_key=1", "x.example"} {
		_, err := NewForwarder(ForwardConfig{Upstream: up})
		if err == nil || strings.Contains(err.Error(), "sekret-pass") {
			t.Errorf("%q: %v, want a refusal without the password", up, err)
		}
	}
}

// Forward passes the request on without its hop-by-hop headers and without adding a
// User-Agent or Accept-Encoding of its own, hands back a redirect instead of
// following it, refuses a URL of another origin, and gives up on an upstream that
// sends no headers in ResponseTimeout or headers past MaxHeaderBytes.
func TestForward(t *testing.T) {
	var followed atomic.Int64
	var seen atomic.Pointer[http.Header]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/redirect":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		case "/elsewhere":
			followed.Add(1)
		case "/hang":
			<-r.Context().Done()
		case "/huge-header":
			w.Header().Set("X-Big", strings.Repeat("a", 4<<10))
		default:
			h := r.Header.Clone()
			seen.Store(&h)
			io.WriteString(w, "ok")
		}
	}))
	defer srv.Close()
	f, err := NewForwarder(ForwardConfig{Upstream: srv.URL, ResponseTimeout: 100 * time.Millisecond, MaxHeaderBytes: 1 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer f.CloseIdle()
	ctx := context.Background()
	h := http.Header{"Connection": {"X-Private"}, "X-Private": {"1"}, "Keep-Alive": {"5"}, "X-Api-Key": {"k"}, "Te": {"trailers"}}
	u, _ := f.URL("/plain", "")
	resp, err := f.Forward(ctx, http.MethodGet, u, h, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := *seen.Load()
	if got.Get("X-Api-Key") != "k" || got.Get("X-Private") != "" || got.Get("Keep-Alive") != "" || got.Get("Te") != "" ||
		got.Get("User-Agent") != "" || got.Get("Accept-Encoding") != "" {
		t.Errorf("upstream saw %v", got)
	}
	if h.Get("X-Private") != "1" {
		t.Error("the caller's header was changed")
	}
	u, _ = f.URL("/redirect", "")
	resp, err = f.Forward(ctx, http.MethodGet, u, http.Header{}, nil, 0)
	if err != nil || resp.StatusCode != http.StatusFound || followed.Load() != 0 {
		t.Errorf("redirect: %v %v, followed %d", resp, err, followed.Load())
	}
	resp.Body.Close()
	other := *u
	other.Host = "evil.example"
	if _, err := f.Forward(ctx, http.MethodGet, &other, http.Header{}, nil, 0); err == nil {
		t.Error("a URL of another origin was sent")
	}
	for _, path := range []string{"/hang", "/huge-header"} {
		u, _ = f.URL(path, "")
		if resp, err := f.Forward(ctx, http.MethodGet, u, http.Header{}, nil, 0); err == nil {
			resp.Body.Close()
			t.Errorf("%s: answered %d, want an error", path, resp.StatusCode)
		}
	}
}
