package httpcore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/orgapis/orgapis/internal/bodyread"
	"github.com/orgapis/orgapis/internal/redact"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// Config is what a wrapper sets up a Doer with. R is the wrapper's rate-limit type.
type Config[R any] struct {
	HTTPClient *http.Client // nil means http.DefaultClient
	// MaxRetries is how many times a failed attempt is repeated; 0 disables retries.
	MaxRetries int
	// MinBackoff and MaxBackoff bound the exponential backoff between attempts.
	MinBackoff, MaxBackoff time.Duration
	UserAgent              string
	Logger                 *slog.Logger // nil discards
	// MaxBodyBytes bounds a response body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Idempotent says whether a request may be repeated after the server has seen it.
	// Requests for which it is false are repeated only when they never reached it.
	Idempotent func(*http.Request) bool
	// Applies says whether a request changes something (a write, a spend of credits):
	// a 2xx answer to one is never retried, even when its body breaks off, and a
	// failure after it may have been sent is an *apicall.UnknownOutcomeError. nil
	// means none does.
	Applies func(*http.Request) bool
	// ParseRateLimit reads the service's rate-limit headers.
	ParseRateLimit func(http.Header, time.Time) R
	// RateLimitWait is how long to wait after a 429 without Retry-After; nil means
	// backoff only.
	RateLimitWait func(R) time.Duration
	// Timeout bounds each call, its retries and waits included, when positive; a
	// call's own (Call.Timeout) replaces it.
	Timeout time.Duration
	// Header is set on every request, after the request editors and before a call's
	// own Call.Header.
	Header http.Header
	// MaxServerWait caps a wait the server asks for (Retry-After, or RateLimitWait):
	// when it asks for more, the answer is returned at once, to become the rate-limit
	// error carrying the wait, instead of the call sleeping for it. 0 means
	// DefaultMaxServerWait.
	MaxServerWait time.Duration
	// ErrorCode reads the service's machine-readable code from an error body; nil
	// reads none.
	ErrorCode func(body []byte) string
	// KeyHint is the Hint of a 401's error: where the key comes from.
	KeyHint string
	// Sleep waits between attempts; nil waits on a timer. Tests inject their own.
	Sleep func(context.Context, time.Duration) error
	// Now is the clock waits are measured against deadlines on; nil means time.Now.
	Now func() time.Time
	// Service names the service at the start of every error text, such as "affinity".
	Service string
	// Scrubber removes the key, in any form, from every error and log line; nil
	// removes nothing but what redact's URL rules do.
	Scrubber *redact.Scrubber
}

// Defaults used when a Config leaves a field zero.
const (
	// DefaultMaxBodyBytes bounds a response body. The largest real pages (500 Affinity
	// organizations with interaction persons) are a few MiB.
	DefaultMaxBodyBytes = 32 << 20
	DefaultMaxRetries   = 3
	DefaultMinBackoff   = 500 * time.Millisecond
	DefaultMaxBackoff   = 30 * time.Second
	// DefaultMaxServerWait is long enough for a per-minute window to reset.
	DefaultMaxServerWait = time.Minute
)

// ErrNoRetry, wrapped by an error a transport returns, ends the call at once: the
// transport knows a repeat would fail the same way (a spent request budget, say), so
// backing off for it would only waste the caller's time.
var ErrNoRetry = errors.New("not worth retrying")

// Doer sends requests with retries and records the last rate-limit state. It satisfies
// the generated clients' HttpRequestDoer. It is safe for concurrent use.
type Doer[R any] struct {
	cfg   Config[R]
	pacer Pacer

	mu   sync.Mutex
	last R
}

// NewDoer returns a Doer for cfg.
func NewDoer[R any](cfg Config[R]) *Doer[R] {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxServerWait <= 0 {
		cfg.MaxServerWait = DefaultMaxServerWait
	}
	if cfg.Idempotent == nil {
		cfg.Idempotent = func(*http.Request) bool { return false }
	}
	if cfg.Applies == nil {
		cfg.Applies = func(*http.Request) bool { return false }
	}
	if cfg.ParseRateLimit == nil {
		cfg.ParseRateLimit = func(http.Header, time.Time) R { var zero R; return zero }
	}
	if cfg.Sleep == nil {
		cfg.Sleep = Sleep
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Doer[R]{cfg: cfg, pacer: Pacer{Cap: cfg.MaxServerWait, Now: cfg.Now, Sleep: cfg.Sleep}}
}

// Pacer is the Doer's wait mechanism, for a wrapper's own pacing: the same cap, clock
// and sleep as its retries.
func (d *Doer[R]) Pacer() Pacer { return d.pacer }

// ScrubError passes err through the one constructor of errors that carry what the
// server sent (redact.Scrubber.Error, with this client's key): for an error a wrapper
// makes itself from an answer, such as a repeated page token it quotes.
func (d *Doer[R]) ScrubError(err error) error { return d.cfg.Scrubber.Error(err) }

// RateLimit returns the rate-limit state of the last response any call received.
// Pacing reads each call's own (Response.RateLimit) instead: with calls under way in
// several goroutines, the last response seen may be another's.
func (d *Doer[R]) RateLimit() R {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.last
}

// retryStatus lists the statuses worth another attempt.
func retryStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// Do sends req, repeating it on 429, 5xx and transport errors as Config allows. The
// returned response is the last one received; callers turn non-2xx into errors. The
// body of a request that may be repeated is read here, so that a body cut short is
// retried like any other transport failure.
func (d *Doer[R]) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if d.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", d.cfg.UserAgent)
	}
	for k, vs := range d.cfg.Header {
		req.Header[k] = append([]string(nil), vs...)
	}
	call := callOf(ctx)
	maxRetries := d.cfg.MaxRetries
	if call != nil {
		for k, vs := range call.Header {
			req.Header[k] = append([]string(nil), vs...)
		}
		if call.Retries >= 0 {
			maxRetries = call.Retries
		}
		if err := call.edit(req); err != nil {
			return nil, d.withService(err)
		}
	}
	idempotent, applies := d.cfg.Idempotent(req), d.cfg.Applies(req)
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if err := rewind(req); err != nil {
				return nil, err
			}
		}
		start := d.cfg.Now()
		resp, err := d.cfg.HTTPClient.Do(req)
		// A 2xx answer to a change is the change done: its body is left for Decode to
		// read, so that a body that breaks off is reported as applied, not retried.
		if err == nil && idempotent && !(applies && success(resp.StatusCode)) {
			err = d.buffer(resp)
		}
		if err != nil {
			err = d.scrubErr(err)
			var redirect *apicall.RedirectError
			refused := errors.As(err, &redirect)
			if ctx.Err() != nil {
				return nil, d.outcome(req, applies && !refused && !neverSent(err), ctx.Err())
			}
			if attempt >= maxRetries || !(idempotent || neverSent(err)) || refused || errors.Is(err, ErrNoRetry) {
				return nil, d.outcome(req, applies && !refused && !neverSent(err), err)
			}
			wait := d.backoff(attempt)
			if d.pacer.Check(ctx, wait, "backoff") != nil {
				return nil, err // a retry could not finish in time: this failure is the answer
			}
			d.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "request failed, retrying",
				slog.String("method", req.Method), slog.String("path", req.URL.Path),
				slog.Int("attempt", attempt+1), slog.Duration("wait", wait), slog.String("error", err.Error()))
			if err := d.pacer.Wait(ctx, wait, "backoff"); err != nil {
				return nil, err
			}
			continue
		}
		now := d.cfg.Now()
		rl := d.cfg.ParseRateLimit(resp.Header, now)
		d.mu.Lock()
		d.last = rl
		d.mu.Unlock()
		d.report(call, resp, rl, attempt+1)
		d.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, "response",
			slog.String("method", req.Method), slog.String("path", req.URL.Path),
			slog.Int("status", resp.StatusCode), slog.Duration("elapsed", now.Sub(start)))
		if !retryStatus(resp.StatusCode) || attempt >= maxRetries || !idempotent {
			return resp, nil
		}
		wait := d.serverWait(resp, rl, now)
		if wait == 0 {
			wait = d.backoff(attempt)
		}
		if d.pacer.Check(ctx, wait, "retry") != nil {
			// Longer than the caller allows, or past its deadline: hand back this answer
			// so that it becomes the rate-limit (or server) error, carrying the wait, at once.
			return resp, nil
		}
		drain(resp)
		d.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "retryable status, retrying",
			slog.String("method", req.Method), slog.String("path", req.URL.Path),
			slog.Int("status", resp.StatusCode), slog.Int("attempt", attempt+1), slog.Duration("wait", wait))
		if err := d.pacer.Wait(ctx, wait, "retry"); err != nil {
			return nil, err
		}
	}
}

// outcome is err, or, for a change whose request may have reached the service, an
// *apicall.UnknownOutcomeError around it.
func (d *Doer[R]) outcome(req *http.Request, maybeApplied bool, err error) error {
	if !maybeApplied {
		return err
	}
	return &apicall.UnknownOutcomeError{Service: d.cfg.Service, Method: req.Method, Err: err}
}

// serverWait is the wait the answer asks for: Retry-After, or for a 429 without it the
// service's own rule (RateLimitWait); zero when it asks for none.
func (d *Doer[R]) serverWait(resp *http.Response, rl R, now time.Time) time.Duration {
	wait := ParseRetryAfter(resp.Header.Get("Retry-After"), now)
	if wait == 0 && resp.StatusCode == http.StatusTooManyRequests && d.cfg.RateLimitWait != nil {
		wait = max(d.cfg.RateLimitWait(rl), 0)
	}
	return wait
}

// buffer reads resp's body into memory within the limits Decode applies, and fails
// only when the body was cut short, so that Do can retry it.
func (d *Doer[R]) buffer(resp *http.Response) error {
	limit := d.cfg.MaxBodyBytes
	if !success(resp.StatusCode) {
		limit = maxErrorRead
	}
	body, err := bodyread.Read(resp.Body, resp.ContentLength, limit)
	if err != nil && !isTooLarge(err) {
		resp.Body.Close()
		return fmt.Errorf("reading response body: %w", err)
	}
	resp.Body.Close()
	resp.Body = &bufferedBody{Reader: bytes.NewReader(body), data: body, err: err}
	return nil
}

// bufferedBody is a body Do has read already; Decode takes its bytes as they are.
type bufferedBody struct {
	*bytes.Reader
	data []byte
	err  error // *apicall.BodyTooLargeError when the body went past the limit
}

func (b *bufferedBody) Close() error { return nil }

func success(code int) bool { return code >= 200 && code <= 299 }

// backoff is full-jitter exponential backoff: a random wait up to min·2^attempt, capped.
func (d *Doer[R]) backoff(attempt int) time.Duration {
	lo, hi := d.cfg.MinBackoff, d.cfg.MaxBackoff
	ceiling := lo << min(attempt, 30)
	if ceiling <= 0 || ceiling > hi {
		ceiling = hi
	}
	if ceiling <= lo {
		return lo
	}
	return lo + rand.N(ceiling-lo)
}

func rewind(req *http.Request) error {
	if req.Body == nil || req.Body == http.NoBody {
		return nil
	}
	if req.GetBody == nil {
		return errors.New("request body cannot be replayed for a retry")
	}
	body, err := req.GetBody()
	if err != nil {
		return fmt.Errorf("replaying request body: %w", err)
	}
	req.Body = body
	return nil
}

// neverSent reports whether err shows that the request cannot have reached the server:
// the connection was never made.
func neverSent(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// Sleep waits for d, or until ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// drain reads a little of a discarded body so the connection can be reused.
func drain(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	_ = resp.Body.Close()
}
