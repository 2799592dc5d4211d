package apollo

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"

	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// EnrichOrganizations enriches any number of companies, ten per call (Apollo's bulk
// enrichment), and yields one Enrichment per query, in the order of queries.
//
// A company is asked for once per run: queries that are the same once normalized
// (domain and website by host, in lower case and without www.; LinkedIn page by path;
// name trimmed, in lower case) are sent once, and every copy gets that answer, however
// far apart the copies are. Each call holds up to ten different companies, and each
// company found costs one credit. The answer of a company asked for again further on
// is kept until its last copy is yielded, and no longer.
//
// Apollo's answer does not say which query each organization answers, so each is
// attributed by the strongest key it shares with the queries: a domain (the query's
// domain or website host against the organization's primary domain or website host),
// else its LinkedIn page, else its name, and only when exactly one query shares that
// key. Nothing is guessed: an organization that no query, or several, share their
// strongest key with, or that answers a query another organization answered already,
// is reported in Unplaced of each query of its batch left without an answer. An answer
// with more organizations than its batch has companies fails the batch with
// ErrMalformedBody naming the count, before any is decoded past the limit of
// MaxBulkEnrich or matched, so that its time grows with the queries and not with the
// answer; an organization without an id fails the batch the same way.
//
// The iteration stops at the first error. When a batch fails (a 429 whose wait is over
// the cap, a 5xx or a transport error after the retries, a cancelled context, an
// answer that cannot be read), the error is an *EnrichStoppedError wrapping the
// cause: it says which queries are done and which of the others Apollo may have
// charged for, and ResumeEnrichOrganizations continues from it without paying again
// for the done ones. A query that names no company (empty, blank, or an address
// without a host), or a call option refused, is an *apicall.ParamError before anything
// is sent. Break out of the loop to stop spending.
//
// Within a batch, the client's retries (option.WithRetries) repeat a request that
// failed with a 5xx or in transport: if Apollo had carried out the attempt that
// failed, the repeat is charged again, and no error says so. A 2xx answer, even one
// cut short, is never repeated: it stops the run as Unread. With option.WithRetries(0)
// every other failure stops the run too, as a batch that is Uncertain, and the caller
// decides.
func (c *Client) EnrichOrganizations(ctx context.Context, queries []EnrichQuery, callOpts ...option.CallOption) iter.Seq2[Enrichment, error] {
	return func(yield func(Enrichment, error) bool) {
		r, err := newBulkRun(queries, 0, nil)
		if err != nil {
			yield(Enrichment{}, err)
			return
		}
		c.enrich(ctx, r, callOpts, yield)
	}
}

// ResumeEnrichOrganizations continues the enrichment that stopped with from: it yields
// one Enrichment for each query of from.Remaining(), in order, as the run that stopped
// would have. A company that a done query asked for already is answered from from, at
// no cost; the others are asked for as EnrichOrganizations does, and EnrichStoppedError
// says what asking again for its Uncertain and Unread queries may cost.
//
// It stops as EnrichOrganizations does, with a new *EnrichStoppedError whose Done
// still counts from the start of the first run, so that one loop can resume until
// every query is done. from is not changed: resuming it twice asks twice. A nil from,
// or a call option refused, is an *apicall.ParamError before anything is sent.
func (c *Client) ResumeEnrichOrganizations(ctx context.Context, from *EnrichStoppedError, callOpts ...option.CallOption) iter.Seq2[Enrichment, error] {
	return func(yield func(Enrichment, error) bool) {
		if from == nil {
			yield(Enrichment{}, paramError("from", "is nil: pass the *EnrichStoppedError an enrichment stopped with"))
			return
		}
		r, err := newBulkRun(from.pending, from.Done, maps.Clone(from.known))
		if err != nil {
			yield(Enrichment{}, err)
			return
		}
		c.enrich(ctx, r, callOpts, yield)
	}
}

// EnrichStoppedError is the error that ends EnrichOrganizations, or
// ResumeEnrichOrganizations, when a batch fails. It wraps the cause, so that
// errors.Is(err, ErrRateLimited) and errors.As(err, &apiErr) see through it; find it
// with errors.As.
//
// Queries are yielded in order, so the done ones are the first Done of those given to
// EnrichOrganizations, and the others are Remaining. ResumeEnrichOrganizations
// enriches the remaining ones without asking again for a company a done query asked
// for. What it pays for the queries of the batch that failed depends on what became of
// that batch's request:
//   - Neither sent nor carried out (the context was done before it, or Apollo refused
//     it with a 4xx, such as a 429, at the first attempt): nothing was charged, and
//     resuming pays for each company found once, as for the queries after them.
//   - Uncertain: the request may have been carried out though no answer was read: it
//     failed in transport or was cancelled once it may have been sent, Apollo answered
//     5xx, or it answered 4xx after the client had retried (what the earlier attempts
//     met is not known). Apollo may have charged for the companies it found, and
//     resuming asks for them again, at full price.
//   - Unread: Apollo answered 2xx, so it charged for every company it found, but the
//     answer was not read (malformed, cut short, over the size limit, or one the
//     matching rule refuses: Error.Applied). Resuming asks for them again and pays again; an answer refused for
//     what it holds may be refused again.
type EnrichStoppedError struct {
	// Err is why the batch failed: an *Error, a transport error, or the context's
	// error.
	Err error
	// Done is how many queries were yielded: the first Done of those given to
	// EnrichOrganizations, however many resumptions ago.
	Done int
	// Uncertain are the indexes, among the queries given to EnrichOrganizations, of
	// the queries of the failed batch that Apollo may have charged for.
	Uncertain []int
	// Unread are the indexes of the queries of the failed batch that Apollo charged
	// for (those it found) without the answer being read.
	Unread []int

	pending []EnrichQuery          // the queries after the first Done, in order
	known   map[EnrichQuery]answer // answers paid for that pending queries ask for again
}

// Remaining returns the queries not yet yielded, in order: those after the first
// Done, Uncertain and Unread ones included. The slice is the caller's to keep.
func (e *EnrichStoppedError) Remaining() []EnrichQuery { return slices.Clone(e.pending) }

func (e *EnrichStoppedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "apollo: bulk enrichment stopped after %d of %d queries", e.Done, e.Done+len(e.pending))
	if n := len(e.Unread); n > 0 {
		fmt.Fprintf(&b, "; Apollo charged for the failed batch (%d queries) without its answer being read", n)
	}
	if n := len(e.Uncertain); n > 0 {
		fmt.Fprintf(&b, "; Apollo may have charged for the failed batch (%d queries)", n)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "apollo: "))
	}
	return b.String()
}

// Unwrap returns the cause, Err.
func (e *EnrichStoppedError) Unwrap() error { return e.Err }

// answer is what one company of a batch got.
type answer struct {
	org      *EnrichedOrganization
	unplaced []EnrichedOrganization
}

// bulkRun is the state of one run of EnrichOrganizations, or of a resumption.
type bulkRun struct {
	queries []EnrichQuery // those left to yield, in order
	base    int           // the index of queries[0] among those of the first run
	keys    []EnrichQuery // normalize of each query: its company
	// copied[i] is true when an earlier query asks for the company of queries[i]:
	// one done before the run (in known), or one earlier in queries.
	copied []bool
	// again[i] is true when a later query asks for the company of queries[i].
	again []bool
	// known are the answers of companies yielded that a query not yet yielded asks
	// for again; each is dropped with its last copy.
	known map[EnrichQuery]answer
}

// newBulkRun prepares a run over queries, the first of which is at index base among
// those of the first run. A query that names no company once normalized (nothing,
// spaces, an address without a host) is an *apicall.ParamError naming it.
func newBulkRun(queries []EnrichQuery, base int, known map[EnrichQuery]answer) (*bulkRun, error) {
	n := len(queries)
	r := &bulkRun{queries: queries, base: base, keys: make([]EnrichQuery, n), copied: make([]bool, n), again: make([]bool, n), known: known}
	if r.known == nil {
		r.known = map[EnrichQuery]answer{}
	}
	latest := make(map[EnrichQuery]int, n) // the index of the latest query of each company so far
	for i, q := range queries {
		k := normalize(q)
		if k == (EnrichQuery{}) {
			reason := "give at least one of domain, name, linkedin_url and website"
			if q != (EnrichQuery{}) {
				reason = "names no company (blank, or an address without a host): " + reason
			}
			return nil, paramError(fmt.Sprintf("details[%d]", base+i), reason)
		}
		r.keys[i] = k
		if j, ok := latest[k]; ok {
			r.again[j], r.copied[i] = true, true
		} else if _, ok := r.known[k]; ok {
			r.copied[i] = true
		}
		latest[k] = i
	}
	return r, nil
}

// batchFate is what may have become of a failed batch's request.
type batchFate int

const (
	notCharged batchFate = iota // not sent, or refused
	uncertain                   // may have been carried out
	unread                      // carried out, answer not read
)

// enrich yields r's queries, one batch of distinct companies at a time.
func (c *Client) enrich(ctx context.Context, r *bulkRun, callOpts []option.CallOption, yield func(Enrichment, error) bool) {
	sp := c.spending(callOpts) // a call's budget holds for the whole run
	for pos := 0; pos < len(r.queries); {
		end, batch := r.nextBatch(pos)
		var answers []*EnrichedOrganization
		var unplaced []EnrichedOrganization
		if len(batch) > 0 {
			if err := ctx.Err(); err != nil {
				yield(Enrichment{}, r.stop(pos, end, err, notCharged))
				return
			}
			var resp Response
			opts := append(callOpts[:len(callOpts):len(callOpts)], WithResponseInto(&resp))
			var err error
			if answers, unplaced, err = c.bulkEnrich(ctx, sp, batch, opts); err != nil {
				if pe := (*apicall.ParamError)(nil); errors.As(err, &pe) || errors.Is(err, ErrOverBudget) {
					yield(Enrichment{}, err) // refused before sending; from stays valid to resume
					return
				}
				yield(Enrichment{}, r.stop(pos, end, err, fateOf(err, resp)))
				return
			}
		}
		next := 0 // the next answer of the batch
		for i := pos; i < end; i++ {
			var a answer
			if r.copied[i] {
				a = r.known[r.keys[i]]
				if !r.again[i] {
					delete(r.known, r.keys[i])
				}
			} else {
				a = answer{org: answers[next]}
				if a.org == nil {
					a.unplaced = unplaced
				}
				next++
				if r.again[i] {
					r.known[r.keys[i]] = a
				}
			}
			if !yield(Enrichment{Query: r.queries[i], Organization: a.org, Unplaced: a.unplaced}, nil) {
				return
			}
		}
		pos = end
	}
}

// nextBatch gathers the queries from pos on that one call answers: up to
// MaxBulkEnrich companies not asked for yet (batch, the first query of each), and
// every query before end whose company is among them or was answered already.
func (r *bulkRun) nextBatch(pos int) (end int, batch []EnrichQuery) {
	batch = make([]EnrichQuery, 0, MaxBulkEnrich)
	for end = pos; end < len(r.queries); end++ {
		if r.copied[end] {
			continue
		}
		if len(batch) == MaxBulkEnrich {
			break
		}
		batch = append(batch, r.queries[end])
	}
	return end, batch
}

// stop is the error of the batch of the queries from pos to end, failed with cause.
func (r *bulkRun) stop(pos, end int, cause error, fate batchFate) *EnrichStoppedError {
	e := &EnrichStoppedError{Err: cause, Done: r.base + pos, pending: slices.Clone(r.queries[pos:]), known: r.known}
	if fate == notCharged {
		return e
	}
	for i := pos; i < end; i++ {
		if r.copied[i] {
			if _, ok := r.known[r.keys[i]]; ok {
				continue // answered by an earlier batch, and kept
			}
		}
		if fate == unread {
			e.Unread = append(e.Unread, r.base+i)
		} else {
			e.Uncertain = append(e.Uncertain, r.base+i)
		}
	}
	return e
}

// fateOf judges a failed batch by its error and the metadata of its last answer.
func fateOf(err error, resp Response) batchFate {
	var apiErr *Error
	switch {
	case !errors.As(err, &apiErr):
		return uncertain // no answer read: the request may have gone out
	case apiErr.Applied: // a 2xx the client could not use: Apollo charged
		return unread
	case apiErr.StatusCode < 500 && resp.Attempts <= 1:
		return notCharged // refused, and no earlier attempt
	}
	return uncertain
}
