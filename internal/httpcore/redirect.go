package httpcore

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/orgapis/orgapis/internal/redact"
)

// RedirectError is a redirect to another origin (scheme, host and port) than the
// configured base URL. The client refuses it without sending anything there, so that
// credentials never leave the service's origin.
type RedirectError struct {
	// StatusCode is the redirect's status, such as 302.
	StatusCode int
	// Location is where the service pointed, with any key in it redacted.
	Location string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("refused a redirect (HTTP %d) to %s: credentials are sent only to the configured origin", e.StatusCode, e.Location)
}

// maxRedirects is net/http's own limit, kept for same-origin redirects.
const maxRedirects = 10

// guardRedirects returns a CheckRedirect that follows a redirect only within origin,
// never sends a Referer (it would carry a key sent in the query), and then defers to
// next, the caller's own policy, if there is one.
func guardRedirects(origin string, next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		req.Header.Del("Referer")
		if originOf(req.URL) != origin {
			status := 0
			if req.Response != nil {
				status = req.Response.StatusCode
			}
			return &RedirectError{StatusCode: status, Location: redact.URL(req.URL)}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= maxRedirects {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}

// originOf is scheme://host:port with the default port made explicit, so that
// https://h and https://h:443 are one origin and http://h:8080 another.
func originOf(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port
}
