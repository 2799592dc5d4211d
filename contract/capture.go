package contract

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/orgapis/orgapis/internal/bodyread"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// captured is what a capturing round trip read of one exchange.
type captured struct {
	reqBody []byte
	body    []byte // the response body as read: all of it unless tooLarge or readErr
	// tooLarge is set when the body is longer than MaxBodyBytes; the caller still gets
	// the whole body, but only its start was kept.
	tooLarge bool
	// readErr is the error that cut the body short, if one did.
	readErr error
}

// captureRoundTrip sends req through base (nil means http.DefaultTransport) and keeps
// both bodies for inspection. The caller gets exactly what it would have got without
// the capture: the same bytes, the same read error at the same place, and a body over
// the cap passed through whole.
func captureRoundTrip(base http.RoundTripper, req *http.Request) (*http.Response, captured, error) {
	var c captured
	if req.Body != nil && req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			c.reqBody, _ = io.ReadAll(io.LimitReader(rc, MaxBodyBytes))
			rc.Close()
		}
	}
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil {
		return resp, c, err
	}
	orig := resp.Body
	c.body, c.readErr = bodyread.Read(orig, resp.ContentLength, MaxBodyBytes)
	var tooLarge *apicall.BodyTooLargeError
	if errors.As(c.readErr, &tooLarge) {
		c.tooLarge, c.readErr = true, nil
		resp.Body = &passThrough{Reader: io.MultiReader(bytes.NewReader(c.body), orig), closer: orig}
		return resp, c, nil
	}
	orig.Close()
	resp.Body = &replayBody{Reader: bytes.NewReader(c.body), data: c.body, err: c.readErr}
	return resp, c, nil
}

// replayBody returns the buffered bytes, then the error that cut the original short.
// It is a bodyread.Buffered, so a wrapper client takes the bytes without a copy.
type replayBody struct {
	*bytes.Reader
	data []byte
	err  error
}

// BufferedBytes hands on the unread bytes and the error that cut them short.
func (b *replayBody) BufferedBytes() ([]byte, error) {
	rest := b.data[len(b.data)-b.Reader.Len():]
	b.Reader.Reset(nil)
	return rest, b.err
}

func (b *replayBody) Read(p []byte) (int, error) {
	n, err := b.Reader.Read(p)
	if err == io.EOF && b.err != nil {
		return n, b.err
	}
	return n, err
}

func (b *replayBody) Close() error { return nil }

// passThrough gives back the start that was read, then the rest of the original body.
type passThrough struct {
	io.Reader
	closer io.Closer
}

func (b *passThrough) Close() error { return b.closer.Close() }
