package contract

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
)

// lineEntry is one line of the project's JSON-lines format. Bodies are given either
// as a JSON value (request_body, response_body) or as text (request_text,
// response_text); headers are kept in the order of the line.
//
//	{"method":"GET","url":"https://api.affinity.co/organizations?term=acme","status":200,
//	 "response_headers":{"Content-Type":"application/json"},
//	 "response_body":{"organizations":[],"next_page_token":null}}
type lineEntry struct {
	Method, URL                     string
	Status                          int
	RequestHeaders, ResponseHeaders []harHeader
	RequestBody, ResponseBody       []byte // the value's JSON
	RequestText, ResponseText       []byte
	hasRequestText, hasResponseText bool
}

// ReadLines reads the project's JSON-lines format, one exchange per line. Blank lines
// are skipped; a line that does not parse is reported and the next one is read.
func ReadLines(source string, r io.Reader, opts ...ReadOption) iter.Seq2[Exchange, error] {
	cfg := readOptions(opts)
	return func(yield func(Exchange, error) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		skipBOM(br)
		lineNo := 0
		// buf holds a line longer than the reader's buffer, scratch the strings of one;
		// both are reused.
		var buf, scratch []byte
		for i := 0; ; i++ {
			line, err := readLine(br, maxLineBytes, &buf)
			lineNo++
			if err == io.EOF {
				return
			}
			if err != nil && !errors.Is(err, errLineTooLong) {
				yield(Exchange{}, &EntryError{Source: source, Index: i, Err: err})
				return
			}
			if err != nil {
				if !yield(Exchange{}, &EntryError{Source: source, Index: i, Err: err}) {
					return
				}
				continue
			}
			if len(bytes.TrimSpace(line)) == 0 {
				i--
				continue
			}
			ex, err := parseLine(source, i, line, &scratch, cfg)
			ex.Line = lineNo
			if err != nil {
				if !yield(Exchange{}, &EntryError{Source: source, Index: i, Err: err}) {
					return
				}
				continue
			}
			if !yield(ex, nil) {
				return
			}
		}
	}
}

func parseLine(source string, index int, line []byte, scratch *[]byte, cfg readConfig) (Exchange, error) {
	l, err := parseLineEntry(line, scratch, cfg)
	if err != nil {
		return Exchange{}, fmt.Errorf("not a JSON exchange: %w", err)
	}
	ex, err := newExchange(source, index, l.Method, l.URL, l.Status)
	if err != nil {
		return ex, err
	}
	for _, h := range l.RequestHeaders {
		ex.RequestHeader.Set(h.Name, h.Value)
	}
	for _, h := range l.ResponseHeaders {
		ex.ResponseHeader.Set(h.Name, h.Value)
	}
	ex.RequestBody = pick(l.RequestBody, l.RequestText, l.hasRequestText)
	ex.ResponseBody = pick(l.ResponseBody, l.ResponseText, l.hasResponseText)
	return ex, nil
}

// parseLineEntry reads one line's exchange, as encoding/json would into its struct.
func parseLineEntry(line []byte, scratch *[]byte, cfg readConfig) (*lineEntry, error) {
	p := entryParser{jsonDecoder: jsonDecoder{data: line}, cfg: cfg, scratch: *scratch}
	defer func() { *scratch = p.scratch }()
	l := &lineEntry{}
	p.space()
	ok := p.object("", 1, func(name []byte, depth int) bool {
		switch fieldName(name, "method", "url", "status", "request_headers", "request_body", "request_text",
			"response_headers", "response_body", "response_text") {
		case "method":
			return p.str("method", depth, &l.Method)
		case "url":
			return p.str("url", depth, &l.URL)
		case "status":
			return p.integer("status", depth, &l.Status)
		case "request_headers":
			return p.stringMap("request_headers", depth, &l.RequestHeaders)
		case "response_headers":
			return p.stringMap("response_headers", depth, &l.ResponseHeaders)
		case "request_body":
			return p.raw(depth, &l.RequestBody)
		case "response_body":
			return p.raw(depth, &l.ResponseBody)
		case "request_text":
			return p.optionalText("request_text", depth, &l.RequestText, &l.hasRequestText)
		case "response_text":
			return p.optionalText("response_text", depth, &l.ResponseText, &l.hasResponseText)
		}
		return p.skip(&p.scratch, maxJSONDepth-depth)
	})
	if ok {
		p.space()
		ok = p.pos == len(p.data)
	}
	if !ok {
		return nil, &syntaxError{what: "line", offset: p.pos, deep: p.deep}
	}
	return l, p.typeErr
}

// pick is a body given as text, or else as a JSON value (null being none).
func pick(value, text []byte, hasText bool) []byte {
	if hasText {
		return text
	}
	if len(value) == 0 || string(value) == "null" {
		return nil
	}
	return value
}

// maxLineBytes bounds one line, its newline not counted, as maxEntryBytes does an entry.
const maxLineBytes = maxEntryBytes

var errLineTooLong = fmt.Errorf("line is over the %d MiB limit", maxLineBytes>>20)

// readLine returns the next line without its newline, valid until the next read: in
// the reader's own buffer when it fits there, else gathered in *buf. A line over limit
// bytes is skipped to its end and reported, so that the following lines can still be
// read.
func readLine(br *bufio.Reader, limit int, buf *[]byte) ([]byte, error) {
	chunk, err := br.ReadSlice('\n')
	if err == nil || err == io.EOF && len(chunk) > 0 {
		if len(bytes.TrimSuffix(chunk, []byte("\n"))) > limit {
			return nil, errLineTooLong
		}
		return bytes.TrimRight(chunk, "\r\n"), nil
	}
	line := (*buf)[:0]
	defer func() { *buf = line[:0] }()
	tooLong := false
	for {
		if !tooLong {
			line = append(line, chunk...)
			if len(bytes.TrimSuffix(line, []byte("\n"))) > limit {
				tooLong, line = true, nil
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			chunk, err = br.ReadSlice('\n')
			continue
		case err == io.EOF && (len(line) > 0 || tooLong):
			err = nil
		case err != nil:
			return nil, err
		}
		if tooLong {
			return nil, errLineTooLong
		}
		return bytes.TrimRight(line, "\r\n"), nil
	}
}
