package contract

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
)

// lineExchange is one line of the project's JSON-lines format. Bodies are given either
// as a JSON value (request_body, response_body) or as text (request_text, response_text).
//
//	{"method":"GET","url":"https://api.affinity.co/organizations?term=acme","status":200,
//	 "response_headers":{"Content-Type":"application/json"},
//	 "response_body":{"organizations":[],"next_page_token":null}}
type lineExchange struct {
	Method          string            `json:"method"`
	URL             string            `json:"url"`
	Status          int               `json:"status"`
	RequestHeaders  map[string]string `json:"request_headers"`
	RequestBody     json.RawMessage   `json:"request_body"`
	RequestText     *string           `json:"request_text"`
	ResponseHeaders map[string]string `json:"response_headers"`
	ResponseBody    json.RawMessage   `json:"response_body"`
	ResponseText    *string           `json:"response_text"`
}

// ReadLines reads the project's JSON-lines format, one exchange per line. Blank lines
// are skipped; a line that does not parse is reported and the next one is read.
func ReadLines(source string, r io.Reader) iter.Seq2[Exchange, error] {
	return func(yield func(Exchange, error) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		lineNo := 0
		for i := 0; ; i++ {
			line, err := readLine(br, maxLineBytes)
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
			ex, err := parseLine(source, i, line)
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

func parseLine(source string, index int, line []byte) (Exchange, error) {
	var l lineExchange
	if err := json.Unmarshal(line, &l); err != nil {
		return Exchange{}, fmt.Errorf("not a JSON exchange: %w", err)
	}
	ex, err := newExchange(source, index, l.Method, l.URL, l.Status)
	if err != nil {
		return ex, err
	}
	for k, v := range l.RequestHeaders {
		ex.RequestHeader.Set(k, v)
	}
	for k, v := range l.ResponseHeaders {
		ex.ResponseHeader.Set(k, v)
	}
	ex.RequestBody = pick(l.RequestBody, l.RequestText)
	ex.ResponseBody = pick(l.ResponseBody, l.ResponseText)
	return ex, nil
}

func pick(value json.RawMessage, text *string) []byte {
	if text != nil {
		return []byte(*text)
	}
	if len(value) == 0 || string(value) == "null" {
		return nil
	}
	return value
}

// maxLineBytes bounds one line, its newline not counted, as maxEntryBytes does an entry.
const maxLineBytes = maxEntryBytes

var errLineTooLong = fmt.Errorf("line is over the %d MiB limit", maxLineBytes>>20)

// readLine returns the next line without its newline. A line over limit bytes is
// skipped to its end and reported, so that the following lines can still be read.
func readLine(br *bufio.Reader, limit int) ([]byte, error) {
	var line []byte
	tooLong := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			line = append(line, chunk...)
			if len(bytes.TrimSuffix(line, []byte("\n"))) > limit {
				tooLong, line = true, nil
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
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
