package httpcore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A body without GetBody (a reader net/http cannot snapshot) is sent once; a retry
// refuses to send it again, consumed, rather than sending an empty body.
func TestABodyThatCannotBeReplayed(t *testing.T) {
	var bodies []string
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		w.WriteHeader(status)
	}))
	defer srv.Close()
	var s sleeps
	d := NewDoer(Config[struct{}]{MaxRetries: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond, Sleep: s.sleep,
		Idempotent: func(*http.Request) bool { return true }})
	send := func() (*http.Response, error) {
		req, _ := http.NewRequest(http.MethodPut, srv.URL, io.MultiReader(strings.NewReader(`{"name":"Acme"}`)))
		return d.Do(req)
	}
	resp, err := send()
	if err != nil || resp.StatusCode != 200 || len(bodies) != 1 || bodies[0] != `{"name":"Acme"}` {
		t.Fatalf("first attempt: %v, bodies %q", err, bodies)
	}
	resp.Body.Close()
	bodies, status = nil, http.StatusServiceUnavailable
	if _, err := send(); err == nil || !strings.Contains(err.Error(), "cannot be replayed") || len(bodies) != 1 {
		t.Errorf("retry: %v after bodies %q, want a refusal after the one body", err, bodies)
	}
}

// Each retry is logged with its attempt number, counting the first as 1.
func TestRetriesAreLoggedWithTheirAttempt(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	calls := 0
	client := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		calls++
		if calls == 1 {
			return nil, errors.New("connection reset")
		}
		return &http.Response{StatusCode: http.StatusServiceUnavailable, Body: http.NoBody, Header: http.Header{}}, nil
	})}
	var s sleeps
	d := NewDoer(Config[struct{}]{HTTPClient: client, Logger: logger, MaxRetries: 2, MinBackoff: time.Millisecond,
		MaxBackoff: time.Millisecond, Sleep: s.sleep, Idempotent: func(*http.Request) bool { return true }})
	req, _ := http.NewRequest(http.MethodGet, "https://api.example.test/x", nil)
	if resp, err := d.Do(req); err != nil || resp.StatusCode != 503 {
		t.Fatalf("Do = %v, %v", resp, err)
	}
	out := logs.String()
	if !strings.Contains(out, `msg="request failed, retrying"`) || !strings.Contains(out, "attempt=1 ") ||
		!strings.Contains(out, `msg="retryable status, retrying"`) || !strings.Contains(out, "attempt=2 ") {
		t.Errorf("logs:\n%s", out)
	}
}

func TestEditorRunsAuthThenEditorsAndStopsAtAnError(t *testing.T) {
	var order []string
	s := DefaultSettings("https://api.example.test", "")
	stop := errors.New("refused")
	_ = s.AddEditor(func(context.Context, *http.Request) error { order = append(order, "first"); return nil })
	_ = s.AddEditor(func(context.Context, *http.Request) error { order = append(order, "second"); return stop })
	_ = s.AddEditor(func(context.Context, *http.Request) error { order = append(order, "third"); return nil })
	edit := s.editor(func(*http.Request) { order = append(order, "auth") })
	req, _ := http.NewRequest(http.MethodGet, "https://api.example.test/", nil)
	if err := edit(t.Context(), req); !errors.Is(err, stop) || strings.Join(order, ",") != "auth,first,second" {
		t.Errorf("err %v, order %v", err, order)
	}
}

func TestFromEnv(t *testing.T) {
	errNoKey := errors.New("no key")
	var got []string
	newClient := func(key string, opts ...int) (string, error) {
		got = append(got, fmt.Sprint(key, opts))
		return key, nil
	}
	t.Setenv("ORGAPIS_TEST_KEY", "  ")
	if _, err := FromEnv("ORGAPIS_TEST_KEY", errNoKey, newClient, []int{1}); !errors.Is(err, errNoKey) || !strings.Contains(err.Error(), "ORGAPIS_TEST_KEY") || got != nil {
		t.Errorf("blank key: %v, made %v", err, got)
	}
	t.Setenv("ORGAPIS_TEST_KEY", "k-123")
	if key, err := FromEnv("ORGAPIS_TEST_KEY", errNoKey, newClient, []int{1, 2}); err != nil || key != "k-123" || len(got) != 1 || got[0] != "k-123[1 2]" {
		t.Errorf("key %q, %v, made %v", key, err, got)
	}
}

// Without middleware the client keeps the caller's transport as it is, nil included
// (net/http's default), so nothing is wrapped that did not ask to be.
func TestClientWithoutMiddlewareKeepsTheTransport(t *testing.T) {
	s := DefaultSettings("https://api.example.test", "")
	if c := s.client(); c.Transport != nil {
		t.Errorf("transport = %v, want nil", c.Transport)
	}
	own := &http.Transport{}
	_ = s.SetHTTPClient(&http.Client{Transport: own})
	if c := s.client(); c.Transport != own {
		t.Errorf("transport = %v, want the caller's", c.Transport)
	}
}
