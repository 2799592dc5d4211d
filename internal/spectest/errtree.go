package spectest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strings"
)

// KeyForms are the ways a service may echo a key back, and the ways an error or a log
// line could carry it on: as sent, URL-escaped (either case), base64 (standard and URL
// alphabets) of the key and of the Basic credentials ":key", JSON-escaped (with HTML
// escapes, or every character as \u), and JSON-pointer-escaped.
func KeyForms(key string) []string {
	quoted, _ := json.Marshal(key)
	var every strings.Builder
	for _, r := range key {
		fmt.Fprintf(&every, `\u%04x`, r)
	}
	forms := []string{key, url.QueryEscape(key), url.PathEscape(key), strings.ToLower(url.QueryEscape(key)),
		strings.Trim(string(quoted), `"`), every.String(),
		strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")}
	for _, plain := range []string{":" + key, key} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			forms = append(forms, enc.EncodeToString([]byte(plain)))
		}
	}
	return forms
}

// KeyNodes walks the whole tree of err and describes each place that holds one of
// forms: the text of every node (err.Error()), every cause reachable by Unwrap() error
// and Unwrap() []error, and every exported field of each node, through pointers,
// structs, slices and maps (a body snippet, a header, a URL, a token; an error in a
// field is walked as a node). It is empty when no node holds a form.
func KeyNodes(err error, forms []string) []string {
	w := &treeWalk{forms: forms, seen: map[uintptr]bool{}}
	w.node(err, "err", 0)
	return w.found
}

type treeWalk struct {
	forms []string
	seen  map[uintptr]bool
	found []string
}

// maxTreeDepth stops a walk of a cyclic or absurdly deep tree.
const maxTreeDepth = 100

func (w *treeWalk) node(err error, path string, depth int) {
	if err == nil || depth > maxTreeDepth {
		return
	}
	if v := reflect.ValueOf(err); v.Kind() == reflect.Pointer {
		if w.seen[v.Pointer()] {
			return
		}
		w.seen[v.Pointer()] = true
	}
	w.text(fmt.Sprintf("%s (%T).Error()", path, err), err.Error())
	w.value(reflect.ValueOf(err), fmt.Sprintf("%s (%T)", path, err), depth)
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		for i, c := range u.Unwrap() {
			w.node(c, fmt.Sprintf("%s.Unwrap()[%d]", path, i), depth+1)
		}
	case interface{ Unwrap() error }:
		w.node(u.Unwrap(), path+".Unwrap()", depth+1)
	}
}

func (w *treeWalk) text(where, s string) {
	for _, form := range w.forms {
		if strings.Contains(s, form) {
			w.found = append(w.found, fmt.Sprintf("%s holds the key as %q: %.300q", where, form, s))
			return
		}
	}
}

var errorInterface = reflect.TypeFor[error]()

func (w *treeWalk) value(v reflect.Value, path string, depth int) {
	if !v.IsValid() || depth > maxTreeDepth {
		return
	}
	switch v.Kind() {
	case reflect.String:
		w.text(path, v.String())
	case reflect.Interface:
		if v.IsNil() {
			return
		}
		if err, ok := v.Interface().(error); ok && v.Type().Implements(errorInterface) {
			w.node(err, path, depth+1)
			return
		}
		w.value(v.Elem(), path, depth+1)
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if w.seen[v.Pointer()] && depth > 0 {
			return
		}
		w.seen[v.Pointer()] = true
		w.value(v.Elem(), path, depth+1)
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			if v.Kind() == reflect.Slice {
				w.text(path, string(v.Bytes()))
			}
			return
		}
		for i := range v.Len() {
			w.value(v.Index(i), fmt.Sprintf("%s[%d]", path, i), depth+1)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			w.value(it.Key(), path+" key", depth+1)
			w.value(it.Value(), fmt.Sprintf("%s[%v]", path, it.Key()), depth+1)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			fv := v.Field(i)
			if f.Type.Kind() == reflect.Interface && f.Type.Implements(errorInterface) {
				if !fv.IsNil() {
					w.node(fv.Interface().(error), path+"."+f.Name, depth+1)
				}
				continue
			}
			w.value(fv, path+"."+f.Name, depth+1)
		}
	}
}
