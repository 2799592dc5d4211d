package webhook

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/apicall"
)

// The handler's defaults; each has an option.
const (
	// DefaultMaxBodyBytes bounds what one delivery may send: 1 MiB, far above an
	// event's record (the largest are notes), far below what a server can hold.
	DefaultMaxBodyBytes = 1 << 20
	// DefaultMaxAge is how old an event's sent_at may be: one hour. Affinity retries
	// a failed delivery for up to 10 hours; whether a retry keeps the first sent_at is
	// not documented, so a receiver that is down for longer than this may lose
	// retried events to the window: raise it (WithMaxAge) if that matters more than
	// a shorter window for replays.
	DefaultMaxAge = time.Hour
	// DefaultMaxRemembered is how many events the handler remembers to drop repeats:
	// 100,000, about 15 MB (BenchmarkRemember measures it).
	DefaultMaxRemembered = 100000
	// MaxClockSkew is how far in the future a sent_at may be, for the clocks of
	// Affinity and of the receiver to disagree.
	MaxClockSkew = 5 * time.Minute
	// TokenParam is the query parameter that may carry the secret instead of the
	// path's last segment.
	TokenParam = "token"
	// minSecretLen is the shortest secret NewHandler accepts.
	minSecretLen = 16
)

// DropReason says why the handler did not hand an event to its function.
type DropReason string

// The reasons of a Drop.
const (
	// DropBadToken: the URL did not carry the secret (answered 404).
	DropBadToken DropReason = "bad token"
	// DropTooLarge: the body was over the limit (WithMaxBodyBytes); answered 200.
	DropTooLarge DropReason = "too large"
	// DropMalformed: not an event, or a body its documented type cannot have
	// (ErrMalformed); answered 200.
	DropMalformed DropReason = "malformed"
	// DropStale: sent_at older than the window (WithMaxAge); answered 200.
	DropStale DropReason = "stale"
	// DropFuture: sent_at further ahead than MaxClockSkew; answered 200.
	DropFuture DropReason = "from the future"
	// DropDuplicate: the same type and body arrived within the window; answered 200.
	DropDuplicate DropReason = "duplicate"
)

// Drop is an event the handler refused or dropped, for WithDropHandler. It never
// carries the URL, the token or the body.
type Drop struct {
	Reason DropReason
	// Type and SentAt are the event's, when it got far enough to have them.
	Type   affinity.EventType
	SentAt time.Time
	// Err is the cause of a malformed event.
	Err error
}

// Option configures a Handler.
type Option func(*config) error

type config struct {
	maxBody       int64
	maxAge        time.Duration
	maxRemembered int
	now           func() time.Time
	onDrop        func(context.Context, Drop)
}

// WithMaxBodyBytes bounds the body of one delivery (DefaultMaxBodyBytes); a larger one
// is dropped, having read no more than n+1 bytes. n must be positive.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) error {
		if n < 1 {
			return paramError("WithMaxBodyBytes", fmt.Sprintf("must be positive, got %d", n))
		}
		c.maxBody = n
		return nil
	}
}

// WithMaxAge sets how old an event's sent_at may be (DefaultMaxAge); the handler
// remembers events for as long, to drop repeats. d must be positive.
func WithMaxAge(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return paramError("WithMaxAge", fmt.Sprintf("must be positive, got %s", d))
		}
		c.maxAge = d
		return nil
	}
}

// WithMaxRemembered sets how many events the handler remembers to drop repeats
// (DefaultMaxRemembered); past it the oldest are forgotten, and a repeat of one of them
// within the window is handed on again. n must be positive.
func WithMaxRemembered(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return paramError("WithMaxRemembered", fmt.Sprintf("must be positive, got %d", n))
		}
		c.maxRemembered = n
		return nil
	}
}

// WithClock sets the clock that sent_at is held to (time.Now by default).
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return paramError("WithClock", "is nil")
		}
		c.now = now
		return nil
	}
}

// WithDropHandler hands fn every delivery the handler refuses or drops, with the
// reason, for logging and metrics. fn runs before the answer is written, on the
// request's goroutine; it may be called from several at once.
func WithDropHandler(fn func(context.Context, Drop)) Option {
	return func(c *config) error {
		if fn == nil {
			return paramError("WithDropHandler", "is nil")
		}
		c.onDrop = fn
		return nil
	}
}

// Handler receives Affinity's webhook deliveries. It answers:
//
//   - 405 to a method other than POST;
//   - 404 when the URL does not carry the secret, as its last path segment or as the
//     query parameter TokenParam (compared in constant time; nothing of the request is
//     read further);
//   - 200 "dropped: <reason>" to a delivery it drops: a body over the limit, an event
//     it cannot read, a sent_at older than the window or too far ahead, a repeat of an
//     event handed on within the window. Affinity retries failed deliveries for up to
//     10 hours and then disables the subscription; answering these with an error would
//     make Affinity send the same junk again and, for a stream of it, turn off the
//     subscription for every good event after it. WithDropHandler sees each;
//   - 400 when the body could not be read at all (the sender went away mid-body);
//   - 500 "handler failed" when the caller's function returns an error, so that
//     Affinity sends it again (its documentation names retries after timeouts and
//     connection errors; a 5xx is the answer that asks for one either way). The event
//     is forgotten, so the retry is handed on, not dropped as a repeat; the error's
//     text is not sent;
//   - 200 "ok" when the function returned nil.
//
// Events of types it does not know are handed on with Type and Body, never refused.
// A Handler is safe for concurrent use, and its String never shows the secret.
type Handler struct {
	secret [sha256.Size]byte // the secret's hash: the handler never holds it
	fn     func(context.Context, Event) error
	cfg    config
	seen   *seenSet
}

// NewHandler returns a Handler that hands each event to fn. secret is the token the
// subscribed URL carries: at least 16 bytes of letters, digits, '-' and '_' (NewSecret
// makes one), so that it stands in a path segment or a query unescaped.
func NewHandler(secret string, fn func(context.Context, Event) error, opts ...Option) (*Handler, error) {
	if len(secret) < minSecretLen {
		return nil, paramError("secret", fmt.Sprintf("must be at least %d bytes", minSecretLen))
	}
	for _, c := range secret {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return nil, paramError("secret", "may hold only letters, digits, '-' and '_'")
		}
	}
	if fn == nil {
		return nil, paramError("fn", "is nil")
	}
	cfg := config{maxBody: DefaultMaxBodyBytes, maxAge: DefaultMaxAge, maxRemembered: DefaultMaxRemembered, now: time.Now}
	for i, o := range opts {
		if o == nil {
			return nil, paramError(fmt.Sprintf("option %d", i), "is nil")
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	return &Handler{secret: sha256.Sum256([]byte(secret)), fn: fn, cfg: cfg, seen: newSeenSet(cfg.maxRemembered)}, nil
}

// NewSecret returns a random secret for a webhook URL: 32 bytes from crypto/rand, as
// 43 URL-safe characters.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("webhook: a secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// String names the handler without its secret.
func (h *Handler) String() string { return "webhook.Handler{secret: REDACTED}" }

// GoString is String, so that %#v hides the secret's hash too.
func (h *Handler) GoString() string { return h.String() }

// ServeHTTP receives one delivery; the type's documentation lists its answers.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !h.authorized(r) {
		h.drop(ctx, Drop{Reason: DropBadToken})
		http.NotFound(w, r)
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, h.cfg.maxBody+1))
	if err != nil {
		// The sender went away mid-body: nothing to answer that it will read.
		h.drop(ctx, Drop{Reason: DropMalformed, Err: fmt.Errorf("%w: the body could not be read", ErrMalformed)})
		http.Error(w, "body could not be read", http.StatusBadRequest)
		return
	}
	if int64(len(raw)) > h.cfg.maxBody {
		h.dropped(ctx, w, Drop{Reason: DropTooLarge})
		return
	}
	e, err := ParseEvent(raw)
	if err != nil {
		h.dropped(ctx, w, Drop{Reason: DropMalformed, Err: err})
		return
	}
	now := h.cfg.now()
	switch {
	case e.SentAt.Before(now.Add(-h.cfg.maxAge)):
		h.dropped(ctx, w, Drop{Reason: DropStale, Type: e.Type, SentAt: e.SentAt})
		return
	case e.SentAt.After(now.Add(MaxClockSkew)):
		h.dropped(ctx, w, Drop{Reason: DropFuture, Type: e.Type, SentAt: e.SentAt})
		return
	}
	key := eventKey(e)
	if !h.seen.add(key, now, now.Add(h.cfg.maxAge)) {
		h.dropped(ctx, w, Drop{Reason: DropDuplicate, Type: e.Type, SentAt: e.SentAt})
		return
	}
	if err := h.fn(ctx, e); err != nil {
		h.seen.forget(key, now.Add(h.cfg.maxAge))
		http.Error(w, "handler failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "ok\n")
}

// authorized compares the path's last segment and the token parameter with the secret,
// both in constant time, whichever matches.
func (h *Handler) authorized(r *http.Request) bool {
	p := r.URL.Path
	fromPath := sha256.Sum256([]byte(p[strings.LastIndex(p, "/")+1:])) // "/x/" has "" last
	fromQuery := sha256.Sum256([]byte(r.URL.Query().Get(TokenParam)))
	a := subtle.ConstantTimeCompare(fromPath[:], h.secret[:])
	b := subtle.ConstantTimeCompare(fromQuery[:], h.secret[:])
	return a|b == 1
}

func (h *Handler) drop(ctx context.Context, d Drop) {
	if h.cfg.onDrop != nil {
		h.cfg.onDrop(ctx, d)
	}
}

// dropped reports d and answers 200: see Handler for why a dropped event is not an error.
func (h *Handler) dropped(ctx context.Context, w http.ResponseWriter, d Drop) {
	h.drop(ctx, d)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "dropped: "+string(d.Reason)+"\n")
}

// eventKey identifies an event by its type and body, not its sent_at: a retry or a
// replay with a new sent_at is still the same event.
func eventKey(e Event) [sha256.Size]byte {
	hash := sha256.New()
	_, _ = io.WriteString(hash, string(e.Type))
	_, _ = hash.Write([]byte{0})
	_, _ = hash.Write(e.Body)
	var k [sha256.Size]byte
	hash.Sum(k[:0])
	return k
}

func paramError(param, reason string) error {
	return &apicall.ParamError{Service: "affinity", Param: param, Reason: reason}
}
