package contract

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// MaxBodyBytes is the largest request or response body a reader accepts; a larger one
// makes its entry unreadable, and the other entries are still read.
const MaxBodyBytes = 32 << 20

// EntryError is an entry (or a whole file, with Index -1) that could not be read.
type EntryError struct {
	Source string
	Index  int
	Err    error
}

func (e *EntryError) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("%s: %v", e.Source, e.Err)
	}
	return fmt.Sprintf("%s entry %d: %v", e.Source, e.Index, e.Err)
}

func (e *EntryError) Unwrap() error { return e.Err }

// Format is a recording format.
type Format string

// The formats the readers understand.
const (
	FormatHAR   Format = "har"   // HAR 1.2
	FormatVCR   Format = "vcr"   // go-vcr v4 cassette (YAML)
	FormatLines Format = "jsonl" // the project's JSON lines, one exchange per line
)

// ErrUnknownFormat is an input that is none of the recording formats.
var ErrUnknownFormat = errors.New("not a recording: expected HAR, go-vcr cassette or JSON lines")

// SniffBytes is how much of an input Sniff needs to see.
const SniffBytes = 4 << 10

// ReadOption changes how the HAR and JSON-lines readers read.
type ReadOption func(*readConfig)

type readConfig struct {
	alloc       func(n int) []byte // nil: each body a slice of its own
	maxCassette int64              // 0: MaxCassetteBytes
	header      func() http.Header // nil: each header map of its own (WithHeaderAlloc)
	parallel    int                // HAR entries parsed at once; <= 1: one at a time
	chunk, held int64              // the parallel reader's nominal chunk and bodies held for one; 0: the defaults
	stats       *parallelStats     // for tests: how the parallel reader's entries were read
	prepare     func(Exchange) any // ReadPrepared's, called by the parallel reader's parsers
	prepared    *preparedSlot      // where the committer leaves prepare's value for ReadPrepared
}

// WithBodyAlloc has the HAR and JSON-lines readers take the buffer of each body they
// copy out of a recording from alloc, which must return a slice of length n that
// nothing else uses, so that a caller done with an exchange's bodies can reuse them
// for the next ones, as cmd/validate does; that spares the garbage collector most of
// what reading a recording allocates. By default each body is a slice of its own.
func WithBodyAlloc(alloc func(n int) []byte) ReadOption {
	return func(c *readConfig) { c.alloc = alloc }
}

func readOptions(opts []ReadOption) readConfig {
	var c readConfig
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// copyOut is b in a buffer of its own, from alloc when there is one.
func (c readConfig) copyOut(b []byte) []byte {
	if c.alloc == nil {
		return append([]byte(nil), b...)
	}
	out := c.alloc(len(b))
	if len(out) != len(b) { // an allocator that broke its promise loses no byte
		return append([]byte(nil), b...)
	}
	copy(out, b)
	return out
}

// Read returns the exchanges of a recording, whose format it recognises by content
// (Sniff), whatever the name. Entries that cannot be read are yielded as *EntryError;
// reading goes on. An input that is no recording is one *EntryError wrapping
// ErrUnknownFormat; an empty one has no exchanges. A UTF-8 byte-order mark at the
// start is skipped, here and by each format's reader.
func Read(name string, r io.Reader, opts ...ReadOption) iter.Seq2[Exchange, error] {
	// Sniffing reads ahead of what it consumes: a parallel HAR reader is given the
	// input's own ReadAt and the offset it was at, with the sniffed bytes to read on.
	at, parallel := offsetReaderOf(r, readOptions(opts))
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(SniffBytes)
	format, ok := Sniff(head)
	switch {
	case format == FormatHAR && parallel:
		at.Reader = br
		return ReadHAR(name, at, opts...)
	case format == FormatHAR:
		return ReadHAR(name, br, opts...)
	case format == FormatVCR:
		return ReadVCR(name, br, opts...)
	case format == FormatLines:
		return ReadLines(name, br, opts...)
	case ok: // empty
		return func(func(Exchange, error) bool) {}
	}
	return func(yield func(Exchange, error) bool) {
		yield(Exchange{}, &EntryError{Source: name, Index: -1, Err: ErrUnknownFormat})
	}
}

var (
	harStart   = regexp.MustCompile(`"log"\s*:\s*\{`)
	lineStart  = regexp.MustCompile(`^\{[^\n]*"method"\s*:`)
	vcrStart   = regexp.MustCompile(`(?m)^interactions:`)
	yamlHeader = regexp.MustCompile(`^(---\s*\n|%YAML|#|[A-Za-z_]+:)`)
)

// Sniff tells the format of a recording from its first bytes (SniffBytes are
// enough): a HAR document, JSON lines of exchanges, or a go-vcr cassette. ok is false
// for anything else; an input of nothing but white space is ("", true).
func Sniff(head []byte) (format Format, ok bool) {
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	switch {
	case len(t) == 0:
		return "", true
	case t[0] == '{':
		// A whole first line tells by its top-level members: a log is HAR (often all on
		// one line), a method is an exchange of JSON lines.
		if line, _, _ := bytes.Cut(t, []byte("\n")); json.Valid(line) {
			var top map[string]json.RawMessage
			_ = json.Unmarshal(line, &top) // valid JSON starting with '{' is an object
			if _, ok := top["log"]; ok {
				return FormatHAR, true
			}
			if _, ok := top["method"]; ok {
				return FormatLines, true
			}
			return "", false // members of its own elsewhere, such as a report's findings
		}
		// A first line longer than the bytes seen: go by what it starts with.
		if harStart.Match(t) {
			return FormatHAR, true
		}
		if lineStart.Match(t) {
			return FormatLines, true
		}
	case yamlHeader.Match(t) && vcrStart.Match(t):
		return FormatVCR, true
	}
	return "", false
}

// bom is the UTF-8 byte-order mark.
var bom = []byte("\ufeff")

// skipBOM drops a byte-order mark at the start of br: editors and some HAR exporters
// write one, and it is no part of the JSON after it (YAML skips it itself). Every
// format reads a recording with one as it reads the same recording without.
func skipBOM(br *bufio.Reader) {
	if head, _ := br.Peek(len(bom)); bytes.Equal(head, bom) {
		_, _ = br.Discard(len(bom))
	}
}

// newExchange checks the parts every format must give and builds the exchange.
func newExchange(source string, index int, method, rawURL string, status int) (Exchange, error) {
	ex, err := newExchangeWithout(source, index, method, rawURL, status)
	ex.RequestHeader, ex.ResponseHeader = http.Header{}, http.Header{}
	return ex, err
}

// newExchangeWithout is newExchange for a reader that makes the headers itself.
func newExchangeWithout(source string, index int, method, rawURL string, status int) (Exchange, error) {
	ex := Exchange{Source: source, Index: index, Method: strings.ToUpper(method), Status: status}
	if method == "" {
		return ex, errors.New("request method is missing")
	}
	if rawURL == "" {
		return ex, errors.New("request URL is missing")
	}
	u, err := parseURL(rawURL)
	if err != nil {
		return ex, fmt.Errorf("request URL: %w", redactErr(err))
	}
	ex.URL = u
	if status < 100 || status > 599 {
		return ex, fmt.Errorf("response status %d is not an HTTP status (no response recorded?)", status)
	}
	return ex, nil
}

// redactErr keeps an api_key in a bad URL out of error messages.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %v", ue.Op, ue.Err)
	}
	return err
}

// checkSize refuses bodies over MaxBodyBytes.
func checkSize(what string, n int) error {
	if n > MaxBodyBytes {
		return fmt.Errorf("%s of %d bytes is over the %d MiB limit", what, n, MaxBodyBytes>>20)
	}
	return nil
}

// decompress undoes a Content-Encoding that a recorder left in place. A body that is
// already plain (recorders usually store it decoded) is returned as it is.
func decompress(encoding string, body []byte) ([]byte, error) {
	var r io.Reader
	var err error
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "gzip", "x-gzip":
		if !bytes.HasPrefix(body, []byte{0x1f, 0x8b}) {
			return body, nil
		}
		r, err = gzip.NewReader(bytes.NewReader(body))
	case "deflate":
		if len(body) < 2 || body[0]&0x0f != 8 || (uint16(body[0])<<8|uint16(body[1]))%31 != 0 {
			if looksPlain(body) {
				return body, nil
			}
			r = flate.NewReader(bytes.NewReader(body))
			break
		}
		r, err = zlib.NewReader(bytes.NewReader(body))
	case "br", "zstd":
		if looksPlain(body) {
			return body, nil
		}
		return nil, fmt.Errorf("body is still %s-compressed, which this reader cannot decode", encoding)
	default:
		return body, nil
	}
	if err != nil {
		return nil, fmt.Errorf("decompressing %s body: %w", encoding, err)
	}
	out, err := io.ReadAll(io.LimitReader(r, MaxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("decompressing %s body: %w", encoding, err)
	}
	return out, checkSize("decompressed body", len(out))
}

func looksPlain(body []byte) bool {
	t := bytes.TrimSpace(body)
	return len(t) == 0 || t[0] == '{' || t[0] == '[' || t[0] == '"'
}
