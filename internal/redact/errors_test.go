package redact_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/internal/redact"
	"github.com/orgapis/orgapis/internal/spectest"
)

var errSentinel = errors.New("sentinel")

// typed is a typed error with server text in exported fields of every kind the scrub
// rebuilds, and a cause.
type typed struct {
	Text   string
	Body   []byte
	Header http.Header
	List   []string
	Err    error
}

func (e *typed) Error() string { return "typed: " + e.Text }
func (e *typed) Unwrap() error { return e.Err }

// hidden keeps its text where no copy can reach it.
type hidden struct{ text string }

func (e hidden) Error() string { return e.text }

func TestErrorScrubsEveryNodeOfTheTree(t *testing.T) {
	key := spectest.HostileKey
	s := redact.NewScrubber(key)
	forms := spectest.KeyForms(key)
	for _, form := range forms {
		leaf := &typed{Text: "bad " + form, Body: []byte(`{"k":"` + form + `"}`), Header: http.Header{"X-Echo": {form}, form: {"v"}},
			List: []string{form}, Err: fmt.Errorf("cause %s: %w", form, io.ErrUnexpectedEOF)}
		ue := &url.Error{Op: "Get", URL: "https://h/" + url.PathEscape(form) + "?api_key=" + url.QueryEscape(key), Err: &net.OpError{Op: "dial", Net: "tcp", Err: hidden{"refused " + form}}}
		for name, err := range map[string]error{
			"wrapped sentinel": fmt.Errorf("%w: %s", errSentinel, form),
			"typed":            fmt.Errorf("op: %w", leaf),
			"url error":        ue,
			"joined":           errors.Join(errSentinel, leaf, hidden{form}),
			"two %w":           fmt.Errorf("%w and %w", leaf, ue),
		} {
			t.Run(name+" "+form, func(t *testing.T) {
				got := s.Error(err)
				for _, leak := range spectest.KeyNodes(got, forms) {
					t.Error(leak)
				}
				// The walk sees what the original held: the check can fail.
				if len(spectest.KeyNodes(err, forms)) == 0 {
					t.Fatal("the original holds no key: the case tests nothing")
				}
				if errors.Is(err, errSentinel) != errors.Is(got, errSentinel) || errors.Is(err, io.ErrUnexpectedEOF) != errors.Is(got, io.ErrUnexpectedEOF) {
					t.Error("errors.Is answers differently after the scrub")
				}
				var tp *typed
				if errors.As(err, &tp) {
					if !errors.As(got, &tp) || !strings.Contains(tp.Text, redact.Marker) || tp.Header.Get("X-Echo") != redact.Marker {
						t.Errorf("errors.As finds %+v", tp)
					}
				}
				var u *url.Error
				if errors.As(err, &u) {
					var op *net.OpError
					if !errors.As(got, &u) || strings.Contains(u.URL, "api_key="+url.QueryEscape(key)) || !errors.As(got, &op) || op.Op != "dial" {
						t.Errorf("errors.As finds %+v", u)
					}
				}
			})
		}
	}
	// The originals are not changed: a scrub makes copies.
	leaf := &typed{Text: key}
	_ = s.Error(leaf)
	if leaf.Text != key {
		t.Error("the scrub changed the original error")
	}
}

// A tree without a secret is handed back as it is: identity, and so errors.Is of the
// error itself, is kept.
func TestErrorKeepsATreeWithoutSecrets(t *testing.T) {
	s := redact.NewScrubber(spectest.HostileKey)
	err := fmt.Errorf("op: %w", &typed{Text: "nothing", Err: errSentinel})
	if got := s.Error(err); got != err {
		t.Errorf("a clean tree was rebuilt: %v", got)
	}
	if s.Error(nil) != nil {
		t.Error("nil became an error")
	}
}

// Without a key, the URL of a transport error still loses its secret query parameters.
func TestErrorWithoutSecretsScrubsURLs(t *testing.T) {
	var s *redact.Scrubber
	err := fmt.Errorf("call: %w", &url.Error{Op: "Get", URL: "https://u:p@h/x?api_key=abcdefgh12", Err: io.EOF})
	got := s.Error(err)
	var u *url.Error
	if !errors.As(got, &u) || strings.Contains(u.URL, "abcdefgh12") || strings.Contains(got.Error(), "u:p@") || !errors.Is(got, io.EOF) {
		t.Errorf("got %v (%+v)", got, u)
	}
}
