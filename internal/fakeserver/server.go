package fakeserver

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/orgapis/orgapis/contract"
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
	check   *Checker
	tb      TB
}

// NewServer returns a fake that serves h, within the bounds of LimitBody and with
// every exchange held to its spec by check, under base path base; it listens once
// started. With a TB in check's Config, the fake is closed when the test ends.
func NewServer(h http.HandlerFunc, base string, check *Checker) *Server {
	s := &Server{handler: LimitBody(check.Wrap(h)), base: base, check: check, tb: check.cfg.TB}
	if s.tb != nil {
		s.tb.Cleanup(s.Close)
	}
	return s
}

// Findings returns what the spec check found in the fake's exchanges so far (at most
// MaxFindings of them) and how many findings there were in all. A finding in an answer
// means the fake sent a 500 naming it instead; one in a request means the client sent
// what the spec does not allow, and the fake answered it as it would have.
func (s *Server) Findings() (found []contract.Finding, total int) { return s.check.Findings() }

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
