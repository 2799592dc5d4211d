package contract

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

// A line of exactly the limit is read; one byte more is skipped and reported, and the
// line after it is still read. The limit is past bufio's buffer, so that the line
// arrives in several pieces.
func TestReadLineLimit(t *testing.T) {
	const limit = 10_000
	for _, n := range []int{limit, limit + 1} {
		src := io.MultiReader(io.LimitReader(repeatByte('a'), int64(n)), strings.NewReader("\nnext\n"))
		br := bufio.NewReader(src)
		line, err := readLine(br, limit)
		if n == limit && (err != nil || len(line) != n || line[0] != 'a' || line[n-1] != 'a') {
			t.Errorf("line of %d bytes: %d bytes, %v", n, len(line), err)
		}
		if n > limit && !errors.Is(err, errLineTooLong) {
			t.Errorf("line of %d bytes: %v, want errLineTooLong", n, err)
		}
		if next, err := readLine(br, limit); err != nil || string(next) != "next" {
			t.Errorf("after a line of %d bytes: %q, %v", n, next, err)
		}
	}
}

type repeatByte byte

func (b repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}
