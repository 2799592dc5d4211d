package httpcore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// DefaultMaxBodyBytes bounds a response body the clients read. The largest real pages
// (500 Affinity organizations with interaction persons) are a few MiB.
const DefaultMaxBodyBytes = 32 << 20

// ErrBodyTooLarge matches a *BodyTooLargeError with errors.Is.
var ErrBodyTooLarge = errors.New("response body too large")

// BodyTooLargeError is a body longer than the limit it was read with.
type BodyTooLargeError struct {
	Limit int64
}

func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("body is over the %d-byte limit", e.Limit)
}

// Is matches ErrBodyTooLarge.
func (e *BodyTooLargeError) Is(target error) bool { return target == ErrBodyTooLarge }

// ReadBody reads r whole, up to limit bytes. The buffer is sized from contentLength
// when the sender declared it, or from r's Len when r has one (so a page is read into
// one allocation instead of a doubling slice); a body longer than limit is a
// *BodyTooLargeError, returned with the limit+1 bytes read.
func ReadBody(r io.Reader, contentLength, limit int64) ([]byte, error) {
	if l, ok := r.(interface{ Len() int }); ok && contentLength < 0 {
		// A body already in memory (a middleware's replay) knows its length.
		contentLength = int64(l.Len())
	}
	size := int64(bytes.MinRead)
	if contentLength >= 0 {
		size = min(contentLength, limit) + 1 // +1: room to see EOF without growing
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	n, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return buf.Bytes(), err
	}
	if n > limit {
		// All that was read (limit+1 bytes) comes back, for a caller that passes the
		// body on whole.
		return buf.Bytes(), &BodyTooLargeError{Limit: limit}
	}
	return buf.Bytes(), nil
}
