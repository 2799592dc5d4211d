package httpcore

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"github.com/orgapis/orgapis/internal/redact"
)

// MaxErrorBody bounds the raw body a failure keeps, so that a huge error page does not
// stay in memory with the error.
const MaxErrorBody = 4 << 10

// maxErrorRead bounds how much of a non-2xx body is read at all.
const maxErrorRead = 64 << 10

// extractMessage reads a message from every body shape the services are known to use:
// {"error": ...}, {"message": ...}, {"errors": ["..."]}, {"errors": [{"message": ...}]},
// or plain text.
func extractMessage(contentType string, body []byte) string {
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" {
		return ""
	}
	var shape struct {
		Error   json.RawMessage   `json:"error"`
		Message string            `json:"message"`
		Errors  []json.RawMessage `json:"errors"`
	}
	if strings.HasPrefix(trimmed, "{") && json.Unmarshal(body, &shape) == nil {
		var parts []string
		if shape.Message != "" {
			parts = append(parts, shape.Message)
		}
		var s string
		if len(shape.Error) > 0 && json.Unmarshal(shape.Error, &s) == nil && s != "" {
			parts = append(parts, s)
		}
		for _, raw := range shape.Errors {
			var detail struct {
				Message string `json:"message"`
				Param   string `json:"param"`
			}
			switch {
			case json.Unmarshal(raw, &s) == nil:
				parts = append(parts, s)
			case json.Unmarshal(raw, &detail) == nil && detail.Message != "":
				if detail.Param != "" {
					parts = append(parts, detail.Param+": "+detail.Message)
				} else {
					parts = append(parts, detail.Message)
				}
			}
		}
		return string(snippet([]byte(strings.Join(parts, "; "))))
	}
	if strings.Contains(contentType, "json") || strings.HasPrefix(trimmed, "<") {
		return "" // a JSON body of an unknown shape, or an HTML error page
	}
	return string(snippet([]byte(trimmed)))
}

func snippet(body []byte) []byte {
	if len(body) > MaxErrorBody {
		body = body[:MaxErrorBody]
	}
	return append([]byte(nil), body...)
}

// scrubErr takes the key out of err's text and out of the URL of the *url.Error that
// net/http wraps transport errors in (changed in place), since errors.As hands that
// error to the caller: secret query parameters by name (redact), and the key itself in
// any encoding anywhere in it, such as in the path of a redirect's target.
func (d *Doer[R]) scrubErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = d.cfg.Scrubber.String(redact.URLString(ue.URL))
	}
	return d.cfg.Scrubber.Error(err)
}
