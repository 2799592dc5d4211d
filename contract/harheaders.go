package contract

import (
	"net/http"
	"strings"
)

// methodName is a request's method as read: one of the usual ones without making a
// string, in upper case, as newExchange would make it.
func methodName(b []byte) string {
	switch string(b) {
	case "GET", "get":
		return http.MethodGet
	case "POST", "post":
		return http.MethodPost
	case "PUT", "put":
		return http.MethodPut
	case "PATCH", "patch":
		return http.MethodPatch
	case "DELETE", "delete":
		return http.MethodDelete
	case "HEAD", "head":
		return http.MethodHead
	case "OPTIONS", "options":
		return http.MethodOptions
	}
	return string(b)
}

// commonHeaders are the header names recordings hold most, the APIs' own included,
// which headerName keys without making a string. Built once, never changed.
var commonHeaders = func() map[string]string {
	names := []string{
		"Accept", "Accept-Encoding", "Accept-Language", "Accept-Ranges", "Access-Control-Allow-Origin", "Age", "Alt-Svc",
		"Authorization", "Cache-Control", "Cf-Cache-Status", "Cf-Ray", "Connection", "Content-Encoding", "Content-Length",
		"Content-Security-Policy", "Content-Type", "Cookie", "Date", "Etag", "Expires", "Host", "Keep-Alive", "Last-Modified",
		"Location", "Nel", "Origin", "Pragma", "Referer", "Report-To", "Retry-After", "Server", "Set-Cookie",
		"Strict-Transport-Security", "Transfer-Encoding", "User-Agent", "Vary", "Via", "X-Api-Key", "X-Content-Type-Options",
		"X-Frame-Options", "X-Powered-By", "X-Request-Id", "X-Xss-Protection",
		// Affinity's
		"X-Ratelimit-Limit-User", "X-Ratelimit-Limit-User-Remaining", "X-Ratelimit-Limit-User-Reset",
		"X-Ratelimit-Limit-Org", "X-Ratelimit-Limit-Org-Remaining", "X-Ratelimit-Limit-Org-Reset", "X-Affinity-Api-Version",
		// Apollo's
		"X-Rate-Limit-Minute", "X-Rate-Limit-Hourly", "X-Rate-Limit-24-Hour", "X-Rate-Limit-Daily", "X-Minute-Usage",
		"X-Minute-Requests-Left", "X-Hourly-Usage", "X-Hourly-Requests-Left", "X-24-Hour-Usage", "X-24-Hour-Requests-Left",
	}
	m := map[string]string{}
	for _, n := range names {
		// As written, in lower case (HTTP/2 recordings) and canonical: each keyed as
		// http.Header keys it.
		for _, form := range []string{n, strings.ToLower(n), http.CanonicalHeaderKey(n)} {
			m[form] = http.CanonicalHeaderKey(form)
		}
	}
	return m
}()

// headerName is the key http.Header.Add gives a header named b.
func headerName(b []byte) string {
	if name, ok := commonHeaders[string(b)]; ok {
		return name
	}
	return http.CanonicalHeaderKey(string(b))
}
