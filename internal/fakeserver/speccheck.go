package fakeserver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/redact"
	"github.com/orgapis/orgapis/specs"
)

// A fake that answers what its spec does not allow makes every test that uses it prove
// only that the wrapper and the fake agree with each other. So every exchange a fake
// serves passes through one check against the project's own spec, with the project's
// own validator: strict for what the fake sends (no member the spec does not
// describe), and with the request checked too. What the check finds is reported; an
// answer that breaks the spec is never sent: the client gets a 500 naming the finding
// instead, so even a caller that reports nowhere sees it fail.

// TB is the part of testing.TB a fake reports to: each finding fails the test that
// caused it, and the fake is closed when the test ends, so that no finding can arrive
// after it.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Cleanup(func())
}

// Config is what a fake's options set: where findings go, or that none are looked for.
type Config struct {
	// TB, when set, fails with each finding.
	TB TB
	// OnFinding, when set, receives each finding (validate mock logs them). It may be
	// called from several goroutines at once.
	OnFinding func(contract.Finding)
	// NoCheck serves every answer unchecked, for a caller who deliberately serves
	// what the spec does not allow.
	NoCheck bool
}

// MaxFindings is how many findings a fake keeps for Findings; it counts the rest.
const MaxFindings = 1000

// validators are loaded once per process and API: a Validator is read-only once made,
// and a test run makes hundreds of fakes.
var validators = map[specs.API]func() (*contract.Validator, error){
	specs.Apollo:   sync.OnceValues(func() (*contract.Validator, error) { return load(specs.Apollo) }),
	specs.Affinity: sync.OnceValues(func() (*contract.Validator, error) { return load(specs.Affinity) }),
}

func load(api specs.API) (*contract.Validator, error) {
	return contract.NewEmbedded(context.Background(), api, contract.Strict(), contract.CheckRequests())
}

// Checker holds one fake's exchanges to its spec and keeps what it found.
type Checker struct {
	api   specs.API
	name  string // the fake's package, such as "affinitytest", for texts
	cfg   Config
	scrub *redact.Scrubber // the fake's key, in any encoding, kept out of every text

	mu       sync.Mutex
	n        int // exchanges checked, for the findings' Entry
	findings []contract.Finding
	total    int
}

// NewChecker returns the checker of a fake named name (its package) serving api,
// which accepts key.
func NewChecker(api specs.API, name, key string, cfg Config) *Checker {
	return &Checker{api: api, name: name, cfg: cfg, scrub: redact.NewScrubber(key)}
}

// Findings returns what the check found so far, at most MaxFindings of them, and how
// many there were in all.
func (c *Checker) Findings() ([]contract.Finding, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]contract.Finding(nil), c.findings...), c.total
}

// deliberateKey marks a request whose answer a queued fault wrote: an off-spec answer
// the test asked for, which the check lets through.
type deliberateKey struct{}

// markDeliberate records that r's answer is a fault's.
func markDeliberate(r *http.Request) {
	if p, ok := r.Context().Value(deliberateKey{}).(*bool); ok {
		*p = true
	}
}

// Wrap returns h with every exchange checked. Request bodies are already bounded by
// LimitBody; answers are held in memory until checked, as the client would read them.
func (c *Checker) Wrap(h http.HandlerFunc) http.HandlerFunc {
	if c.cfg.NoCheck {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		deliberate := new(bool)
		r = r.WithContext(context.WithValue(r.Context(), deliberateKey{}, deliberate))
		rec := &recorder{header: http.Header{}}
		h(rec, r)
		ex := contract.Exchange{Source: c.name, Method: r.Method, URL: r.URL, RequestHeader: r.Header,
			RequestBody: body, Status: rec.status(), ResponseHeader: rec.header, ResponseBody: rec.body.Bytes()}
		var asked, sent []contract.Finding // in what the client sent, in what the fake would send
		for _, f := range c.check(ex) {
			if f.Kind == contract.KindRequest || f.Kind == contract.KindUndocumentedEndpoint {
				asked = append(asked, f)
			} else {
				sent = append(sent, f)
			}
		}
		if *deliberate {
			sent = nil // a fault's answer is off the spec on purpose
		}
		c.report(append(asked, sent...))
		if len(sent) > 0 {
			c.refuse(w, sent)
			return
		}
		rec.copyTo(w)
	}
}

// check validates ex; a spec that cannot be loaded is itself a finding on every
// exchange, so that nothing is served unchecked by accident.
func (c *Checker) check(ex contract.Exchange) []contract.Finding {
	c.mu.Lock()
	ex.Index = c.n
	c.n++
	c.mu.Unlock()
	load, ok := validators[c.api]
	if !ok {
		return []contract.Finding{{Source: c.name, API: string(c.api), Kind: contract.KindUnreadable, Expected: "a spec for " + string(c.api), Found: "none"}}
	}
	v, err := load()
	if err != nil {
		return []contract.Finding{{Source: c.name, API: string(c.api), Kind: contract.KindUnreadable, Expected: "the embedded spec", Found: err.Error()}}
	}
	return v.Validate(ex)
}

// report keeps findings and hands each to the test or the caller's function.
func (c *Checker) report(findings []contract.Finding) {
	if len(findings) == 0 {
		return
	}
	c.mu.Lock()
	for _, f := range findings {
		c.total++
		if len(c.findings) < MaxFindings {
			c.findings = append(c.findings, f)
		}
	}
	c.mu.Unlock()
	for _, f := range findings {
		if c.cfg.TB != nil {
			c.cfg.TB.Helper()
			c.cfg.TB.Errorf("%s: %s", c.name, c.text(f))
		}
		if c.cfg.OnFinding != nil {
			c.cfg.OnFinding(f)
		}
	}
}

// text describes a finding in one line, without the fake's key.
func (c *Checker) text(f contract.Finding) string {
	where := f.Location
	if f.Pointer != "" {
		where += " " + f.Pointer
	}
	side := "the answer breaks"
	if f.Kind == contract.KindRequest || f.Kind == contract.KindUndocumentedEndpoint {
		side = "the request breaks"
	}
	return c.scrub.String(fmt.Sprintf("%s %s (%s) -> HTTP %d: %s specs/%s.yaml at %s (%s): expected %s, found %s",
		f.Method, f.Path, orNone(f.OperationID), f.Status, side, c.api, where, f.Kind, f.Expected, f.Found))
}

func orNone(s string) string {
	if s == "" {
		return "no operation"
	}
	return s
}

// refuse answers 500 in place of an answer that breaks the spec: every spec documents
// a plain-text 500, and the text names what the fake would have sent wrongly.
func (c *Checker) refuse(w http.ResponseWriter, findings []contract.Finding) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: the fake's answer would break specs/%s.yaml, so it sent this instead:", c.name, c.api)
	for _, f := range findings {
		b.WriteString("\n- ")
		b.WriteString(c.text(f))
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Fake-Spec-Findings", fmt.Sprint(len(findings)))
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(w, b.String())
}

// recorder holds an answer until it is checked.
type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.body.Write(p)
}

func (r *recorder) status() int {
	if r.code == 0 {
		return http.StatusOK
	}
	return r.code
}

// copyTo sends the held answer as the handler wrote it, a declared length included
// (a cut-short fault declares more than it sends).
func (r *recorder) copyTo(w http.ResponseWriter) {
	for k, vs := range r.header {
		w.Header()[k] = vs
	}
	w.WriteHeader(r.status())
	_, _ = w.Write(r.body.Bytes())
}
