package httpcore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
)

// Raw sends one request the wrapper has no method for, through conn as the typed
// methods do: the client's auth, headers, retries (by Config.Idempotent), redirect
// guard, limits and scrubbing, and the call's options. path is relative to the base
// URL (see Resolve); query is added to the path's own; body, unless nil, is sent as
// JSON (EncodeJSON); a 2xx JSON body is decoded into out unless out is nil or the body
// empty. Everything is checked before anything is sent: a bad argument is a
// *apicall.ParamError. Failures after that are what Decode makes them.
func Raw[R any, O CallOption](ctx context.Context, conn Conn[R], method, path string, query url.Values, body, out any, opts []O) error {
	d := conn.Doer
	m := strings.ToUpper(method)
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		// Only the methods whose retry rule each service states: an unknown one, or
		// "post" in lower case, could slip past it.
		return d.paramError("method", fmt.Sprintf("want GET, HEAD, POST, PUT, PATCH or DELETE, got %q", method))
	}
	u, err := Resolve(conn.BaseURL, path)
	if err != nil {
		return d.paramError("path", err.Error())
	}
	if extra := query.Encode(); extra != "" {
		if u.RawQuery == "" {
			u.RawQuery = extra
		} else {
			u.RawQuery += "&" + extra
		}
	}
	var payload []byte
	if body != nil {
		if payload, err = EncodeJSON(body); err != nil {
			return d.paramError("body", "does not encode as JSON: "+err.Error())
		}
	}
	if out != nil {
		if v := reflect.ValueOf(out); v.Kind() != reflect.Pointer || v.IsNil() {
			return d.paramError("out", fmt.Sprintf("want a non-nil pointer to decode the answer into, got %T", out))
		}
	}
	ctx, end, err := Begin(ctx, d, opts)
	if err != nil {
		return err
	}
	defer end()
	op := m + " " + u.EscapedPath()
	var reader io.Reader
	if payload != nil {
		reader = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, m, u.String(), reader)
	if err != nil {
		return d.paramError("path", err.Error())
	}
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := func() (*http.Response, error) {
		if err := conn.Editor(ctx, req); err != nil {
			return nil, err
		}
		return d.Do(req)
	}()
	answer, err := d.answer(op, resp, err)
	if err != nil || out == nil || len(bytes.TrimSpace(answer)) == 0 {
		return err
	}
	if err := json.Unmarshal(answer, out); err != nil {
		return d.fail(op, resp, answer, true, err)
	}
	return nil
}

// Resolve joins path to the base URL's path, refusing, with a reason, any path that
// could leave it: an absolute URL, a scheme-relative //host, a backslash, a fragment,
// or a "." or ".." segment, raw or percent-encoded once or more. "v2/lists" and
// "/v2/lists" are the same path; a query in path is kept.
func Resolve(baseURL, path string) (*url.URL, error) {
	base, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("the client's base URL does not parse: %w", err)
	}
	if strings.TrimSpace(path) == "" {
		return nil, fmt.Errorf("want a path under %s, got an empty one", baseURL)
	}
	if strings.HasPrefix(path, "//") {
		return nil, fmt.Errorf("%q names a host: want a path under the client's base URL", path)
	}
	rel, err := url.Parse("/" + strings.TrimPrefix(path, "/"))
	if err != nil {
		return nil, fmt.Errorf("%q does not parse as a path: %v", path, err)
	}
	if abs, err := url.Parse(path); err == nil && (abs.Scheme != "" || abs.Host != "") {
		return nil, fmt.Errorf("%q is an absolute URL: want a path under the client's base URL (percent-encode a colon in a segment as %%3A)", path)
	}
	if strings.Contains(path, "#") {
		return nil, fmt.Errorf("%q has a fragment, which is never sent", path)
	}
	if err := checkSegments(rel.EscapedPath()); err != nil {
		return nil, fmt.Errorf("%q %v", path, err)
	}
	u := *base
	u.Path = strings.TrimSuffix(base.Path, "/") + rel.Path
	u.RawPath = strings.TrimSuffix(base.EscapedPath(), "/") + rel.EscapedPath()
	u.RawQuery = rel.RawQuery
	u.Fragment, u.RawFragment = "", ""
	// What was checked above should make these hold; they are what must never fail.
	if Origin(&u) != Origin(base) || !strings.HasPrefix(u.EscapedPath(), strings.TrimSuffix(base.EscapedPath(), "/")+"/") {
		return nil, fmt.Errorf("%q leaves the base URL %s", path, baseURL)
	}
	return &u, nil
}

// maxUnescapes bounds how many layers of percent-encoding a path is looked under; a
// path encoded more often than that is refused rather than trusted.
const maxUnescapes = 4

// checkSegments refuses a backslash (some servers read it as a slash) and a "." or
// ".." segment, in escaped or in any of its percent-decodings, since a server or proxy
// that decodes them would walk out of the base path.
func checkSegments(escaped string) error {
	s := escaped
	for i := 0; ; i++ {
		if strings.Contains(s, `\`) {
			return fmt.Errorf("has a backslash, which some servers read as a slash")
		}
		for _, seg := range strings.Split(s, "/") {
			if seg == "." || seg == ".." {
				return fmt.Errorf("has a %q segment, which would leave the base path", seg)
			}
		}
		next, err := url.PathUnescape(s)
		if err != nil || next == s {
			return nil // nothing more to decode: a lone "%" stays a "%"
		}
		if i == maxUnescapes {
			return fmt.Errorf("is percent-encoded more than %d times", maxUnescapes)
		}
		s = next
	}
}
