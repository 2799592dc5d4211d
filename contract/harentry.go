package contract

import (
	"fmt"
	"net/http"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// harEntry is what the reader takes from one HAR entry; the rest is skipped. Its
// strings are spans of text, where the parser puts each one decoded, so that reading
// an entry makes no string: an exchange is built from the spans with one string for
// them all. The reader fills the same harEntry with each entry (reset).
type harEntry struct {
	text []byte
	// values is the text of the header values, apart: the exchange keeps them in one
	// string, which so holds nothing else.
	values  []byte
	Comment span
	Request struct {
		Method, URL span
		Headers     []harField
		PostData    harContent
		HasPostData bool // postData was an object (a null leaves it unset)
	}
	Response    harResponse
	HasResponse bool // response was an object
	// newHeader lends the exchange its header maps (WithHeaderAlloc); nil, new ones.
	newHeader func() http.Header
	// names and memoText are the header names of the last entries, by list (request,
	// response) and place, which the next entry's likely repeat (canonicalName).
	names    [2][]nameMemo
	memoText []byte
}

// harResponse is an entry's response.
type harResponse struct {
	Status  int
	Headers []harField
	Content harContent
}

// span is the bytes text[start:end] of a harEntry: one of its strings, decoded.
type span struct{ start, end int }

// harField is a header's name (a span of harEntry.text) and value (of
// harEntry.values).
type harField struct{ Name, Value span }

// harContent is a request's postData or a response's content.
type harContent struct {
	MimeType span
	Text     []byte
	Encoding span
}

// reset empties e for the next entry, keeping the room of its text and headers, and
// the names of the last entry's headers.
func (e *harEntry) reset() {
	*e = harEntry{text: e.text[:0], values: e.values[:0], Request: struct {
		Method, URL span
		Headers     []harField
		PostData    harContent
		HasPostData bool
	}{Headers: e.Request.Headers[:0]}, Response: harResponse{Headers: e.Response.Headers[:0]},
		names: e.names, memoText: e.memoText}
}

// bytes is the text of s.
func (e *harEntry) bytes(s span) []byte { return e.text[s.start:s.end] }

// entryParser reads a recording's entry (a HAR entry, a JSON line) straight into the
// reader's struct, in one pass that also checks its grammar: the members the reader
// needs are taken as they pass, every other one is skipped, and a body's text is
// unescaped once. It reads as encoding/json.Unmarshal would into the struct (names
// matched exactly, then case-folded; null leaving a value as it is; bytes that are not
// UTF-8 becoming U+FFFD), so that a recording reads the same as before, without
// building the entry twice; tests hold the two to the same exchanges.
type entryParser struct {
	jsonDecoder
	cfg     readConfig // where bodies copied out of the entry go
	strs    []byte     // a harEntry's text, when the parser reads one
	vals    []byte     // a harEntry's header values, likewise
	scratch []byte
	typeErr error // the first value of the wrong type; reading goes on, as encoding/json does
	// nameASCII says the member name object passes on is ASCII (for field).
	nameASCII bool
}

// syntaxError is an entry (a HAR entry, a JSON line) that is not JSON, or nests past
// maxJSONDepth (deep); what names it.
type syntaxError struct {
	what   string
	offset int
	deep   bool
}

func (e *syntaxError) Error() string {
	if e.deep {
		return fmt.Sprintf("%s nests deeper than %d levels, the limit for JSON (byte %d of the %s)", e.what, maxJSONDepth, e.offset, e.what)
	}
	return fmt.Sprintf("%s is not valid JSON: syntax error at byte %d of the %s", e.what, e.offset, e.what)
}

// parseHAREntry reads raw, which must be one entry, into e; scratch's bytes are reused.
func parseHAREntry(raw []byte, scratch *[]byte, cfg readConfig, e *harEntry) error {
	n, err := parseHAREntryAt(raw, scratch, cfg, e)
	if _, ok := err.(*syntaxError); ok {
		return err
	}
	p := jsonDecoder{data: raw, pos: n}
	if p.space(); p.pos != len(raw) {
		return &syntaxError{what: "entry", offset: p.pos}
	}
	return err
}

// parseHAREntryAt reads the entry that data starts with into e and says where it ends
// (n); a *syntaxError, never wrapped, is an entry that is not JSON up to its end or to
// data's.
func parseHAREntryAt(data []byte, scratch *[]byte, cfg readConfig, e *harEntry) (n int, _ error) {
	e.reset()
	e.newHeader = cfg.header
	p := entryParser{jsonDecoder: jsonDecoder{data: data}, cfg: cfg, scratch: *scratch, strs: e.text, vals: e.values}
	defer func() { *scratch, e.text, e.values = p.scratch, p.strs, p.vals }()
	p.space()
	ok := p.object("", 1, func(name []byte, depth int) bool {
		switch p.field(name, "comment", "request", "response") {
		case 0: // comment
			return p.span("comment", depth, &e.Comment)
		case 1: // request
			return p.object("request", depth, func(name []byte, depth int) bool {
				r := &e.Request
				switch p.field(name, "method", "url", "headers", "postData") {
				case 0:
					return p.span("request.method", depth, &r.Method)
				case 1:
					return p.span("request.url", depth, &r.URL)
				case 2:
					return p.headers(requestHeaders, depth, &r.Headers)
				case 3: // postData
					if p.null() {
						r.PostData, r.HasPostData = harContent{}, false
						return true
					}
					if !r.HasPostData {
						// As encoding/json makes a new struct for a nil pointer, and
						// fills the one it has otherwise.
						r.PostData, r.HasPostData = harContent{}, true
					}
					return p.content(postData, depth, &r.PostData)
				}
				return p.skip(&p.scratch, maxJSONDepth-depth)
			})
		case 2: // response
			if p.null() {
				e.Response, e.HasResponse = harResponse{Headers: e.Response.Headers[:0]}, false
				return true
			}
			if !e.HasResponse {
				e.Response, e.HasResponse = harResponse{Headers: e.Response.Headers[:0]}, true
			}
			return p.object("response", depth, func(name []byte, depth int) bool {
				r := &e.Response
				switch p.field(name, "status", "headers", "content") {
				case 0:
					return p.integer("response.status", depth, &r.Status)
				case 1:
					return p.headers(responseHeaders, depth, &r.Headers)
				case 2:
					return p.content(responseContent, depth, &r.Content)
				}
				return p.skip(&p.scratch, maxJSONDepth-depth)
			})
		}
		return p.skip(&p.scratch, maxJSONDepth-depth)
	})
	if !ok {
		return p.pos, &syntaxError{what: "entry", offset: p.pos, deep: p.deep}
	}
	return p.pos, p.typeErr
}

// field is the index in names of the one that name, the member name object just read,
// matches as fieldName does; -1 for none. A name object read as it lies, which is
// ASCII, is folded without looking for other bytes first.
func (p *entryParser) field(name []byte, names ...string) int {
	for i, n := range names {
		if string(name) == n {
			return i
		}
	}
	if p.nameASCII {
		for i, n := range names {
			if len(n) == len(name) && asciiEqualFold(name, n) {
				return i
			}
		}
		return -1
	}
	n := fieldName(name, names...)
	for i := range names {
		if n != "" && names[i] == n {
			return i
		}
	}
	return -1
}

// fieldName is the one of names that name matches as encoding/json matches a member to
// a struct field: exactly, or else case-folded; "" for none.
func fieldName(name []byte, names ...string) string {
	for _, n := range names {
		if string(name) == n {
			return n
		}
	}
	if ascii(name) {
		for _, n := range names {
			if len(n) == len(name) && asciiEqualFold(name, n) {
				return n
			}
		}
		return ""
	}
	folded := string(foldName(name))
	for _, n := range names {
		if string(foldName([]byte(n))) == folded {
			return n
		}
	}
	return ""
}

func ascii(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiEqualFold is encoding/json's folded comparison for an ASCII name: only letters
// fold.
func asciiEqualFold(name []byte, n string) bool {
	for i, c := range name {
		d := n[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if 'a' <= d && d <= 'z' {
			d -= 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}

// foldName is encoding/json's folding of a member name: ASCII upper case, and each
// other rune its smallest simple fold.
func foldName(in []byte) []byte {
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(in[i:])
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return out
}

// object reads the object at pos, calling member with each member's name (valid until
// its value is read) once the decoder is at the value, which is there; null is no object and no error. A
// value of another type is a type error at field, and is skipped.
func (p *entryParser) object(field string, depth int, member func(name []byte, depth int) bool) bool {
	if depth > maxJSONDepth {
		p.deep = true
		return false
	}
	if p.pos >= len(p.data) {
		return false
	}
	switch p.data[p.pos] {
	case 'n':
		return p.literal("null")
	case '{':
	default:
		return p.wrongType(field, "object", depth)
	}
	if p.enter('}') {
		return true
	}
	for {
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return false
		}
		quote := p.pos
		name, ok := p.strUTF8()
		// A name read where it lies had no escape and no byte outside ASCII.
		p.nameASCII = ok && (len(name) == 0 || &name[0] == &p.data[quote+1])
		if !ok || !p.colon() || p.pos >= len(p.data) || !member(name, depth+1) {
			return false
		}
		if closed, ok := p.next('}'); !ok || closed {
			return ok
		}
	}
}

// null moves past a null at pos, if there is one.
func (p *entryParser) null() bool {
	return p.pos < len(p.data) && p.data[p.pos] == 'n' && p.literal("null")
}

// wrongType records a value of the wrong type at field and skips it.
func (p *entryParser) wrongType(field, want string, depth int) bool {
	found := "object"
	switch c := p.data[p.pos]; {
	case c == '"':
		found = "string"
	case c == '[':
		found = "array"
	case c == 't' || c == 'f':
		found = "bool"
	case c == '-' || '0' <= c && c <= '9':
		start := p.pos
		if _, ok := p.float(); !ok {
			return false
		}
		found = "number " + string(p.data[start:p.pos])
		p.pos = start
	}
	if p.typeErr == nil {
		p.typeErr = fmt.Errorf("field %s: want %s, found %s", field, want, found)
	}
	return p.skip(&p.scratch, maxJSONDepth-depth)
}

// strUTF8 reads the string at pos as encoding/json does, bytes that are not UTF-8
// becoming U+FFFD; the result is valid until the next read.
func (p *entryParser) strUTF8() ([]byte, bool) { return p.stringAt(&p.scratch, true) }

// stringMember reads a member that must be a string: set says one was read (valid
// until the next read), not a null, which leaves the member as it was.
func (p *entryParser) stringMember(field string, depth int) (b []byte, set, ok bool) {
	switch {
	case p.data[p.pos] == '"':
		b, ok = p.strUTF8()
		return b, ok, ok
	case p.null():
		return nil, false, true
	}
	return nil, false, p.wrongType(field, "string", depth)
}

// str reads a string member into *dst.
func (p *entryParser) str(field string, depth int, dst *string) bool {
	b, set, ok := p.stringMember(field, depth)
	if set {
		*dst = string(b)
	}
	return ok
}

// text reads a body's text into *dst, a copy of its own.
func (p *entryParser) text(field string, depth int, dst *[]byte) bool {
	b, set, ok := p.stringMember(field, depth)
	if set {
		*dst = p.cfg.copyOut(b)
	}
	return ok
}

// integer reads an int member into *dst, refusing a number that is not an int literal,
// as encoding/json does.
func (p *entryParser) integer(field string, depth int, dst *int) bool {
	if p.null() {
		return true
	}
	start := p.pos
	if c := p.data[p.pos]; c != '-' && (c < '0' || c > '9') {
		return p.wrongType(field, "int", depth)
	}
	if _, ok := p.float(); !ok {
		return false
	}
	n, err := strconv.ParseInt(string(p.data[start:p.pos]), 10, strconv.IntSize)
	if err != nil {
		p.pos = start
		return p.wrongType(field, "int", depth)
	}
	*dst = int(n)
	return true
}

// span reads a string member into *dst, its text appended to the entry's.
func (p *entryParser) span(field string, depth int, dst *span) bool {
	return p.spanIn(field, depth, dst, &p.strs)
}

// spanIn reads a string member into *dst, its text appended to *text.
func (p *entryParser) spanIn(field string, depth int, dst *span, text *[]byte) bool {
	b, set, ok := p.stringMember(field, depth)
	if set {
		start := len(*text)
		*text = append(*text, b...)
		*dst = span{start, len(*text)}
	}
	return ok
}

// fields names an object of an entry and its members, for type errors: whole names,
// so that reading a member builds no string.
type fields struct{ object, first, second, third string }

var (
	requestHeaders  = fields{"request.headers", "request.headers.name", "request.headers.value", ""}
	responseHeaders = fields{"response.headers", "response.headers.name", "response.headers.value", ""}
	postData        = fields{"request.postData", "request.postData.mimeType", "request.postData.text", "request.postData.encoding"}
	responseContent = fields{"response.content", "response.content.mimeType", "response.content.text", "response.content.encoding"}
)

// headers reads an array of name-value headers into *dst, which it replaces.
func (p *entryParser) headers(names fields, depth int, dst *[]harField) bool {
	field := names.object
	if p.null() {
		*dst = (*dst)[:0]
		return true
	}
	if p.data[p.pos] != '[' {
		return p.wrongType(field, "array", depth)
	}
	*dst = (*dst)[:0]
	if p.enter(']') {
		return true
	}
	for {
		p.space()
		if h, ok := p.plainHeader(); ok {
			*dst = append(*dst, h)
			if closed, ok := p.next(']'); !ok || closed {
				return ok
			}
			continue
		}
		var h harField
		ok := p.object(field, depth+1, func(name []byte, depth int) bool {
			switch p.field(name, "name", "value") {
			case 0:
				return p.span(names.first, depth, &h.Name)
			case 1:
				return p.spanIn(names.second, depth, &h.Value, &p.vals)
			}
			return p.skip(&p.scratch, maxJSONDepth-depth)
		})
		if !ok {
			return false
		}
		*dst = append(*dst, h)
		if closed, ok := p.next(']'); !ok || closed {
			return ok
		}
	}
}

// plainHeader reads the header object at pos when it is written as recorders write
// one, {"name":"N","value":"V"} (any space between the parts), with nothing to
// unescape or check in N and V (no escape, control byte or byte outside ASCII); ok
// false leaves pos where it was, for the general reader, which reads the same from
// what this one takes. Reading a header so costs two scans and two copies.
func (p *entryParser) plainHeader() (h harField, ok bool) {
	start, text, values := p.pos, len(p.strs), len(p.vals)
	if p.plainPart('{') && p.plainName("name") && p.plainPart(':') && p.plainString(&h.Name, &p.strs) && p.plainPart(',') &&
		p.plainName("value") && p.plainPart(':') && p.plainString(&h.Value, &p.vals) && p.plainPart('}') {
		return h, true
	}
	p.pos, p.strs, p.vals = start, p.strs[:text], p.vals[:values]
	return harField{}, false
}

// plainPart moves past c and the space after it, if c is at pos.
func (p *entryParser) plainPart(c byte) bool {
	if p.pos >= len(p.data) || p.data[p.pos] != c {
		return false
	}
	p.pos++
	p.space()
	return true
}

// plainName moves past the member name "name" and the space after it, if it is at
// pos, written without an escape.
func (p *entryParser) plainName(name string) bool {
	end := p.pos + len(name) + 2
	if end > len(p.data) || p.data[p.pos] != '"' || string(p.data[p.pos+1:end-1]) != name || p.data[end-1] != '"' {
		return false
	}
	p.pos = end
	p.space()
	return true
}

// plainString reads the string at pos into *dst, a span of *text, and moves past it
// and the space after it, if it has no byte to unescape or check.
func (p *entryParser) plainString(dst *span, text *[]byte) bool {
	if p.pos >= len(p.data) || p.data[p.pos] != '"' {
		return false
	}
	end := plainRun(p.data, p.pos+1, true)
	if end >= len(p.data) || p.data[end] != '"' {
		return false
	}
	start := len(*text)
	*text = append(*text, p.data[p.pos+1:end]...)
	*dst = span{start, len(*text)}
	p.pos = end + 1
	p.space()
	return true
}

// content reads a postData or content object into *dst.
func (p *entryParser) content(names fields, depth int, dst *harContent) bool {
	return p.object(names.object, depth, func(name []byte, depth int) bool {
		switch p.field(name, "mimeType", "text", "encoding") {
		case 0:
			return p.span(names.first, depth, &dst.MimeType)
		case 1:
			return p.text(names.second, depth, &dst.Text)
		case 2:
			return p.span(names.third, depth, &dst.Encoding)
		}
		return p.skip(&p.scratch, maxJSONDepth-depth)
	})
}

// stringMap reads an object of strings into *dst in the order of its members, a
// repeated name keeping its last value, as a map would; null clears it, and a value
// of null is the empty string. Members add to what an earlier occurrence of the
// field read, as encoding/json adds to a map.
func (p *entryParser) stringMap(field string, depth int, dst *[]harHeader) bool {
	if p.null() {
		*dst = nil
		return true
	}
	return p.object(field, depth, func(name []byte, depth int) bool {
		key := string(name)
		var value string
		if !p.str(field+"."+key, depth, &value) {
			return false
		}
		for i := range *dst {
			if (*dst)[i].Name == key {
				(*dst)[i].Value = value
				return true
			}
		}
		*dst = append(*dst, harHeader{Name: key, Value: value})
		return true
	})
}

// raw takes the JSON of the value at pos, a copy of its own, as json.RawMessage does.
func (p *entryParser) raw(depth int, dst *[]byte) bool {
	start := p.pos
	if !p.skip(&p.scratch, maxJSONDepth-depth) {
		return false
	}
	*dst = p.cfg.copyOut(p.data[start:p.pos])
	return true
}

// optionalText reads a text that may be absent: *has says whether a string was read,
// as a *string field would be set; null unsets it.
func (p *entryParser) optionalText(field string, depth int, dst *[]byte, has *bool) bool {
	if p.null() {
		*dst, *has = nil, false
		return true
	}
	b, set, ok := p.stringMember(field, depth)
	if set {
		*dst, *has = p.cfg.copyOut(b), true
		if *dst == nil {
			*dst = []byte{}
		}
	}
	return ok
}
