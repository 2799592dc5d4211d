package fakeserver

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/orgapis/orgapis/wrappers/option"
)

// Server is what every fake is beside its state, in the shape of httptest.Server: a
// handler that a loopback server serves once started, or a server of the caller's.
// The fakes embed it.
type Server struct {
	// URL is the base URL of the started fake, its API's base path included, such as
	// http://127.0.0.1:38113/api/v1; empty until Start.
	URL string

	srv     *httptest.Server
	handler http.Handler
	base    string
}

// NewServer returns a fake that serves h, within the bounds of LimitBody, under base
// path base; it listens once started.
func NewServer(h http.HandlerFunc, base string) *Server {
	return &Server{handler: LimitBody(h), base: base}
}

// Start starts the fake on a loopback port and sets URL. It does nothing to a fake
// already started.
func (s *Server) Start() {
	if s.srv != nil {
		return
	}
	s.srv = Start(s.handler)
	s.URL = s.srv.URL + s.base
}

// Close shuts the fake down, if it was started.
func (s *Server) Close() {
	if s.srv != nil {
		s.srv.Close()
	}
}

// Handler is the fake as an http.Handler, for a server of the caller's (validate mock
// serves it), with the bounds of a started fake (request bodies of 1 MiB at most).
// Every handler of one fake shares its state.
func (s *Server) Handler() http.Handler { return s.handler }

// ClientOptions are the options a fake's Client gives its client before the caller's
// opts: the URL, the started server's HTTP client, and a backoff of 1 to 10 ms so that
// queued faults are retried without slowing a test.
func (s *Server) ClientOptions(opts []option.ClientOption) ([]option.ClientOption, error) {
	if s.srv == nil {
		return nil, errors.New("a fake that is not started has no client; call Start first")
	}
	base := []option.ClientOption{option.WithBaseURL(s.URL), option.WithHTTPClient(s.srv.Client()),
		option.WithBackoff(time.Millisecond, 10*time.Millisecond)}
	return append(base, opts...), nil
}
