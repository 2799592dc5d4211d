package httpcore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/orgapis/orgapis/internal/redact"
)

// A Forwarder is the core's entry point for a reverse proxy (validate proxy): it
// passes each request a client sent on to one upstream origin, unchanged but for
// the hop-by-hop headers, and hands back the upstream's answer as it came. It keeps
// the core's rules for what leaves the process, on different terms than a client's
// Doer:
//
//   - every request goes to the upstream's origin and nowhere else: a path that would
//     resolve to another origin is refused before anything is sent;
//   - redirects are never followed: a proxy passes a 3xx to its client, so a key the
//     client sent reaches no origin but the upstream's;
//   - nothing is retried or paced: the client decides that, and a proxy that repeated
//     a write would apply it twice;
//   - an upstream that hangs before its headers fails after ResponseTimeout, and one
//     whose headers go past MaxHeaderBytes fails at once; the caller bounds the body
//     it reads (it chooses what it keeps) and the call's whole time through ctx;
//   - no HTTP proxy from the environment is used, and the client's own
//     Accept-Encoding is passed on as it is, so the bytes of a compressed answer
//     reach the client as the upstream sent them.
//
// It is safe for concurrent use.
type Forwarder struct {
	base   *url.URL
	origin string
	client *http.Client
}

// ForwardConfig is what a Forwarder is made with.
type ForwardConfig struct {
	// Upstream is the absolute http or https URL requests go to; its path, if any, is
	// put before each request's own.
	Upstream string
	// ResponseTimeout bounds the wait for the upstream's headers once the request is
	// sent; 0 means DefaultForwardTimeout.
	ResponseTimeout time.Duration
	// MaxHeaderBytes bounds the upstream's response headers; 0 means 1 MiB.
	MaxHeaderBytes int64
	// MaxIdlePerHost is how many idle connections to the upstream are kept for
	// reuse; 0 means 256, room for as many clients as a proxy serves at once.
	MaxIdlePerHost int
}

// DefaultForwardTimeout is how long a Forwarder waits for an upstream's headers.
const DefaultForwardTimeout = 30 * time.Second

// NewForwarder returns a Forwarder to cfg.Upstream, refusing a URL that is not
// absolute http or https with a host, or that carries credentials or a query.
func NewForwarder(cfg ForwardConfig) (*Forwarder, error) {
	u, err := url.Parse(cfg.Upstream)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "":
		return nil, fmt.Errorf("upstream %q: want an absolute http or https URL", redact.URLString(cfg.Upstream))
	case u.User != nil:
		return nil, fmt.Errorf("upstream %q: credentials in the URL would go to every request; the client sends its own", redact.URLString(cfg.Upstream))
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("upstream %q: want no query or fragment; the client's own go with each request", redact.URLString(cfg.Upstream))
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	timeout := cfg.ResponseTimeout
	if timeout <= 0 {
		timeout = DefaultForwardTimeout
	}
	headerBytes := cfg.MaxHeaderBytes
	if headerBytes <= 0 {
		headerBytes = 1 << 20
	}
	idle := cfg.MaxIdlePerHost
	if idle <= 0 {
		idle = 256
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	transport := &http.Transport{
		Proxy:                  nil, // base-URL replacement: never through an environment proxy
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           idle * 2,
		MaxIdleConnsPerHost:    idle,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  timeout,
		ExpectContinueTimeout:  time.Second,
		DisableCompression:     true, // the client's Accept-Encoding, and the bytes it asked for
		MaxResponseHeaderBytes: headerBytes,
	}
	client := &http.Client{
		Transport: transport,
		// A proxy hands a redirect to its client as it came; following one here could
		// carry the key to another origin.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &Forwarder{base: u, origin: Origin(u), client: client}, nil
}

// Upstream is the upstream URL, without a trailing slash.
func (f *Forwarder) Upstream() *url.URL {
	c := *f.base
	return &c
}

// URL is the upstream URL of a request a client sent for path (escaped as it came,
// the URL's EscapedPath) and rawQuery: the upstream's path before the client's. A path
// that is not absolute, or that would reach another origin, is refused.
func (f *Forwarder) URL(escapedPath, rawQuery string) (*url.URL, error) {
	if !strings.HasPrefix(escapedPath, "/") {
		return nil, errors.New("the request's path is not absolute")
	}
	ref, err := url.Parse(f.base.EscapedPath() + escapedPath)
	if err != nil {
		return nil, fmt.Errorf("the request's path: %w", redact.URLError(err))
	}
	if ref.Scheme != "" || ref.Host != "" || ref.User != nil {
		return nil, errors.New("the request's path names another origin")
	}
	u := *f.base
	u.Path, u.RawPath = ref.Path, ref.RawPath
	u.RawQuery = rawQuery
	if Origin(&u) != f.origin {
		return nil, errors.New("the request would leave the upstream's origin")
	}
	return &u, nil
}

// Forward sends one request to u, a URL that URL made, with header (its hop-by-hop
// headers left out, and Host the upstream's) and body of contentLength bytes (-1 for
// unknown; nil body for none). The caller reads and closes the answer's body; ctx
// bounds the whole exchange. Errors carry no credential of the URL.
func (f *Forwarder) Forward(ctx context.Context, method string, u *url.URL, header http.Header, body io.Reader, contentLength int64) (*http.Response, error) {
	if Origin(u) != f.origin {
		return nil, errors.New("the request would leave the upstream's origin")
	}
	if body == nil {
		contentLength = 0
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, redact.URLError(err)
	}
	if body != nil && contentLength == 0 {
		req.Body, req.GetBody = http.NoBody, nil
	}
	req.ContentLength = contentLength
	req.Header = header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	StripHopByHop(req.Header)
	if _, ok := req.Header["User-Agent"]; !ok {
		// A client that sent none gets none: net/http would add its own.
		req.Header["User-Agent"] = []string{""}
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, redact.URLError(err)
	}
	return resp, nil
}

// CloseIdle closes the idle connections to the upstream.
func (f *Forwarder) CloseIdle() { f.client.CloseIdleConnections() }

// hopByHop are the headers of one connection, not of the message (RFC 9110, section
// 7.6.1), which a proxy never passes on.
var hopByHop = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// StripHopByHop removes from h the hop-by-hop headers and those its Connection
// header names.
func StripHopByHop(h http.Header) {
	for _, v := range h["Connection"] {
		for _, name := range strings.Split(v, ",") {
			if name = textproto.TrimString(name); name != "" {
				h.Del(name)
			}
		}
	}
	for _, name := range hopByHop {
		delete(h, name)
	}
}
