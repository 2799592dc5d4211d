package bodyread

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"testing"
	"testing/iotest"

	"github.com/orgapis/orgapis/wrappers/apicall"
)

func TestRead(t *testing.T) {
	body := bytes.Repeat([]byte("a"), 3000)
	for _, cl := range []int64{-1, 3000, 10} { // unknown, right, and a lying Content-Length
		got, err := Read(bytes.NewReader(body), cl, 4096)
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("content length %d: %d bytes, %v", cl, len(got), err)
		}
	}
	// Unknown length: read past the limit by one byte, and kept for a pass-through.
	got, err := Read(io.MultiReader(bytes.NewReader(body)), -1, 1000)
	var tooLarge *apicall.BodyTooLargeError
	if !errors.As(err, &tooLarge) || tooLarge.Limit != 1000 || len(got) != 1001 || !isTooLarge(err) {
		t.Errorf("over the limit: %d bytes, %v", len(got), err)
	}
	// Declared over the limit (or a body in memory that is): nothing is read.
	src := bytes.NewReader(body)
	if got, err := Read(src, -1, 1000); !isTooLarge(err) || len(got) != 0 || src.Len() != 3000 {
		t.Errorf("declared over the limit: read %d bytes, %v", 3000-src.Len(), err)
	}
	// Unknown length, across several pieces.
	long := bytes.Repeat([]byte("0123456789"), 100_000)
	if got, err := Read(io.MultiReader(bytes.NewReader(long)), -1, 1<<20); err != nil || !bytes.Equal(got, long) {
		t.Errorf("a megabyte in pieces: %d bytes, %v", len(got), err)
	}
	if _, err := Read(iotest.ErrReader(io.ErrUnexpectedEOF), 10, 100); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("read error lost: %v", err)
	}
}

// A declared or read length of exactly the limit is within it.
func TestReadBodyAtTheLimit(t *testing.T) {
	body := []byte("abcdef")
	for name, r := range map[string]io.Reader{"declared": bytes.NewReader(body), "unknown": io.MultiReader(bytes.NewReader(body))} {
		cl := int64(len(body))
		if name == "unknown" {
			cl = -1
		}
		if got, err := Read(r, cl, int64(len(body))); err != nil || !bytes.Equal(got, body) {
			t.Errorf("%s length at the limit: %q, %v", name, got, err)
		}
	}
}

// Memory follows the body: a known length is read into one buffer of that size, an
// unknown one in pieces joined once, about twice its size, not the four to six times
// of a doubling buffer.
func TestReadBodyAllocations(t *testing.T) {
	const n = 8 << 20
	body := bytes.Repeat([]byte("x"), n)
	allocated := func(r io.Reader, cl int64) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		got, err := Read(r, cl, 2*n)
		runtime.ReadMemStats(&after)
		if err != nil || len(got) != n {
			t.Fatalf("read %d bytes, %v", len(got), err)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	if a := allocated(io.MultiReader(bytes.NewReader(body)), n); a > n+n/4 {
		t.Errorf("known length: %d bytes allocated for %d", a, n)
	}
	if a := allocated(io.MultiReader(bytes.NewReader(body)), -1); a > 2*n+n/2 {
		t.Errorf("unknown length: %d bytes allocated for %d", a, n)
	}
}

func isTooLarge(err error) bool {
	var tooLarge *apicall.BodyTooLargeError
	return errors.As(err, &tooLarge)
}
