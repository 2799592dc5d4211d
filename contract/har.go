package contract

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
)

type harHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// APIComment starts the comment of a HAR entry that says which API it belongs to,
// as in "orgapis:api=affinity"; Recorder writes it, ReadHAR reads it into Exchange.API.
const APIComment = "orgapis:api="

// UncheckedComment follows the API in the comment of an entry whose exchange could not
// be checked where it was recorded (validate proxy passed on a body past its limit,
// and recorded none), with the reason: "orgapis:api=affinity orgapis:unchecked=...".
// Reading such an entry is an *EntryError whose Err says the reason, so that a replay
// reports the exchange as the recording run did, not its missing body.
const UncheckedComment = " orgapis:unchecked="

// maxEntryBytes bounds one HAR entry as it is read: room for a body at MaxBodyBytes
// and the rest of the entry. A longer entry is skipped as it streams past and reported.
const maxEntryBytes = MaxBodyBytes + 1<<20

// ReadHAR streams the entries of a HAR 1.2 file: it reads the file in pieces and
// parses each entry where it lies, in one pass, so memory follows the largest entry,
// not the file, and an entry over the limit is skipped without being held. Text and base64 bodies are read, and bodies a
// recorder left compressed are decompressed per Content-Encoding. An entry that cannot
// be read (a wrong type, nesting too deep, a missing response) is reported and the next
// one is read.
func ReadHAR(source string, r io.Reader, opts ...ReadOption) iter.Seq2[Exchange, error] {
	return readHAR(source, r, maxEntryBytes, windowRead, readOptions(opts))
}

func readHAR(source string, r io.Reader, entryLimit, step int, cfg readConfig) iter.Seq2[Exchange, error] {
	if in, ok := offsetReaderOf(r, cfg); ok {
		return readHARParallel(source, in, entryLimit, step, cfg)
	}
	return func(yield func(Exchange, error) bool) {
		s := newRawScanner(r)
		if !firstEntry(source, s, yield) {
			return
		}
		c := &harCursor{w: &harWindow{r: s.br, step: step, lines: s.line}, source: source, limit: entryLimit, cfg: cfg}
		fail := func(index int, err error) bool {
			return yield(Exchange{}, &EntryError{Source: source, Index: index, Err: err})
		}
		for i := 0; ; i++ {
			if fatal := c.start(); fatal != nil {
				fail(i, fatal)
				return
			}
			line := c.w.lines + 1 // where the entry starts
			ex, err, fatal := c.read(i)
			if !emit(yield, fail, i, line, ex, err, fatal) {
				return
			}
			end, fatal := c.sep()
			if fatal != nil {
				fail(i+1, fatal)
				return
			}
			if end {
				return
			}
		}
	}
}

// firstEntry reads a HAR file up to its first entry (after a byte-order mark, in
// log.entries, past the white space before it), or says why there is none: false
// when there is no entry to read, having yielded the error if any.
func firstEntry(source string, s *rawScanner, yield func(Exchange, error) bool) bool {
	skipBOM(s.br)
	fail := func(err error) {
		yield(Exchange{}, &EntryError{Source: source, Index: -1, Err: err})
	}
	if err := enterHAR(s); err != nil {
		fail(fmt.Errorf("not a HAR file: %w", err))
		return false
	}
	c, err := s.skipSpace()
	if err != nil {
		fail(fmt.Errorf("broken JSON in log.entries: %w", err))
		return false
	}
	return c != ']'
}

// enterHAR finds log.entries, skipping other members of any size, and consumes its '['.
func enterHAR(s *rawScanner) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	if err := s.seek("log"); err != nil {
		return err
	}
	if err := s.expect('{'); err != nil {
		return fmt.Errorf("log: %w", err)
	}
	if err := s.seek("entries"); err != nil {
		return fmt.Errorf("log: %w", err)
	}
	if err := s.expect('['); err != nil {
		return fmt.Errorf("log.entries: %w", err)
	}
	return nil
}

func (e *harEntry) exchange(source string, index int) (Exchange, error) {
	api, why, unchecked := e.comment()
	if unchecked {
		// What the recorder says of the entry comes first: one it marked not checked
		// may hold no answer at all (validate proxy's request the upstream never
		// answered, status 0).
		return Exchange{}, errors.New(string(why))
	}
	if !e.HasResponse {
		return Exchange{}, errors.New("response is missing")
	}
	ex, err := newExchangeWithout(source, index, methodName(e.bytes(e.Request.Method)), string(e.bytes(e.Request.URL)), e.Response.Status)
	if err != nil {
		ex.RequestHeader, ex.ResponseHeader = http.Header{}, http.Header{}
		return ex, err
	}
	// One string holds every header value; the URL has its own, since a finding may
	// keep its path long after the entry's headers are gone.
	text := string(e.values)
	values := make([]string, len(e.Request.Headers)+len(e.Response.Headers))
	reqHeader := e.header(requestNames, e.Request.Headers, text, values)
	respHeader := e.header(responseNames, e.Response.Headers, text, values[len(e.Request.Headers):])
	ex.RequestHeader, ex.ResponseHeader = reqHeader.h, respHeader.h
	if e.Request.HasPostData {
		pd := &e.Request.PostData
		if ex.RequestBody, err = harText(pd.Text, e.bytes(pd.Encoding)); err != nil {
			return ex, fmt.Errorf("request.postData: %w", err)
		}
		if reqHeader.contentType == "" && pd.MimeType.end > pd.MimeType.start {
			ex.RequestHeader["Content-Type"] = []string{string(e.bytes(pd.MimeType))}
		}
	}
	c := &e.Response.Content
	if err := checkSize("response body", len(c.Text)); err != nil {
		return ex, err
	}
	if ex.ResponseBody, err = harText(c.Text, e.bytes(c.Encoding)); err != nil {
		return ex, fmt.Errorf("response.content: %w", err)
	}
	if ex.ResponseBody, err = decompress(respHeader.contentEncoding, ex.ResponseBody); err != nil {
		return ex, fmt.Errorf("response.content: %w", err)
	}
	if respHeader.contentType == "" && c.MimeType.end > c.MimeType.start {
		ex.ResponseHeader["Content-Type"] = []string{string(e.bytes(c.MimeType))}
	}
	if len(api) > 0 {
		ex.API = string(api)
	}
	return ex, nil
}

// comment is what the entry's comment says, when it starts with APIComment: the API,
// and why the exchange was not checked, when it says so (UncheckedComment).
func (e *harEntry) comment() (api, why []byte, unchecked bool) {
	rest, ok := bytes.CutPrefix(e.bytes(e.Comment), []byte(APIComment))
	if !ok {
		return nil, nil, false
	}
	api, why, unchecked = bytes.Cut(rest, []byte(UncheckedComment))
	return bytes.TrimSpace(api), why, unchecked
}

func harText(text []byte, encoding []byte) ([]byte, error) {
	if err := checkSize("body", len(text)); err != nil {
		return nil, err
	}
	switch string(encoding) {
	case "", "utf8", "utf-8":
		return text, nil
	case "base64":
		b := make([]byte, base64.StdEncoding.DecodedLen(len(text)))
		n, err := base64.StdEncoding.Decode(b, text)
		if err != nil {
			return nil, fmt.Errorf("bad base64 body: %w", err)
		}
		return b[:n], nil
	default:
		return nil, fmt.Errorf("unknown body encoding %q", encoding)
	}
}
