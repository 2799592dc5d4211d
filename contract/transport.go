package contract

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
)

// Transport is an http.RoundTripper that validates every response passing through it
// and hands the findings to OnFindings, without changing what the caller receives: the
// body is read, checked, and given back as an unread body with the same bytes.
type Transport struct {
	// Base sends the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Validator checks the exchanges.
	Validator *Validator
	// Source names the exchanges in findings; empty means "transport".
	Source string
	// OnFindings receives the findings of each response that has any. It may be called
	// from several goroutines at once.
	OnFindings func([]Finding)

	n atomic.Int64
}

// RoundTrip sends req and validates the response.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	reqBody, resp, body, readErr, err := roundTrip(t.Base, req)
	if err != nil {
		return resp, err
	}
	index := int(t.n.Add(1) - 1)
	source := t.Source
	if source == "" {
		source = "transport"
	}
	ex := Exchange{Source: source, Index: index, Method: req.Method, URL: req.URL,
		RequestHeader: req.Header, RequestBody: reqBody, Status: resp.StatusCode,
		ResponseHeader: resp.Header, ResponseBody: body}
	var findings []Finding
	switch {
	case readErr != nil:
		f := t.Validator.base(ex)
		f.Kind, f.Expected, f.Found = KindBody, "a complete body", fmt.Sprintf("body cut short after %d bytes: %v", len(body), readErr)
		findings = []Finding{f}
	case len(body) > MaxBodyBytes:
		f := t.Validator.base(ex)
		f.Kind, f.Found = KindUnreadable, fmt.Sprintf("response body over the %d MiB limit", MaxBodyBytes>>20)
		findings = []Finding{f}
	default:
		findings = t.Validator.Validate(ex)
	}
	if len(findings) > 0 && t.OnFindings != nil {
		t.OnFindings(findings)
	}
	return resp, nil
}

// roundTrip sends req through base (nil means http.DefaultTransport) and buffers both
// bodies for inspection. The caller gets exactly the bytes that arrived, and the read
// error if the body was cut short, just as if it had read the body itself.
func roundTrip(base http.RoundTripper, req *http.Request) (reqBody []byte, resp *http.Response, body []byte, readErr, err error) {
	if req.Body != nil && req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(io.LimitReader(rc, MaxBodyBytes))
			rc.Close()
		}
	}
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err = base.RoundTrip(req)
	if err != nil {
		return reqBody, resp, nil, nil, err
	}
	body, readErr = io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	resp.Body.Close()
	resp.Body = &replayBody{Reader: bytes.NewReader(body), err: readErr}
	return reqBody, resp, body, readErr, nil
}

// replayBody returns the buffered bytes, then the error that cut the original short.
type replayBody struct {
	*bytes.Reader
	err error
}

func (b *replayBody) Read(p []byte) (int, error) {
	n, err := b.Reader.Read(p)
	if err == io.EOF && b.err != nil {
		return n, b.err
	}
	return n, err
}

func (b *replayBody) Close() error { return nil }
