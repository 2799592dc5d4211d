package cli

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// The proxy holds a body only to check or record it, and then within two bounds: each
// body at most --max-body-bytes, and all the bodies held at once, across every
// exchange under way, at most proxyBytesInFlight. A body past either is passed on as
// it streams, whole and unchanged, and its exchange is reported as not checked.

// proxyBytesInFlight bounds the bodies every exchange under way holds at once.
const proxyBytesInFlight = 128 << 20

// proxyChunk is the step in which a held body grows, and takes its room.
const proxyChunk = 32 << 10

// errBodyTooLarge is a body past --max-body-bytes.
var errBodyTooLarge = errors.New("over --max-body-bytes")

// errNoRoom is a body that would pass the room for bodies in flight.
var errNoRoom = errors.New("over the room for bodies in flight")

// room is the bytes free for bodies in flight. It never waits: an exchange that
// finds no room streams its body instead, so that exchanges holding part of a body
// can never wait on each other.
type room struct {
	mu   sync.Mutex
	free int64
}

func (r *room) take(n int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.free < n {
		return false
	}
	r.free -= n
	return true
}

func (r *room) give(n int64) {
	r.mu.Lock()
	r.free += n
	r.mu.Unlock()
}

// heldBody is a body read, or partly read, by holdBody.
type heldBody struct {
	data  []byte
	taken int64 // room taken, given back by release
	// over is errBodyTooLarge or errNoRoom when the body goes on past data in the
	// original reader; nil when data is all of it.
	over error
	// err is the error that cut the body short, if one did.
	err error
}

// holdBody reads r, of declared length n (-1 unknown), up to limit bytes and within
// the room. When it stops before the end (over is set), data is what it read, and the
// rest is still to be read from r.
func holdBody(r io.Reader, n, limit int64, rm *room) heldBody {
	var h heldBody
	if n > limit {
		h.over = errBodyTooLarge
		return h
	}
	want := int64(proxyChunk)
	if n >= 0 {
		want = n + 1 // room to see the end in the same read
	}
	for {
		if int64(len(h.data)) > limit {
			h.over = errBodyTooLarge
			return h
		}
		if int64(cap(h.data)-len(h.data)) == 0 {
			grow := min(max(want, int64(len(h.data))), limit+1-int64(len(h.data)))
			if grow <= 0 {
				grow = 1
			}
			if !rm.take(grow) {
				h.over = errNoRoom
				return h
			}
			h.taken += grow
			h.data = append(make([]byte, 0, int64(len(h.data))+grow), h.data...)
		}
		m, err := r.Read(h.data[len(h.data):cap(h.data)])
		h.data = h.data[:len(h.data)+m]
		if err == io.EOF {
			if int64(len(h.data)) > limit {
				h.over = errBodyTooLarge
			}
			return h
		}
		if err != nil {
			h.err = err
			return h
		}
	}
}

// release gives the body's room back; data must not be used after.
func (h *heldBody) release(rm *room) {
	rm.give(h.taken)
	h.taken, h.data = 0, nil
}

// checkableEncodings is h for the upstream, its Accept-Encoding narrowed to the
// codings decoder undoes (gzip, deflate, identity), their weights kept: a client that
// accepts br or zstd (Node's fetch asks for br) would otherwise get answers the proxy
// passes on unchecked. The client still gets a coding it asked for, or none; h itself
// (what the check and the recording see of the request) is left as the client sent it.
func checkableEncodings(h http.Header) http.Header {
	values := h.Values("Accept-Encoding")
	if len(values) == 0 {
		return h
	}
	var kept []string
	narrowed := false
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			coding, _, _ := strings.Cut(part, ";")
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip", "x-gzip", "deflate", "identity":
				kept = append(kept, strings.TrimSpace(part))
			case "":
			default: // br, zstd, compress, * (which lets the upstream choose any)
				narrowed = true
			}
		}
	}
	if !narrowed {
		return h
	}
	out := h.Clone()
	out.Del("Accept-Encoding")
	if len(kept) > 0 {
		out.Set("Accept-Encoding", strings.Join(kept, ", "))
	}
	return out
}

// decoder is a reader of a response body as a check reads it: a gzip or deflate
// Content-Encoding undone; nil for a body sent as it is. An encoding the proxy cannot
// undo (br, zstd) is an error: the body is passed on as it came, and not checked. The
// caller reads it with holdBody, so that the decoded body is held within the same
// bounds as the raw one.
func decoder(encoding string, body []byte) (io.Reader, error) {
	var zr io.Reader
	var err error
	switch enc := strings.ToLower(strings.TrimSpace(encoding)); enc {
	case "", "identity":
		return nil, nil
	case "gzip", "x-gzip":
		zr, err = gzip.NewReader(bytes.NewReader(body))
	case "deflate":
		// Servers send zlib, as the RFC says, or raw deflate, as some do.
		if zr, err = zlib.NewReader(bytes.NewReader(body)); err != nil {
			zr, err = flate.NewReader(bytes.NewReader(body)), nil
		}
	default:
		return nil, fmt.Errorf("a %q-encoded body, which the proxy cannot decode", encoding)
	}
	if err != nil {
		return nil, fmt.Errorf("decoding the %s body: %w", encoding, err)
	}
	return zr, nil
}
