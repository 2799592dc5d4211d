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

// maxReusedHeader is the most names a header map handed back through WithHeaderAlloc
// may hold for the reader to fill it again: clearing a map costs its room, not its
// names, and one grown by a hostile entry is better left to the garbage collector.
const maxReusedHeader = 64

// WithHeaderAlloc has the HAR reader take the maps of each exchange's RequestHeader
// and ResponseHeader from alloc, which must return a map that nothing else uses (nil
// for a new one); the reader empties it first, and makes a new one instead of a map
// of more than 64 names. A caller done with an exchange can so hand its header maps
// back for the next ones, as cmd/validate does: building two maps an entry is a good
// part of what reading a recording of small answers costs. The other readers (JSON
// lines, go-vcr) make maps of their own. By default each exchange has maps of its own.
// With WithParallel, alloc is called from several goroutines at once, as a body
// allocator is.
func WithHeaderAlloc(alloc func() http.Header) ReadOption {
	return func(c *readConfig) { c.header = alloc }
}

// builtHeader is a header map as exchange builds it, with the first values of the
// two headers the reader reads itself, as Header.Get gives them.
type builtHeader struct {
	h                            http.Header
	contentType, contentEncoding string
}

// The lists of header names an entry has, for harEntry.names.
const (
	requestNames = iota
	responseNames
)

// maxNameMemo bounds the header names a reader keeps the canonical form of, per list,
// and maxNameMemoText the bytes of their names as written.
const (
	maxNameMemo     = 32
	maxNameMemoText = 4 << 10
)

// nameMemo is the name of the header at one place of an entry's list, as written (a
// span of harEntry.memoText) and as http.Header keys it.
type nameMemo struct {
	raw  span
	name string
}

// canonicalName is headerName(raw) for the header at place i of list: entries of one
// recording mostly repeat their headers in the same order, so the name the last entry
// had there is compared first, which costs less than looking it up.
func (e *harEntry) canonicalName(list, i int, raw []byte) string {
	memo := &e.names[list]
	if i < len(*memo) {
		if m := (*memo)[i]; string(e.memoText[m.raw.start:m.raw.end]) == string(raw) {
			return m.name
		}
	}
	name := headerName(raw)
	if i >= maxNameMemo {
		return name
	}
	if len(e.memoText)+len(raw) > maxNameMemoText {
		// Names that change from entry to entry: start again.
		e.memoText, e.names[0], e.names[1] = e.memoText[:0], e.names[0][:0], e.names[1][:0]
	}
	for len(*memo) <= i {
		*memo = append(*memo, nameMemo{}) // an empty name, whose canonical form is empty
	}
	start := len(e.memoText)
	e.memoText = append(e.memoText, raw...)
	(*memo)[i] = nameMemo{span{start, len(e.memoText)}, name}
	return name
}

// header is the http.Header of fields, as Header.Add would build it one field at a
// time: the names canonical, a repeated name's values in order. Each value is a
// piece of text (e.values as one string), and its slice a piece of values. The map
// is the reader's alloc's when it has one.
func (e *harEntry) header(list int, fields []harField, text string, values []string) builtHeader {
	var out builtHeader
	if e.newHeader != nil {
		out.h = e.newHeader()
	}
	if out.h == nil || len(out.h) > maxReusedHeader {
		out.h = make(http.Header, len(fields))
	} else {
		clear(out.h)
	}
	h := out.h
	seenType, seenEncoding := false, false
	for i, f := range fields {
		name := e.canonicalName(list, i, e.bytes(f.Name))
		v := text[f.Value.start:f.Value.end]
		switch {
		case !seenType && name == "Content-Type":
			out.contentType, seenType = v, true
		case !seenEncoding && name == "Content-Encoding":
			out.contentEncoding, seenEncoding = v, true
		}
		values[i] = v
		h[name] = values[i : i+1 : i+1]
	}
	if len(h) == len(fields) {
		return out // every name once: no value was written over
	}
	// A name given twice: its values in order, in a slice of their own.
	clear(h)
	for i, f := range fields {
		name := e.canonicalName(list, i, e.bytes(f.Name))
		if old, ok := h[name]; ok {
			h[name] = append(old, values[i])
			continue
		}
		h[name] = values[i : i+1 : i+1]
	}
	return out
}
