package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/orgapis/orgapis/enrichsync"
)

// progressEvery is how often the progress line is redrawn at most.
const progressEvery = 100 * time.Millisecond

// progress is the line a run shows on a terminal's standard error: the organizations
// done of those the run goes through. A nil *progress shows nothing, which is what a
// run whose standard error is not a terminal gets.
type progress struct {
	w     io.Writer
	now   func() time.Time
	phase string
	last  time.Time
	shown bool

	total, done, aside, enriched, wrote int
}

// newProgress returns the progress of a run, or nil when stderr is not a terminal
// (a file, a pipe, a CI log) or quiet is set: no line then, not even a blank one.
func newProgress(env Env, stderr io.Writer, phase string, quiet bool) *progress {
	if quiet || !env.Terminal(env.Stderr) {
		return nil
	}
	return &progress{w: stderr, now: env.Now, phase: phase}
}

// event counts an event and redraws the line if it is time to.
func (p *progress) event(ev enrichsync.Event) {
	if p == nil {
		return
	}
	switch ev.Kind {
	case enrichsync.Started:
		p.total = ev.Summary.Organizations
	case enrichsync.SetAside:
		p.aside++
	case enrichsync.Done:
		p.clear()
		return
	default:
		p.done++
		if ev.Enrich {
			p.enriched++
		}
		if ev.Kind == enrichsync.Wrote {
			p.wrote++
		}
	}
	if now := p.now(); !p.shown || now.Sub(p.last) >= progressEvery || p.done == p.total {
		p.last = now
		p.shown = true
		enriched := "enriched"
		if ev.Kind == enrichsync.Planned || p.phase == "plan" {
			enriched = "to enrich" // a plan enriches nothing: it counts what apply would
		}
		fmt.Fprintf(p.w, "\r\033[K%s: %s/%s organizations, %s %s, %s written, %s set aside",
			p.phase, count(p.done), count(p.total), count(p.enriched), enriched, count(p.wrote), count(p.aside))
	}
}

// clear takes the line away, before a line of the table or at the end.
func (p *progress) clear() {
	if p == nil || !p.shown {
		return
	}
	fmt.Fprint(p.w, "\r\033[K")
	p.shown = false
}
