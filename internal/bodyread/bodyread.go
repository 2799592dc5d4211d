// Package bodyread reads HTTP bodies whole within a limit the caller chose, for the
// clients and the contract middleware alike: memory is bounded by the limit, never by
// what the other side declares or sends.
package bodyread

import (
	"bytes"
	"io"

	"github.com/orgapis/orgapis/wrappers/apicall"
)

// Buffered is a body already read into memory, such as the one a capturing middleware
// hands on: Read takes its bytes as they are instead of copying them, so that a
// chain of middleware and the client hold one copy of a large body, not one each.
type Buffered interface {
	// BufferedBytes returns the unread rest of the body and the error that ends it
	// (nil for a whole body), and leaves nothing more to read.
	BufferedBytes() ([]byte, error)
}

// Read reads r whole, up to limit bytes, and a body longer than limit is a
// *apicall.BodyTooLargeError. Memory is bounded by limit whatever is declared: a body of known
// length (contentLength, or r's Len when r is already in memory) is read into one
// buffer of that size, allocated once; one of unknown length, or longer than declared,
// is read in growing pieces joined once at the end, so that reading n bytes allocates
// about 2n, not the 4n to 6n of a doubling slice. With a *apicall.BodyTooLargeError it returns
// what it read; when the declared length is already over the limit it reads nothing.
func Read(r io.Reader, contentLength, limit int64) ([]byte, error) {
	if b, ok := r.(Buffered); ok {
		data, err := b.BufferedBytes()
		if int64(len(data)) > limit {
			data = data[:limit+1]
		}
		return checkLimit(data, limit, err)
	}
	if l, ok := r.(interface{ Len() int }); ok && contentLength < 0 {
		contentLength = int64(l.Len())
	}
	if contentLength > limit {
		return nil, &apicall.BodyTooLargeError{Limit: limit}
	}
	lr := io.LimitReader(r, limit+1)
	size := 4 << 10
	if contentLength >= 0 {
		size = int(contentLength) + 1 // +1: room to see the end in the same piece
	}
	var pieces [][]byte
	for {
		piece := make([]byte, size)
		n, err := readFull(lr, piece)
		pieces = append(pieces, piece[:n])
		if err == io.EOF {
			return checkLimit(join(pieces), limit, nil)
		}
		if err != nil {
			return checkLimit(join(pieces), limit, err)
		}
		size = min(size*2, 1<<20)
	}
}

// join is bytes.Join without the copy of a single piece.
func join(pieces [][]byte) []byte {
	if len(pieces) == 1 {
		return pieces[0]
	}
	return bytes.Join(pieces, nil)
}

// readFull fills p unless the reader ends (io.EOF, with what it read) or fails.
func readFull(r io.Reader, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := r.Read(p[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func checkLimit(body []byte, limit int64, err error) ([]byte, error) {
	if err != nil {
		return body, err
	}
	if int64(len(body)) > limit {
		// All that was read (limit+1 bytes) comes back, for a caller that passes the
		// body on whole.
		return body, &apicall.BodyTooLargeError{Limit: limit}
	}
	return body, nil
}
