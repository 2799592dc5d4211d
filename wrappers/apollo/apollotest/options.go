package apollotest

import (
	"testing"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/fakeserver"
)

// Option configures a fake. By default every exchange the fake serves is checked
// against the embedded Apollo spec (specs/apollo.yaml), strictly for its answers:
// an answer that would break the spec is never sent, and the client gets a 500 naming
// the finding instead; a request that breaks the spec is answered as usual. Either
// way the finding is kept for Findings.
type Option func(*fakeserver.Config)

// WithTest makes every finding fail t, naming the request and what the spec expected,
// and closes the fake when t ends. Every test of this module's own makes its fakes so.
func WithTest(t testing.TB) Option { return Option(fakeserver.ReportTo(t)) }

// WithFindingHandler hands each finding to fn as well, for a program that serves the
// fake (validate mock logs them). fn may be called from several goroutines at once.
func WithFindingHandler(fn func(contract.Finding)) Option {
	return Option(fakeserver.OnFinding(fn))
}

// WithoutSpecCheck serves every answer unchecked, for a test that deliberately
// serves what the spec does not allow. Queued faults (Fail) need no such option: their
// answers are off the spec on purpose and are never refused.
func WithoutSpecCheck() Option { return Option(fakeserver.NoSpecCheck()) }
