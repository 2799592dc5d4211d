package httpcore

import (
	"encoding/json"
	"strings"
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

// scrubErr is err through the one constructor of errors that carry what a server sent
// (redact.Scrubber.Error): the key, in any encoding, out of its text and every cause,
// and the URL of the *url.Error net/http wraps transport errors in without user
// information or secret query parameters, since errors.As hands that error to the
// caller.
func (d *Doer[R]) scrubErr(err error) error {
	return d.cfg.Scrubber.Error(err)
}
