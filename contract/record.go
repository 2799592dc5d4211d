package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/orgapis/orgapis/internal/redact"
)

// Redacted replaces every secret in a recording.
const Redacted = redact.Marker

// Recorder is an http.RoundTripper that keeps every exchange passing through it, with
// secrets removed, and writes them as HAR 1.2 that Read and ReadHAR read back. The
// x-api-key, Authorization, Proxy-Authorization, Cookie and Set-Cookie headers, an
// api_key query parameter, api_key members at any depth of any body (JSON, form or
// free text, whatever its content type) and any key in a Referer are replaced by
// Redacted.
type Recorder struct {
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Secrets are values replaced by Redacted wherever they occur, for a key the
	// service may echo back in a body or a header.
	Secrets []string
	// API, when set, is written into each entry's comment (APIComment), so that a
	// replay checks the entry against that API's spec whatever its host: traffic
	// recorded against a fake or through a proxy replays as recorded.
	API string
	// Out, when set, receives each exchange as soon as it is recorded, as one entry of a
	// HAR document that Close finishes, and nothing is kept in memory: a recording of
	// any length costs one exchange at a time. Without Out, exchanges are kept until
	// WriteHAR.
	Out io.Writer

	scrubOnce sync.Once
	scrub     *redact.Scrubber

	mu      sync.Mutex
	entries []harOutEntry
	n       int   // exchanges recorded
	outErr  error // the first error writing to Out
	closed  bool
}

// Wrap returns a RoundTripper that sends requests through base (nil means
// http.DefaultTransport) and records them in r, whatever r.Base is. Its type fits the
// wrappers' WithMiddleware option.
func (r *Recorder) Wrap(base http.RoundTripper) http.RoundTripper {
	return roundTripperFunc(func(req *http.Request) (*http.Response, error) { return r.record(base, req) })
}

// RoundTrip sends req through Base and records the exchange. The caller gets the same
// response, with a body that reads the same bytes.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) { return r.record(r.Base, req) }

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

func (r *Recorder) record(base http.RoundTripper, req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, c, err := captureRoundTrip(base, req)
	if err != nil {
		return resp, err
	}
	r.add(req, resp, c, start)
	return resp, nil
}

// add records an exchange captured by a round trip that started at start.
func (r *Recorder) add(req *http.Request, resp *http.Response, c captured, start time.Time) {
	r.addExchange(req.Method, req.URL, req.Header, c.reqBody, resp.StatusCode, resp.Header, c.body, start, time.Since(start), "")
}

// Add records ex, an exchange that started at start and took elapsed, as a round
// trip through the Recorder would, and returns its place among the recorded
// exchanges (from 0), which is its entry's index in the HAR document: for a caller
// that sees exchanges some other way than as a RoundTripper (validate proxy), and
// that names findings by entry. ex's Source, Index and API are not recorded (the
// Recorder's API is); its bodies are recorded as given, so a caller passes a
// decompressed response body, as a HAR's content text is.
func (r *Recorder) Add(ex Exchange, start time.Time, elapsed time.Duration) int {
	return r.addExchange(ex.Method, ex.URL, ex.RequestHeader, ex.RequestBody, ex.Status, ex.ResponseHeader, ex.ResponseBody, start, elapsed, "")
}

// AddUnchecked is Add for an exchange that could not be checked, for why (a body
// past the caller's limit, which it passed on without holding): the entry says so
// (UncheckedComment, after the Recorder's API, which it needs), and a replay reports
// it as not checked, with why, instead of checking what was recorded of it.
func (r *Recorder) AddUnchecked(ex Exchange, start time.Time, elapsed time.Duration, why string) int {
	return r.addExchange(ex.Method, ex.URL, ex.RequestHeader, ex.RequestBody, ex.Status, ex.ResponseHeader, ex.ResponseBody, start, elapsed, why)
}

func (r *Recorder) addExchange(method string, u *url.URL, reqHeader http.Header, reqBody []byte, status int, respHeader http.Header, body []byte, start time.Time, elapsed time.Duration, unchecked string) int {
	e := harOutEntry{Started: start.UTC().Format(time.RFC3339Nano), Time: float64(elapsed.Microseconds()) / 1000}
	if r.API != "" {
		e.Comment = APIComment + r.API
		if unchecked != "" {
			e.Comment += UncheckedComment + r.redactText(unchecked)
		}
	}
	e.Request.Method, e.Request.URL, e.Request.HTTPVersion = method, r.redactText(redact.URL(u)), "HTTP/1.1"
	e.Request.Headers = r.harHeaders(reqHeader)
	e.Request.HeadersSize, e.Request.BodySize = -1, len(reqBody)
	e.Request.QueryString, e.Request.Cookies = []any{}, []any{}
	if len(reqBody) > 0 {
		ct := reqHeader.Get("Content-Type")
		e.Request.PostData = &harOutText{MimeType: ct, Text: r.redactText(string(redact.Body(reqBody)))}
	}
	e.Response.Status, e.Response.StatusText, e.Response.HTTPVersion = status, http.StatusText(status), "HTTP/1.1"
	e.Response.Headers = r.harHeaders(respHeader)
	e.Response.HeadersSize, e.Response.BodySize, e.Response.Cookies = -1, len(body), []any{}
	text := r.scrubber().Bytes(redact.Body(body)) // body itself when nothing is secret: no copy
	e.Response.Content = harOutText{MimeType: respHeader.Get("Content-Type"), Size: len(body)}
	e.Cache, e.Timings = map[string]any{}, map[string]float64{"send": 0, "wait": e.Time, "receive": 0}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	if r.Out == nil {
		e.Response.Content.Text = string(text)
		r.entries = append(r.entries, e)
		return r.n - 1
	}
	r.stream(e, text)
	return r.n - 1
}

// harHead and harTail frame the entries of a streamed HAR document.
const (
	harHead = `{"log":{"version":"1.2","creator":{"name":"orgapis validate","version":"1"},"pages":[],"entries":[` + "\n"
	harTail = "]}}\n"
)

// textSlot stands for the response text in an entry marshalled for Out; the text is
// then written in its place, escaped as it goes, so that a large body is never held
// twice more as a string and as its JSON.
const textSlot = "\x00orgapis-response-text\x00"

// stream writes one entry to Out, with text as its response content; r.mu is held.
func (r *Recorder) stream(e harOutEntry, text []byte) {
	if r.outErr != nil || r.closed {
		return
	}
	e.Response.Content.Text = textSlot
	data, err := json.Marshal(e)
	if err != nil {
		r.outErr = err
		return
	}
	slot, _ := json.Marshal(textSlot)
	before, after, _ := bytes.Cut(data, slot)
	sep := ",\n"
	if r.n == 1 {
		sep = harHead
	}
	w := &errWriter{w: r.Out}
	io.WriteString(w, sep)
	w.Write(before)
	writeJSONString(w, text)
	w.Write(after)
	r.outErr = w.err
}

// errWriter keeps the first error of a series of writes.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

// writeJSONString writes b as a JSON string, as encoding/json would (invalid UTF-8
// becomes U+FFFD; <, > and & are escaped), a run of plain bytes at a time.
func writeJSONString(w io.Writer, b []byte) {
	const hex = "0123456789abcdef"
	io.WriteString(w, `"`)
	start := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			w.Write(b[start:i])
			switch c {
			case '"', '\\':
				w.Write([]byte{'\\', c})
			case '\n':
				io.WriteString(w, `\n`)
			case '\r':
				io.WriteString(w, `\r`)
			case '\t':
				io.WriteString(w, `\t`)
			case '\b':
				io.WriteString(w, `\b`)
			case '\f':
				io.WriteString(w, `\f`)
			default:
				w.Write([]byte{'\\', 'u', '0', '0', hex[c>>4], hex[c&0xf]})
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			w.Write(b[start:i])
			io.WriteString(w, `\ufffd`)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			w.Write(b[start:i])
			fmt.Fprintf(w, `\u%04x`, r)
			i += size
			start = i
			continue
		}
		i += size
	}
	w.Write(b[start:])
	io.WriteString(w, `"`)
}

// Close finishes the HAR document written to Out (an empty one when nothing was
// recorded) and reports the first error writing to it. Exchanges recorded after Close
// are counted, not written. Without Out it does nothing.
func (r *Recorder) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Out == nil || r.closed {
		return r.outErr
	}
	r.closed = true
	if r.outErr != nil {
		return r.outErr
	}
	head := ""
	if r.n == 0 {
		head = harHead
	}
	_, r.outErr = io.WriteString(r.Out, head+harTail)
	return r.outErr
}

// Len is the number of exchanges recorded.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

// WriteHAR writes what was recorded so far as a HAR 1.2 document. A Recorder with Out
// keeps nothing to write: it refuses.
func (r *Recorder) WriteHAR(w io.Writer) error {
	r.mu.Lock()
	if r.Out != nil {
		r.mu.Unlock()
		return errors.New("contract: Recorder.WriteHAR: exchanges went to Out as they were recorded")
	}
	entries := append([]harOutEntry{}, r.entries...)
	r.mu.Unlock()
	doc := map[string]any{"log": map[string]any{
		"version": "1.2", "creator": map[string]string{"name": "orgapis validate", "version": "1"},
		"pages": []any{}, "entries": entries,
	}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

type harOutText struct {
	Size     int    `json:"size,omitempty"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
}

type harOutEntry struct {
	Comment string  `json:"comment,omitempty"`
	Started string  `json:"startedDateTime"`
	Time    float64 `json:"time"`
	Request struct {
		Method      string      `json:"method"`
		URL         string      `json:"url"`
		HTTPVersion string      `json:"httpVersion"`
		Headers     []harHeader `json:"headers"`
		QueryString []any       `json:"queryString"`
		Cookies     []any       `json:"cookies"`
		PostData    *harOutText `json:"postData,omitempty"`
		HeadersSize int         `json:"headersSize"`
		BodySize    int         `json:"bodySize"`
	} `json:"request"`
	Response struct {
		Status      int         `json:"status"`
		StatusText  string      `json:"statusText"`
		HTTPVersion string      `json:"httpVersion"`
		Headers     []harHeader `json:"headers"`
		Cookies     []any       `json:"cookies"`
		Content     harOutText  `json:"content"`
		RedirectURL string      `json:"redirectURL"`
		HeadersSize int         `json:"headersSize"`
		BodySize    int         `json:"bodySize"`
	} `json:"response"`
	Cache   map[string]any     `json:"cache"`
	Timings map[string]float64 `json:"timings"`
}

func (r *Recorder) harHeaders(h http.Header) []harHeader {
	out := []harHeader{}
	for _, name := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[name] {
			switch {
			case redact.IsSecretName(name):
				v = Redacted
			case strings.EqualFold(name, "Referer"):
				v = redact.URLString(v) // the previous URL, with a query key in it
			}
			out = append(out, harHeader{Name: name, Value: r.redactText(v)})
		}
	}
	return out
}

// redactText hides every value of Secrets, in any form a service may echo it,
// wherever it occurs.
func (r *Recorder) redactText(s string) string { return r.scrubber().String(s) }

func (r *Recorder) scrubber() *redact.Scrubber {
	r.scrubOnce.Do(func() { r.scrub = redact.NewScrubber(r.Secrets...) })
	return r.scrub
}
