package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/internal/redact"
	"github.com/orgapis/orgapis/internal/terminal"
	"github.com/orgapis/orgapis/specs"
)

// proxy is validate proxy's handler: each request passes through it to the
// upstream, and each answer back, checked as they pass.
type proxy struct {
	api        specs.API
	v          *contract.Validator
	fwd        *httpcore.Forwarder
	tally      *tally
	recorder   *contract.Recorder // nil without --record
	source     string             // what findings name the exchanges by
	errorsMode bool
	maxBody    int64
	timeout    time.Duration
	room       *room
	keys       scrubbers
	log        *lineLog
	// now is the clock of the recording's times; nil means time.Now.
	now func() time.Time
	// rewriteLinks points the pagination links of answers at the proxy
	// (--rewrite-links); upstreamBase is the base URL they are found by, and
	// linksSaid says the first answer with links left pointing away.
	rewriteLinks bool
	upstreamBase string
	linksSaid    sync.Once

	n           atomic.Int64 // exchanges numbered without a recording
	served      atomic.Int64 // exchanges finished, for --max-requests
	maxRequests int64
	enough      chan struct{} // closed when --max-requests exchanges are done
	enoughOnce  sync.Once
}

// discardLog is the server's log of connection errors (a client that sent garbage):
// not what a user of the proxy watches its standard error for.
func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }

func (p *proxy) clock() time.Time {
	if p.now != nil {
		return p.now()
	}
	return time.Now()
}

// refusals are the findings --errors refuses an answer for: errors (not warnings)
// about what the upstream answered, not about what the client asked. An answer
// refused for them whose findings were cut at --max-findings-per-exchange lists the
// cut too, last, so the client does not read the list as whole.
func refusals(findings []contract.Finding) []contract.Finding {
	var out []contract.Finding
	for _, f := range findings {
		switch f.Kind {
		case contract.KindUndocumentedStatus, contract.KindContentType, contract.KindHeader, contract.KindBody, contract.KindUndocumentedField:
			if f.Severity == "" {
				out = append(out, f)
			}
		case contract.KindTooManyFindings:
			if len(out) > 0 {
				out = append(out, f)
			}
		}
	}
	return out
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer p.done()
	if !strings.HasPrefix(r.RequestURI, "/") || r.Method == http.MethodConnect {
		// An absolute-form or authority-form target: the client takes the proxy for
		// an HTTP proxy. It is the API's base URL instead.
		p.refuse(w, http.StatusBadRequest, "validate proxy is a reverse proxy: point the client's base URL at it, not its HTTP proxy setting")
		return
	}
	u, err := p.fwd.URL(r.URL.EscapedPath(), r.URL.RawQuery)
	if err != nil {
		p.refuse(w, http.StatusBadRequest, "validate proxy: "+err.Error())
		return
	}
	secrets := requestSecrets(r.Header, r.URL.Query())
	if err := boundedSecrets(secrets); err != nil {
		// A credential no service issues, and one the scrub would pay dearly for.
		p.refuse(w, http.StatusRequestHeaderFieldsTooLarge, "validate proxy: "+err.Error())
		return
	}
	scrub := p.keys.of(secrets)
	ctx, cancel := context.WithTimeout(r.Context(), p.timeout)
	defer cancel()
	start := p.clock()

	ex := contract.Exchange{Source: p.source, API: string(p.api), Method: r.Method, URL: u, RequestHeader: r.Header.Clone()}
	httpcore.StripHopByHop(ex.RequestHeader)
	// The proxy's own server answered any Expect: 100-continue already, as it reads
	// the body; the upstream gets the body without waiting for one of its own.
	ex.RequestHeader.Del("Expect")
	checked := p.tally.wants(p.v, ex) // counted once the answer is in
	needRequest, _ := p.v.Reads(ex)
	needRequest = (needRequest && checked) || p.recorder != nil

	var body io.Reader = r.Body
	length := r.ContentLength
	var unchecked []string // why the exchange cannot be checked whole
	var reqHeld heldBody
	defer func() { reqHeld.release(p.room) }()
	if r.ContentLength == 0 && len(r.TransferEncoding) == 0 {
		body = nil
	} else if needRequest {
		reqHeld = holdBody(r.Body, r.ContentLength, p.maxBody, p.room)
		switch {
		case reqHeld.err != nil:
			return // the client went away mid-body: nothing to pass on or answer
		case reqHeld.over != nil:
			body = io.MultiReader(bytes.NewReader(reqHeld.data), r.Body)
			unchecked = append(unchecked, fmt.Sprintf("the request body, %s: passed on whole, not checked", reqHeld.over))
		default:
			ex.RequestBody = reqHeld.data
			body, length = bytes.NewReader(reqHeld.data), int64(len(reqHeld.data))
			if more := bodySecrets(reqHeld.data); len(more) > 0 && boundedSecrets(append(secrets, more...)) == nil {
				// Apollo's deprecated api_key member: a key the answer may echo too.
				scrub = p.keys.of(append(secrets, more...))
			}
		}
	}

	resp, err := p.fwd.Forward(ctx, r.Method, u, checkableEncodings(ex.RequestHeader), body, length)
	if err != nil {
		if r.Context().Err() != nil {
			return // the client went away: no one to answer
		}
		p.upstreamFailed(w, ex, scrub, start, err, ctx.Err() != nil)
		return
	}
	defer resp.Body.Close()
	ex.Status = resp.StatusCode
	ex.ResponseHeader = resp.Header.Clone()
	_, needResponse := p.v.Reads(ex)
	needResponse = (needResponse && checked) || p.recorder != nil || p.rewriteLinks && jsonMedia(resp.Header.Get("Content-Type"))

	out := w.Header()
	for k, vs := range resp.Header {
		out[k] = vs
	}
	httpcore.StripHopByHop(out)

	if !needResponse {
		// Nothing reads the body: it streams to the client as it comes, and the check
		// of status and headers follows, or, with --errors, comes first.
		if p.errorsMode {
			if refused := refusals(p.finish(ex, scrub, start, checked, unchecked)); len(refused) > 0 {
				p.refuseAnswer(w, resp.StatusCode, refused)
				return
			}
			w.WriteHeader(resp.StatusCode)
			if p.stream(w, resp, nil) {
				abort()
			}
			return
		}
		w.WriteHeader(resp.StatusCode)
		cut := p.stream(w, resp, nil)
		p.finish(ex, scrub, start, checked, unchecked)
		if cut {
			abort() // the client must see the body end as the upstream's did
		}
		return
	}

	held := holdBody(resp.Body, resp.ContentLength, p.maxBody, p.room)
	defer held.release(p.room)
	switch {
	case held.over != nil:
		unchecked = append(unchecked, fmt.Sprintf("the response body, %s: passed on whole, not checked", held.over))
		w.WriteHeader(resp.StatusCode)
		cut := p.stream(w, resp, held.data)
		p.finish(ex, scrub, start, checked, unchecked)
		if cut {
			abort()
		}
		return
	case held.err != nil:
		if r.Context().Err() != nil {
			return // the client went away: no one to answer
		}
		why := fmt.Sprintf("the upstream cut it short after %d bytes (%v)", len(held.data), held.err)
		if ctx.Err() != nil {
			why = fmt.Sprintf("the upstream sent %d bytes of it in --timeout %s", len(held.data), p.timeout)
		}
		unchecked = append(unchecked, "the response body: "+scrub.String(why)+": passed on as it came, not checked")
	default:
		ex.ResponseBody = held.data
		zr, err := decoder(resp.Header.Get("Content-Encoding"), held.data)
		if err != nil {
			ex.ResponseBody = nil
			unchecked = append(unchecked, "the response body: "+err.Error()+": passed on whole, not checked")
			break
		}
		if zr == nil {
			break
		}
		plain := holdBody(zr, -1, p.maxBody, p.room)
		defer plain.release(p.room)
		switch {
		case plain.over != nil:
			unchecked = append(unchecked, fmt.Sprintf("the response body, decoded, %s: passed on whole, not checked", plain.over))
		case plain.err != nil:
			unchecked = append(unchecked, fmt.Sprintf("the response body: decoding it: %v: passed on whole, not checked", plain.err))
		}
		ex.ResponseBody = plain.data
		if len(unchecked) > 0 {
			ex.ResponseBody = nil
		}
	}
	answer := held.data
	if len(unchecked) == 0 && jsonMedia(resp.Header.Get("Content-Type")) {
		answer = p.links(w, r, resp, ex.ResponseBody, answer)
	}
	if p.errorsMode && len(unchecked) == 0 {
		if refused := refusals(p.finish(ex, scrub, start, checked, unchecked)); len(refused) > 0 {
			p.refuseAnswer(w, resp.StatusCode, refused)
			return
		}
		p.write(w, resp, answer)
		return
	}
	// The client has its answer before the check runs: the check adds nothing to
	// the client's wait but for the next request on the same connection.
	p.write(w, resp, answer)
	p.finish(ex, scrub, start, checked, unchecked)
	if held.err != nil {
		abort()
	}
}

// links is the body to send for an answer whose decoded body is plain and whose
// bytes as sent are sent: with --rewrite-links and links to the upstream in it, plain
// with them pointing at the proxy, its headers made to fit (no Content-Encoding, its
// own length, or chunked when trailers follow; no digest of other bytes); otherwise sent, and, the first time an answer has such links, a line
// on standard error saying that a client following them leaves the proxy.
func (p *proxy) links(w http.ResponseWriter, r *http.Request, resp *http.Response, plain, sent []byte) []byte {
	if !p.rewriteLinks {
		if _, n := pageLinks(plain, p.upstreamBase, ""); n > 0 {
			p.linksSaid.Do(func() {
				p.log.printf("validate proxy: answers carry pagination links to %s (nextUrl): a client that follows them leaves the proxy, and the pages after are not checked; --rewrite-links keeps it here\n", terminal.Safe(p.upstreamBase))
			})
		}
		return sent
	}
	h := w.Header()
	if h.Get("Content-Range") != "" {
		return sent // a piece of a body (206), whose range is the upstream's bytes
	}
	host := r.Host
	if addr, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); (host == "" || len(host) > maxHostLen) && ok {
		// An HTTP/1.0 client that sent no Host, or one that sent more than a host
		// name (the server lets up to its header limit through), which would be
		// copied into every link of the answer.
		host = addr.String()
	}
	rewritten, n := pageLinks(plain, p.upstreamBase, "http://"+host)
	if n == 0 {
		return sent
	}
	h.Del("Content-Encoding")
	// The bytes these named are not these.
	for _, k := range []string{"Content-Md5", "Etag", "Content-Digest", "Repr-Digest", "Digest"} {
		h.Del(k)
	}
	if len(resp.Trailer) == 0 {
		h.Set("Content-Length", strconv.Itoa(len(rewritten)))
	} else {
		h.Del("Content-Length") // chunked, so that the upstream's trailers follow
	}
	return rewritten
}

// maxHostLen is the longest Host taken for the proxy's own origin in a rewritten
// link: a DNS name (253), a port, an IPv6 literal's brackets.
const maxHostLen = 253 + len(":65535") + 2

// write sends body, the answer as held (or with its links rewritten), to the client,
// flushed, with the trailers the upstream sent.
func (p *proxy) write(w http.ResponseWriter, resp *http.Response, body []byte) {
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
	trailers(w, resp)
	_ = http.NewResponseController(w).Flush()
}

// stream copies the rest of resp's body to the client, after start (what was held of
// it already), flushing as it goes when the length is unknown. It reports whether
// the body ended before its end: the upstream cut it, or the exchange timed out.
func (p *proxy) stream(w http.ResponseWriter, resp *http.Response, start []byte) (cut bool) {
	rc := http.NewResponseController(w)
	flush := resp.ContentLength < 0
	if len(start) > 0 {
		if _, err := w.Write(start); err != nil {
			return false // the client went away
		}
	}
	buf := streamBuffers.Get().(*[]byte)
	defer streamBuffers.Put(buf)
	for {
		n, err := resp.Body.Read(*buf)
		if n > 0 {
			if _, werr := w.Write((*buf)[:n]); werr != nil {
				return false
			}
			if flush {
				_ = rc.Flush()
			}
		}
		if err == io.EOF {
			trailers(w, resp)
			_ = rc.Flush()
			return false
		}
		if err != nil {
			return true
		}
	}
}

var streamBuffers = sync.Pool{New: func() any { b := make([]byte, proxyChunk); return &b }}

// trailers passes on the trailers the upstream sent after its body.
func trailers(w http.ResponseWriter, resp *http.Response) {
	for k, vs := range resp.Trailer {
		w.Header()[http.TrailerPrefix+k] = vs
	}
}

// abort ends the response to the client without finishing it, as net/http's
// documented ErrAbortHandler does: a body the upstream cut short must reach the
// client cut short, not closed as if whole (which chunked encoding would do).
func abort() { panic(http.ErrAbortHandler) }

// finish numbers, records and checks one exchange, logs its findings and folds them
// into the run, and returns them. unchecked, when not empty, says why the exchange
// could not be checked: it is reported as such (unreadable) instead.
func (p *proxy) finish(ex contract.Exchange, scrub *redact.Scrubber, start time.Time, checked bool, unchecked []string) []contract.Finding {
	op, _ := p.v.Operation(ex)
	why := ""
	if checked && len(unchecked) > 0 {
		// Said as a replay of the recording says it: an entry not checked, and why.
		why = scrub.String(fmt.Sprintf("not checked: %s %s (%s) %d: %s", ex.Method, redact.URL(ex.URL), operationName(op), ex.Status, strings.Join(unchecked, "; ")))
	}
	ex.Index = p.number(ex, scrub, start, why)
	switch {
	case !checked:
		p.tally.notSelected(p.v, ex)
		return nil
	case why != "":
		f := contract.Finding{Source: ex.Source, Entry: ex.Index, Kind: contract.KindUnreadable, Found: why}
		p.tally.unreadable(f)
		p.log.printf("validate proxy: %s: %s\n", sourceOf(f), terminal.Safe(why))
		return nil
	}
	op, findings := p.tally.check(p.v, ex, func(f contract.Finding) contract.Finding { return scrubFinding(f, scrub) })
	for _, f := range findings {
		p.log.printf("validate proxy: finding: %s %s (%s): %s\n", f.Method, terminal.Safe(f.Path), operationName(op), terminal.Safe(textLine(f)))
	}
	return findings
}

// number gives ex its index: its entry in the recording, when there is one, which
// gets it now, secrets removed (and marked not checked, for why, unless it is "").
func (p *proxy) number(ex contract.Exchange, scrub *redact.Scrubber, start time.Time, why string) int {
	if p.recorder == nil {
		return int(p.n.Add(1) - 1)
	}
	rec := ex
	u := *ex.URL
	u.RawQuery = scrub.String(u.RawQuery)
	u.Path, u.RawPath = scrub.String(u.Path), ""
	rec.URL = &u
	rec.RequestHeader = scrubHeader(ex.RequestHeader, scrub)
	rec.ResponseHeader = scrubHeader(ex.ResponseHeader, scrub)
	rec.RequestBody = scrub.Bytes(ex.RequestBody)
	rec.ResponseBody = scrub.Bytes(ex.ResponseBody)
	if why != "" {
		return p.recorder.AddUnchecked(rec, start, p.clock().Sub(start), why)
	}
	return p.recorder.Add(rec, start, p.clock().Sub(start))
}

func scrubHeader(h http.Header, scrub *redact.Scrubber) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		c := make([]string, len(vs))
		for i, v := range vs {
			c[i] = scrub.String(v)
		}
		out[scrub.String(k)] = c
	}
	return out
}

// done counts a finished exchange, and ends the run after --max-requests.
func (p *proxy) done() {
	if n := p.served.Add(1); p.maxRequests > 0 && n >= p.maxRequests {
		p.enoughOnce.Do(func() { close(p.enough) })
	}
}

// refuse answers a request the proxy does not pass on, in plain text.
func (p *proxy) refuse(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg+"\n")
}

// upstreamFailed answers a request the upstream did not answer: 504 when it took
// longer than --timeout, 502 otherwise, and counts it as a failed exchange. With
// --record, the recording holds it as an entry with no answer (status 0, as a HAR
// writes a request that got none) marked not checked, so that a replay fails as the
// proxy did.
func (p *proxy) upstreamFailed(w http.ResponseWriter, ex contract.Exchange, scrub *redact.Scrubber, start time.Time, err error, timedOut bool) {
	status := http.StatusBadGateway
	if timedOut || errors.Is(err, context.DeadlineExceeded) {
		status = http.StatusGatewayTimeout
	}
	msg := scrub.String(fmt.Sprintf("validate proxy: %s %s: the upstream did not answer: %v", ex.Method, redact.URL(ex.URL), err))
	op, _ := p.v.Operation(ex)
	entry := -1
	if p.recorder != nil {
		entry = p.number(ex, scrub, start, msg)
	}
	p.tally.failedCall(contract.Finding{Source: p.source, Entry: entry, API: string(p.api), OperationID: op, Method: ex.Method,
		Path: scrub.String(ex.URL.Path), Kind: KindCallFailed, Found: msg})
	p.log.printf("%s\n", terminal.Safe(msg))
	p.refuse(w, status, msg)
}

// refuseAnswer answers 502 in place of an upstream's answer that breaks the spec
// (--errors), with the findings as JSON.
func (p *proxy) refuseAnswer(w http.ResponseWriter, upstreamStatus int, findings []contract.Finding) {
	body, err := json.Marshal(struct {
		Error          string             `json:"error"`
		UpstreamStatus int                `json:"upstream_status"`
		Findings       []contract.Finding `json:"findings"`
	}{fmt.Sprintf("validate proxy: the upstream's answer breaks specs/%s.yaml", p.api), upstreamStatus, findings})
	if err != nil {
		body = []byte(`{"error":"validate proxy: the upstream's answer breaks the spec"}`)
	}
	h := w.Header()
	for k := range h {
		delete(h, k) // none of the upstream's headers describe this body
	}
	h.Set("Content-Type", "application/json")
	h.Set("X-Validate-Proxy", "refused")
	w.WriteHeader(http.StatusBadGateway)
	_, _ = w.Write(append(body, '\n'))
}

// operationName is an operation's id for a log line, or what stands for none.
func operationName(op string) string {
	if op == "" {
		return "no operation"
	}
	return op
}
