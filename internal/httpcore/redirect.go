package httpcore

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/orgapis/orgapis/internal/redact"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// maxRedirects is net/http's own limit, kept for same-origin redirects.
const maxRedirects = 10

// guardRedirects returns a CheckRedirect that follows a redirect only within origin,
// never sends a Referer (it would carry a key sent in the query), and then defers to
// next, the caller's own policy, if there is one. The Location of a refused redirect
// is scrubbed of the key in any form: a server may echo it into a path, where
// redact.URL, which knows the secret query names only, would leave it.
func guardRedirects(origin string, scrub *redact.Scrubber, next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		req.Header.Del("Referer")
		if Origin(req.URL) != origin {
			status := 0
			if req.Response != nil {
				status = req.Response.StatusCode
			}
			return scrub.Error(&apicall.RedirectError{StatusCode: status, Location: redact.URL(req.URL)})
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

// Origin is scheme://host:port in lower case with the default port made explicit, so
// that https://h, https://H and https://h:443 are one origin and http://h:8080
// another: the one comparison of origins, for the core's checks and for whatever else
// must tell whether a URL is on a given origin (validate proxy's links).
func Origin(u *url.URL) string {
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
