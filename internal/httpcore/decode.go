package httpcore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Decode finishes a call made through d: it wraps a transport error, turns a non-2xx
// answer into *Error, and decodes a 2xx JSON body into T. It always closes the body.
func Decode[T any](d *Doer, op string, resp *http.Response, callErr error) (T, error) {
	var zero T
	if callErr != nil {
		return zero, fmt.Errorf("%s: %w", op, RedactURLError(callErr))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return zero, fmt.Errorf("%s: reading response: %w", op, RedactURLError(err))
	}
	rl := d.cfg.ParseRateLimit(resp.Header, time.Now())
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return zero, newStatusError(op, resp, body, rl)
	}
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		e := newStatusError(op, resp, body, rl)
		e.Message, e.Code, e.Err = "", "", err
		return zero, e
	}
	return v, nil
}

// legacyKeyParam is the query parameter in which Apollo's deprecated auth sends the key.
const legacyKeyParam = "api_key"

// RedactURLError removes secrets from the URL that net/http puts into its errors.
func RedactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = RedactURL(ue.URL)
	}
	return err
}

// RedactURL replaces the value of an api_key query parameter with a marker.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	q := u.Query()
	if q.Has(legacyKeyParam) {
		q.Set(legacyKeyParam, "REDACTED")
		u.RawQuery = q.Encode()
	}
	u.User = nil
	return u.String()
}
