package redact

import (
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
)

// Error is the one constructor of errors that carry anything a server sent: every such
// error is made, or passed on, through it. It returns err with the secrets taken out of
// its text and out of every cause it keeps: each error reachable by Unwrap (one cause
// or several, Unwrap() []error) and by the fields of the typed errors (a body snippet, a
// header, a URL, a message, a cause), so that neither err.Error() nor errors.As nor
// errors.Unwrap can hand a caller a key.
//
// A subtree that holds no secret is kept as it is, so errors.Is and errors.As reach its
// sentinels and typed errors unchanged. A node that holds one is replaced by a copy of
// its own type with its exported fields scrubbed (an *apicall.Error, a *url.Error, a
// *net.OpError: errors.As still finds them), and when even the copy's text would hold
// the secret (fmt.Errorf's wrappers keep their text unexported) by an error that has
// the scrubbed text and the scrubbed causes, so that errors.Is still reaches a sentinel
// below it. The URL of a *url.Error also loses its user information and its secret
// query parameters (URL), whatever the secrets.
//
// A nil *Scrubber scrubs the URLs only.
func (s *Scrubber) Error(err error) error {
	if err == nil {
		return nil
	}
	return s.scrubError(err, maxErrorDepth)
}

// maxErrorDepth bounds how deep a tree of causes is rebuilt; below it, a node keeps its
// scrubbed text and no cause.
const maxErrorDepth = 64

func (s *Scrubber) scrubError(err error, depth int) error {
	if err == nil || !s.errorHolds(err, depth) {
		return err
	}
	if depth == 0 {
		return &scrubbedError{msg: s.message(err, 0)}
	}
	if c, ok := s.copyError(err, depth-1); ok && !s.errorHolds(c, depth) {
		return c
	}
	msg := s.message(err, depth)
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		var causes []error
		for _, c := range u.Unwrap() {
			causes = append(causes, s.scrubError(c, depth-1))
		}
		return &scrubbedJoin{msg: msg, causes: causes}
	case interface{ Unwrap() error }:
		return &scrubbedError{msg: msg, cause: s.scrubError(u.Unwrap(), depth-1)}
	}
	return &scrubbedError{msg: msg}
}

// message is err's text scrubbed, with the URL of every *url.Error below it, which
// the text quotes, replaced by that URL as the scrub leaves it (URL).
func (s *Scrubber) message(err error, depth int) string {
	msg := err.Error()
	for e, d := err, depth; e != nil && d >= 0; d-- {
		if ue, ok := e.(*url.Error); ok && ue.URL != "" {
			msg = strings.ReplaceAll(msg, ue.URL, URLString(ue.URL))
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				if c != nil {
					msg = replaceURLs(msg, c, d-1)
				}
			}
			e = nil
		case interface{ Unwrap() error }:
			e = u.Unwrap()
		default:
			e = nil
		}
	}
	return s.String(msg)
}

// replaceURLs is message's URL replacement for one branch of a tree.
func replaceURLs(msg string, err error, depth int) string {
	var ue *url.Error
	if depth >= 0 && errors.As(err, &ue) && ue.URL != "" {
		msg = strings.ReplaceAll(msg, ue.URL, URLString(ue.URL))
	}
	return msg
}

// errorHolds reports whether err, or any cause below it, holds a secret in its text or
// its exported fields, or a *url.Error a URL that URL would change.
func (s *Scrubber) errorHolds(err error, depth int) bool {
	if err == nil {
		return false
	}
	text := err.Error()
	if s.String(text) != text {
		return true
	}
	if ue, ok := err.(*url.Error); ok && URLString(ue.URL) != ue.URL {
		return true
	}
	if s.valueHolds(reflect.ValueOf(err), 2) {
		return true
	}
	if depth == 0 {
		return false
	}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		for _, c := range u.Unwrap() {
			if s.errorHolds(c, depth-1) {
				return true
			}
		}
	case interface{ Unwrap() error }:
		return s.errorHolds(u.Unwrap(), depth-1)
	}
	return false
}

var errorType = reflect.TypeFor[error]()

// valueHolds looks for a secret in the exported text of v: strings, byte slices, and
// the strings in the slices, maps and structs it holds (a header), levels deep through
// pointers. Errors held in fields are causes: errorHolds walks them.
func (s *Scrubber) valueHolds(v reflect.Value, levels int) bool {
	if !v.IsValid() || s == nil || len(s.forms) == 0 {
		return false
	}
	switch v.Kind() {
	case reflect.String:
		return s.String(v.String()) != v.String()
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() || levels == 0 {
			return false
		}
		if v.Kind() == reflect.Interface && v.Type().Implements(errorType) {
			return false
		}
		return s.valueHolds(v.Elem(), levels-1)
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b := v.Bytes()
			return string(s.Bytes(b)) != string(b)
		}
		for i := range v.Len() {
			if s.valueHolds(v.Index(i), levels) {
				return true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if s.valueHolds(it.Key(), levels) || s.valueHolds(it.Value(), levels) {
				return true
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && s.valueHolds(v.Field(i), levels) {
				return true
			}
		}
	}
	return false
}

// copyError is a copy of a struct error (or a pointer to one) with its exported fields
// scrubbed and its causes rebuilt; false for an error of another kind.
func (s *Scrubber) copyError(err error, depth int) (error, bool) {
	v := reflect.ValueOf(err)
	switch {
	case v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct:
		c := reflect.New(v.Elem().Type())
		c.Elem().Set(v.Elem())
		s.scrubFields(c.Elem(), depth)
		e, ok := c.Interface().(error)
		if ue, isURL := e.(*url.Error); isURL {
			ue.URL = s.String(URLString(ue.URL))
		}
		return e, ok
	case v.Kind() == reflect.Struct:
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		s.scrubFields(c, depth)
		e, ok := c.Interface().(error)
		return e, ok
	}
	return nil, false
}

// scrubFields scrubs the exported fields of the struct v in place: v is a copy, and
// whatever it shares with the original (a slice, a map) is copied before it changes.
func (s *Scrubber) scrubFields(v reflect.Value, depth int) {
	for i := range v.NumField() {
		if !v.Type().Field(i).IsExported() || !v.Field(i).CanSet() {
			continue
		}
		if f, ok := s.scrubValue(v.Field(i), depth); ok {
			v.Field(i).Set(f)
		}
	}
}

// scrubValue is v scrubbed, and whether it changed.
func (s *Scrubber) scrubValue(v reflect.Value, depth int) (reflect.Value, bool) {
	t := v.Type()
	switch {
	case t.Kind() == reflect.Interface && t.Implements(errorType):
		if v.IsNil() {
			return v, false
		}
		err := v.Interface().(error)
		out := s.scrubError(err, depth)
		if out == err {
			return v, false
		}
		return reflect.ValueOf(&out).Elem(), true
	case t.Kind() == reflect.String:
		out := s.String(v.String())
		return reflect.ValueOf(out).Convert(t), out != v.String()
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		if v.IsNil() {
			return v, false
		}
		out := s.Bytes(v.Bytes())
		return reflect.ValueOf(out).Convert(t), string(out) != string(v.Bytes())
	case t == reflect.TypeFor[http.Header]():
		h := v.Interface().(http.Header)
		if h == nil || !s.valueHolds(v, 0) {
			return v, false
		}
		out := make(http.Header, len(h))
		for k, vs := range h {
			for _, x := range vs {
				out[s.String(k)] = append(out[s.String(k)], s.String(x))
			}
		}
		return reflect.ValueOf(out), true
	case t.Kind() == reflect.Slice:
		if v.IsNil() || !s.valueHolds(v, 1) && !t.Elem().Implements(errorType) {
			return v, false
		}
		out := reflect.MakeSlice(t, v.Len(), v.Len())
		changed := false
		for i := range v.Len() {
			e, ok := s.scrubValue(v.Index(i), depth)
			out.Index(i).Set(e)
			changed = changed || ok
		}
		return out, changed
	case t.Kind() == reflect.Struct:
		if !s.valueHolds(v, 1) && !hasErrorField(t) {
			return v, false
		}
		out := reflect.New(t).Elem()
		out.Set(v)
		s.scrubFields(out, depth)
		return out, true
	case t.Kind() == reflect.Pointer && !v.IsNil() && t.Elem().Kind() == reflect.Struct && !t.Implements(errorType):
		if !s.valueHolds(v, 1) {
			return v, false
		}
		out := reflect.New(t.Elem())
		out.Elem().Set(v.Elem())
		s.scrubFields(out.Elem(), depth)
		return out, true
	}
	return v, false
}

func hasErrorField(t reflect.Type) bool {
	for i := range t.NumField() {
		if t.Field(i).IsExported() && t.Field(i).Type.Kind() == reflect.Interface && t.Field(i).Type.Implements(errorType) {
			return true
		}
	}
	return false
}

// scrubbedError is an error whose own text held a secret where a copy of its type could
// not scrub it: the scrubbed text, and the scrubbed cause.
type scrubbedError struct {
	msg   string
	cause error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.cause }

// scrubbedJoin is scrubbedError for an error with several causes.
type scrubbedJoin struct {
	msg    string
	causes []error
}

func (e *scrubbedJoin) Error() string   { return e.msg }
func (e *scrubbedJoin) Unwrap() []error { return e.causes }
