package apollo_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
	"github.com/orgapis/orgapis/wrappers/option"
)

// companies are n different companies: mostly domains, some the fake does not know
// (".invalid"), some by non-ASCII names.
func companies(n int) []apollo.EnrichQuery {
	qs := make([]apollo.EnrichQuery, n)
	for i := range qs {
		switch i % 7 {
		case 3:
			qs[i] = apollo.EnrichQuery{Domain: fmt.Sprintf("gone%d.invalid", i)}
		case 5:
			qs[i] = apollo.EnrichQuery{Name: fmt.Sprintf("Société Générale Nº%d", i)}
		case 6:
			qs[i] = apollo.EnrichQuery{Name: fmt.Sprintf("北京 Müller %d", i)}
		default:
			qs[i] = apollo.EnrichQuery{Domain: fmt.Sprintf("co%d.com", i)}
		}
	}
	return qs
}

// found is how many of qs the fake knows.
func found(qs []apollo.EnrichQuery) int {
	n := 0
	for _, q := range qs {
		if !strings.HasSuffix(q.Domain, ".invalid") {
			n++
		}
	}
	return n
}

// collect runs seq to its end and returns what it yielded and the error it ended
// with, if any; an error that is not the last yield fails the test.
func collect(t *testing.T, seq iter.Seq2[apollo.Enrichment, error]) (got []apollo.Enrichment, err error) {
	t.Helper()
	for e, e2 := range seq {
		if err != nil {
			t.Fatalf("yielded %+v after the error %v", e, err)
		}
		if e2 != nil {
			err = e2
			continue
		}
		got = append(got, e)
	}
	return got, err
}

// stoppedAt fails the test unless err is an *EnrichStoppedError after done queries.
func stoppedAt(t *testing.T, err error, done int) *apollo.EnrichStoppedError {
	t.Helper()
	var stopped *apollo.EnrichStoppedError
	if !errors.As(err, &stopped) {
		t.Fatalf("err = %v (%T), want an *EnrichStoppedError", err, err)
	}
	if stopped.Done != done {
		t.Fatalf("Done = %d, want %d (%v)", stopped.Done, done, err)
	}
	return stopped
}

// span is the indexes from lo to hi, hi excluded.
func span(lo, hi int) []int {
	var s []int
	for i := lo; i < hi; i++ {
		s = append(s, i)
	}
	return s
}

// checkOnceEach fails unless got is one enrichment per query, in order, each with the
// organization of its company (or none for those the fake does not know).
func checkOnceEach(t *testing.T, queries []apollo.EnrichQuery, got []apollo.Enrichment) {
	t.Helper()
	if len(got) != len(queries) {
		t.Fatalf("%d enrichments for %d queries", len(got), len(queries))
	}
	for i, e := range got {
		if e.Query != queries[i] {
			t.Fatalf("enrichment %d is for %v, want %v", i, e.Query, queries[i])
		}
		known := !strings.HasSuffix(queries[i].Domain, ".invalid")
		switch {
		case known != (e.Organization != nil):
			t.Errorf("enrichment %d (%v): organization %+v", i, e.Query, e.Organization)
		case known && e.Query.Name != "" && !strings.EqualFold(e.Organization.Name, strings.TrimSpace(e.Query.Name)):
			t.Errorf("enrichment %d: %q answered by %q", i, e.Query.Name, e.Organization.Name)
		case known && e.Query.Domain != "" && e.Organization.PrimaryDomain != strings.TrimPrefix(strings.ToLower(strings.TrimSpace(e.Query.Domain)), "www."):
			t.Errorf("enrichment %d: %q answered by %q", i, e.Query.Domain, e.Organization.PrimaryDomain)
		}
	}
}

// A run of 35 stopped by a failed batch (the first, a middle one, the last) resumes
// from its error: every query is yielded once, in order, and no company is paid twice.
// A 429 at the first attempt was not carried out; a 5xx may have been.
func TestEnrichResumesWhereItStopped(t *testing.T) {
	queries := companies(35) // batches of 10, 10, 10 and 5
	for _, fault := range []struct {
		name      string
		fault     apollotest.Fault
		is        error
		status    int
		uncertain bool
	}{
		{"429 over the wait cap", apollotest.RateLimited("3600"), apollo.ErrRateLimited, 429, false},
		{"500", apollotest.ServerError(500), nil, 500, true},
	} {
		for _, batch := range []int{0, 1, 3} {
			t.Run(fmt.Sprintf("%s on batch %d", fault.name, batch), func(t *testing.T) {
				c, fake := setup(t, option.WithRetries(0))
				fake.Fail(append(make([]apollotest.Fault, batch), fault.fault)...)
				got, err := collect(t, c.EnrichOrganizations(t.Context(), queries))
				done := 10 * batch
				stopped := stoppedAt(t, err, done)
				if len(got) != done {
					t.Errorf("%d yielded before the error, want %d", len(got), done)
				}
				var apiErr *apollo.Error
				if !errors.As(err, &apiErr) || apiErr.StatusCode != fault.status || (fault.is != nil && !errors.Is(err, fault.is)) {
					t.Errorf("the cause is lost: %v", err)
				}
				var want []int
				if fault.uncertain {
					want = span(done, min(done+10, 35))
				}
				if !slices.Equal(stopped.Uncertain, want) || stopped.Unread != nil {
					t.Errorf("uncertain %v, unread %v; want %v and none", stopped.Uncertain, stopped.Unread, want)
				}
				if !slices.Equal(stopped.Remaining(), queries[done:]) {
					t.Errorf("remaining %v, want queries[%d:]", stopped.Remaining(), done)
				}
				prefix := fmt.Sprintf("apollo: bulk enrichment stopped after %d of 35 queries", done)
				if msg := err.Error(); !strings.HasPrefix(msg, prefix) || strings.Count(msg, "apollo:") != 1 ||
					!strings.Contains(msg, "bulkEnrichOrganizations: HTTP "+strconv.Itoa(fault.status)) || strings.Contains(msg, "may have charged") != fault.uncertain {
					t.Errorf("error text %q", msg)
				}
				hits := fake.Hits()
				rest, err := collect(t, c.ResumeEnrichOrganizations(t.Context(), stopped))
				if err != nil {
					t.Fatal(err)
				}
				checkOnceEach(t, queries, append(got, rest...))
				if fake.Credits() != found(queries) || fake.Hits() != 5 || fake.Hits()-hits != 4-batch {
					t.Errorf("credits %d, requests %d; want %d credits, one request a batch and the failed one", fake.Credits(), fake.Hits(), found(queries))
				}
			})
		}
	}
}

// One loop can resume until done: each stop counts Done from the first run's start,
// resuming with a cancelled context sends nothing, and resuming does not change the
// error resumed from.
func TestEnrichResumesAgainAndAgain(t *testing.T) {
	queries := companies(35)
	c, fake := setup(t, option.WithRetries(0))
	fake.Fail(apollotest.Fault{}, apollotest.ServerError(503), apollotest.Fault{}, apollotest.ServerError(502))
	got, err := collect(t, c.EnrichOrganizations(t.Context(), queries))
	first := stoppedAt(t, err, 10)

	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	hits := fake.Hits()
	none, err := collect(t, c.ResumeEnrichOrganizations(cancelled, first))
	again := stoppedAt(t, err, 10)
	if len(none) != 0 || fake.Hits() != hits || !errors.Is(err, context.Canceled) || again.Uncertain != nil || again.Unread != nil {
		t.Errorf("resumed with a cancelled context: %d yielded, %d requests sent, uncertain %v, err %v", len(none), fake.Hits()-hits, again.Uncertain, err)
	}
	if !strings.HasPrefix(err.Error(), "apollo: bulk enrichment stopped after 10 of 35 queries: context canceled") {
		t.Errorf("error text %q", err)
	}

	more, err := collect(t, c.ResumeEnrichOrganizations(t.Context(), again))
	second := stoppedAt(t, err, 20)
	if len(more) != 10 || !slices.Equal(second.Uncertain, span(20, 30)) || !slices.Equal(second.Remaining(), queries[20:]) {
		t.Errorf("second stop: %d yielded, uncertain %v", len(more), second.Uncertain)
	}
	if !slices.Equal(first.Remaining(), queries[10:]) || first.Done != 10 || !slices.Equal(first.Uncertain, span(10, 20)) {
		t.Errorf("resuming changed the error resumed from: %+v", first)
	}
	rest, err := collect(t, c.ResumeEnrichOrganizations(t.Context(), second))
	if err != nil {
		t.Fatal(err)
	}
	checkOnceEach(t, queries, slices.Concat(got, more, rest))
	if fake.Credits() != found(queries) || fake.Hits() != 6 {
		t.Errorf("credits %d, requests %d; want %d and 6 (4 batches, 2 failed)", fake.Credits(), fake.Hits(), found(queries))
	}
}

// A context cancelled before a batch is sent stops the run with nothing uncertain;
// one cancelled once the batch has reached Apollo leaves that batch uncertain, and
// resuming pays for it again: the error said so.
func TestEnrichCancelled(t *testing.T) {
	queries := companies(25)
	t.Run("before the first batch", func(t *testing.T) {
		c, fake := setup(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		got, err := collect(t, c.EnrichOrganizations(ctx, queries))
		stopped := stoppedAt(t, err, 0)
		if len(got) != 0 || fake.Hits() != 0 || stopped.Uncertain != nil || !errors.Is(err, context.Canceled) || len(stopped.Remaining()) != 25 {
			t.Errorf("%d yielded, %d requests, uncertain %v, err %v", len(got), fake.Hits(), stopped.Uncertain, err)
		}
	})
	t.Run("between batches", func(t *testing.T) {
		c, fake := setup(t)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		var got []apollo.Enrichment
		var err error
		for e, e2 := range c.EnrichOrganizations(ctx, queries) {
			if err = e2; err != nil {
				break
			}
			if got = append(got, e); len(got) == 10 {
				cancel() // while the first batch is yielded: the second is never sent
			}
		}
		stopped := stoppedAt(t, err, 10)
		if fake.Hits() != 1 || stopped.Uncertain != nil {
			t.Errorf("%d requests, uncertain %v", fake.Hits(), stopped.Uncertain)
		}
		rest, err := collect(t, c.ResumeEnrichOrganizations(t.Context(), stopped))
		if err != nil {
			t.Fatal(err)
		}
		checkOnceEach(t, queries, append(got, rest...))
		if fake.Credits() != found(queries) {
			t.Errorf("credits %d, want %d", fake.Credits(), found(queries))
		}
	})
	t.Run("after the second batch was sent", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		var bulk atomic.Int32
		c, fake := setup(t, option.WithMiddleware(func(next http.RoundTripper) http.RoundTripper {
			return roundTripper(func(r *http.Request) (*http.Response, error) {
				resp, err := next.RoundTrip(r)
				if err == nil && bulk.Add(1) == 2 {
					resp.Body.Close()
					cancel() // Apollo carried it out; the caller gave up before the answer
					return nil, context.Canceled
				}
				return resp, err
			})
		}))
		got, err := collect(t, c.EnrichOrganizations(ctx, queries))
		stopped := stoppedAt(t, err, 10)
		if !slices.Equal(stopped.Uncertain, span(10, 20)) || !errors.Is(err, context.Canceled) {
			t.Errorf("uncertain %v, err %v", stopped.Uncertain, err)
		}
		rest, err := collect(t, c.ResumeEnrichOrganizations(t.Context(), stopped))
		if err != nil {
			t.Fatal(err)
		}
		checkOnceEach(t, queries, append(got, rest...))
		if want := found(queries) + found(queries[10:20]); fake.Credits() != want {
			t.Errorf("credits %d, want %d: the uncertain batch was carried out and is paid again", fake.Credits(), want)
		}
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A 429 refused at the first attempt was not carried out; after a retry, what the
// first attempt met is not known, so the batch is uncertain.
func TestEnrichRateLimitedAfterARetryIsUncertain(t *testing.T) {
	queries := companies(15)
	for _, c := range []struct {
		faults    []apollotest.Fault
		uncertain []int
	}{
		{[]apollotest.Fault{{}, apollotest.RateLimited("3600")}, nil},
		{[]apollotest.Fault{{}, apollotest.RateLimited("1"), apollotest.RateLimited("3600")}, span(10, 15)},
	} {
		client, fake := setup(t, apollo.WithSleep(func(context.Context, time.Duration) error { return nil }))
		fake.Fail(c.faults...)
		_, err := collect(t, client.EnrichOrganizations(t.Context(), queries))
		stopped := stoppedAt(t, err, 10)
		var resp apollo.Response
		if !errors.Is(err, apollo.ErrRateLimited) || !slices.Equal(stopped.Uncertain, c.uncertain) || fake.Hits() != len(c.faults) {
			t.Errorf("after %d attempts: uncertain %v, want %v (%v)", len(c.faults)-1, stopped.Uncertain, c.uncertain, err)
		}
		// The resumption's own options apply to it alone.
		rest, err := collect(t, client.ResumeEnrichOrganizations(t.Context(), stopped, apollo.WithResponseInto(&resp)))
		if err != nil || len(rest) != 5 || resp.Attempts != 1 || fake.Credits() != found(queries) {
			t.Errorf("resumed: %d yielded, %d attempts, %d credits, err %v", len(rest), resp.Attempts, fake.Credits(), err)
		}
	}
}

// An answer that reached the client whole but could not be read was charged: its
// queries are Unread, and resuming pays for them again. One cut short in transport may
// or may not have been complete at Apollo: Uncertain.
func TestEnrichUnreadAnswers(t *testing.T) {
	queries := companies(25)
	for _, c := range []struct {
		name   string
		cut    bool
		unread bool
	}{{"malformed", false, true}, {"cut short", true, false}} {
		t.Run(c.name, func(t *testing.T) {
			fake := apollotest.NewUnstartedServer(key, apollotest.WithTest(t))
			var bulk atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !strings.HasSuffix(r.URL.Path, "/bulk_enrich") || bulk.Add(1) != 2 {
					fake.Handler().ServeHTTP(w, r)
					return
				}
				rec := httptest.NewRecorder()
				fake.Handler().ServeHTTP(rec, r) // Apollo carries it out and charges
				body := rec.Body.Bytes()
				w.Header().Set("Content-Type", "application/json")
				if c.cut {
					w.Header().Set("Content-Length", strconv.Itoa(len(body)))
					w.Write(body[:len(body)/2])
					panic(http.ErrAbortHandler)
				}
				w.Write(body[:len(body)/2])
			}))
			t.Cleanup(srv.Close)
			client, err := apollo.NewClient(key, option.WithBaseURL(srv.URL+"/api/v1"), option.WithRetries(0))
			if err != nil {
				t.Fatal(err)
			}
			got, err := collect(t, client.EnrichOrganizations(t.Context(), queries))
			stopped := stoppedAt(t, err, 10)
			unread, uncertain := stopped.Unread, stopped.Uncertain
			if !c.unread {
				unread, uncertain = uncertain, unread
			}
			if !slices.Equal(unread, span(10, 20)) || uncertain != nil || errors.Is(err, apollo.ErrMalformedBody) != c.unread {
				t.Errorf("unread %v, uncertain %v, err %v", stopped.Unread, stopped.Uncertain, err)
			}
			if c.unread && !strings.Contains(err.Error(), "; Apollo charged for the failed batch (10 queries) without its answer being read: ") {
				t.Errorf("error text %q", err)
			}
			rest, err := collect(t, client.ResumeEnrichOrganizations(t.Context(), stopped))
			if err != nil {
				t.Fatal(err)
			}
			checkOnceEach(t, queries, append(got, rest...))
			if want := found(queries) + found(queries[10:20]); fake.Credits() != want {
				t.Errorf("credits %d, want %d: the unread batch is paid twice", fake.Credits(), want)
			}
		})
	}
}

// A company asked for twice in a run is sent and paid for once, whether its copies
// share a batch or not, and a stop between them does not make the resumption pay
// for it again. Ten different companies make one call, whatever their copies; the
// eleventh makes another.
func TestEnrichAsksOnceForACompany(t *testing.T) {
	ten := companies(10)
	t.Run("copies in one batch", func(t *testing.T) {
		c, fake := setup(t)
		queries := slices.Concat(ten, []apollo.EnrichQuery{{Domain: " CO0.com"}, {Domain: "www.co1.com"}, {Website: "https://co2.com"},
			{Name: "société générale nº5 "}, {Name: "北京 MÜLLER 6"}})
		got, err := collect(t, c.EnrichOrganizations(t.Context(), queries))
		if err != nil {
			t.Fatal(err)
		}
		checkOnceEach(t, queries, got)
		// A website is asked for as a website: another identity than the domain.
		if fake.Hits() != 2 || fake.Credits() != found(ten)+1 {
			t.Errorf("%d requests, %d credits; want 2 and %d", fake.Hits(), fake.Credits(), found(ten)+1)
		}
		for i, j := range map[int]int{10: 0, 11: 1, 13: 5, 14: 6} {
			if got[i].Organization.ID != got[j].Organization.ID {
				t.Errorf("copy %d answered %s, its company %s", i, got[i].Organization.ID, got[j].Organization.ID)
			}
		}
	})
	for _, n := range []int{10, 11} {
		t.Run(fmt.Sprintf("%d companies, twice each", n), func(t *testing.T) {
			c, fake := setup(t)
			qs := companies(n)
			queries := slices.Concat(qs, qs)
			got, err := collect(t, c.EnrichOrganizations(t.Context(), queries))
			if err != nil {
				t.Fatal(err)
			}
			checkOnceEach(t, queries, got)
			if want := (n + 9) / 10; fake.Hits() != want || fake.Credits() != found(qs) {
				t.Errorf("%d requests, %d credits; want %d and %d", fake.Hits(), fake.Credits(), want, found(qs))
			}
		})
	}
	t.Run("twelve times one company", func(t *testing.T) {
		c, fake := setup(t)
		queries := slices.Repeat([]apollo.EnrichQuery{{Domain: "x.com"}}, 12)
		got, err := collect(t, c.EnrichOrganizations(t.Context(), queries))
		if err != nil || fake.Hits() != 1 || fake.Credits() != 1 {
			t.Errorf("%d requests, %d credits, err %v", fake.Hits(), fake.Credits(), err)
		}
		checkOnceEach(t, queries, got)
	})
	t.Run("copies across a stop", func(t *testing.T) {
		c, fake := setup(t, option.WithRetries(0))
		twenty := companies(20)
		// 20 and 21 repeat a company of the first batch, done, and one of the second,
		// which fails.
		queries := slices.Concat(twenty, []apollo.EnrichQuery{{Domain: "CO1.com"}, {Domain: "co15.com"}, {Domain: "co22.com"}})
		fake.Fail(apollotest.Fault{}, apollotest.ServerError(500))
		got, err := collect(t, c.EnrichOrganizations(t.Context(), queries))
		stopped := stoppedAt(t, err, 10)
		if !slices.Equal(stopped.Uncertain, append(span(10, 20), 21)) {
			t.Errorf("uncertain %v", stopped.Uncertain)
		}
		rest, err := collect(t, c.ResumeEnrichOrganizations(t.Context(), stopped))
		if err != nil {
			t.Fatal(err)
		}
		checkOnceEach(t, queries, append(got, rest...))
		if want := found(twenty) + 1; fake.Credits() != want || fake.Hits() != 4 {
			t.Errorf("%d credits, %d requests; want %d (each company once) and 4", fake.Credits(), fake.Hits(), want)
		}
		if rest[10].Organization.ID != got[1].Organization.ID {
			t.Error("the copy of a done company was not answered as it was")
		}
		// Resuming the same error again asks again for what it did not answer, but
		// still not for the done company.
		before := fake.Credits()
		again, err := collect(t, c.ResumeEnrichOrganizations(t.Context(), stopped))
		if err != nil {
			t.Fatal(err)
		}
		checkOnceEach(t, queries[10:], again)
		if again[10].Organization.ID != got[1].Organization.ID {
			t.Error("resumed again, the copy of a done company was not answered as it was")
		}
		if want := found(twenty[10:]) + 1; fake.Credits()-before != want {
			t.Errorf("resumed again for %d credits, want %d", fake.Credits()-before, want)
		}
	})
}

// Bad input is refused before anything is sent, naming what is wrong: a query that
// names no company, a nil error to resume from, a call option; the error resumed
// from stays good after a refused resumption.
func TestEnrichRefusesBadInput(t *testing.T) {
	c, fake := setup(t, option.WithRetries(0))
	var pe *apicall.ParamError
	for i, bad := range []apollo.EnrichQuery{{}, {Domain: "  "}, {Website: "https://"}, {Name: "\t"}, {LinkedInURL: " "}} {
		queries := []apollo.EnrichQuery{{Domain: "a.com"}, bad, {Domain: "b.com"}}
		_, err := collect(t, c.EnrichOrganizations(t.Context(), queries))
		if !errors.As(err, &pe) || pe.Param != "details[1]" || strings.Contains(pe.Reason, "blank") == (i == 0) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	// A NUL is a character like another: these two are two companies.
	if _, err := collect(t, c.EnrichOrganizations(t.Context(), []apollo.EnrichQuery{{Domain: "a\x00b"}, {Domain: "a", Website: "b"}})); err != nil {
		t.Errorf("a NUL in a query: %v", err)
	}
	if fake.Credits() != 2 {
		t.Errorf("%d credits for two companies with a NUL between them", fake.Credits())
	}
	hits := fake.Hits()
	if _, err := collect(t, c.ResumeEnrichOrganizations(t.Context(), nil)); !errors.As(err, &pe) || pe.Param != "from" {
		t.Errorf("nil: %v", err)
	}
	fake.Fail(apollotest.ServerError(500))
	_, err := collect(t, c.EnrichOrganizations(t.Context(), companies(5)))
	stopped := stoppedAt(t, err, 0)
	if _, err := collect(t, c.ResumeEnrichOrganizations(t.Context(), stopped, nil)); !errors.As(err, &pe) || fake.Hits() != hits+1 {
		t.Errorf("a nil call option: %v after %d requests", err, fake.Hits()-hits)
	}
	rest, err := collect(t, c.ResumeEnrichOrganizations(t.Context(), stopped))
	if err != nil || len(rest) != 5 {
		t.Errorf("resumed after a refused resumption: %d, %v", len(rest), err)
	}
}
