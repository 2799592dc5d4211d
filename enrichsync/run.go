package enrichsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/apollo"
)

// errConsumerStopped is do's way out when the caller's loop breaks.
var errConsumerStopped = errors.New("enrichsync: the caller stopped reading events")

// runState is one run of Plan or Apply.
type runState struct {
	s     *Syncer
	t     Target
	apply bool
	yield func(Event, error) bool

	id       int64 // the run's number in the store (Apply)
	sum      Summary
	apolloN  counter
	readsN   counter
	writesN  counter
	bindings []binding
	hist     history
	stored   map[string]enrichment
	// resume are the fields a stopped run half wrote, with the value each held
	// before (settle).
	resume map[entryField]string
}

// keyed is a list entry keyed by its domain.
type keyed struct {
	org Org
	row affinity.Row
}

func (r *runState) emit(ev Event) error {
	if !r.yield(ev, nil) {
		return errConsumerStopped
	}
	return nil
}

// do makes the run's decision and, for Apply, carries it out.
func (r *runState) do(ctx context.Context) error {
	s := r.s
	r.sum.Apply = r.apply
	r.sum.CreditBudget = s.set.budget
	switch {
	case r.t.AllOrganizations && (r.t.ListID != 0 || r.t.SavedViewID != 0):
		return errors.New("enrichsync: a target is a list (and maybe a saved view of it) or all organizations, not both")
	case !r.t.AllOrganizations && r.t.ListID <= 0:
		return fmt.Errorf("enrichsync: list id must be positive, got %d", r.t.ListID)
	case r.t.SavedViewID < 0:
		return fmt.Errorf("enrichsync: saved view id must be positive, got %d", r.t.SavedViewID)
	}
	if r.apply && s.store.readOnly {
		return fmt.Errorf("enrichsync: store %s was opened read-only (OpenStoreReadOnly); Apply writes to it: open it with OpenStore", s.store.path)
	}
	if r.apply {
		unlock, err := s.store.lock(ctx)
		if err != nil {
			return err
		}
		defer unlock()
	}
	// The mapping against the live fields, then the target, keyed by domain.
	rows, byDomain, err := r.read(ctx)
	if err != nil {
		return err
	}
	var orgs []keyed
	var aside []Event
	for _, k := range rows {
		switch n := byDomain[k.org.Domain]; {
		case k.org.Domain == "":
			aside = append(aside, Event{Kind: SetAside, Org: k.org, Reason: "no domain to enrich it by"})
		case n > 1:
			aside = append(aside, Event{Kind: SetAside, Org: k.org, Reason: fmt.Sprintf("%d entries of the list have the domain %s; merge them or remove all but one", n, k.org.Domain)})
		default:
			orgs = append(orgs, k)
		}
	}
	r.sum.Organizations, r.sum.SetAside = len(orgs), len(aside)
	started := r.sum
	if err := r.emit(Event{Kind: Started, Summary: &started}); err != nil {
		return err
	}
	for _, ev := range aside {
		if err := r.emit(ev); err != nil {
			return err
		}
	}
	// What the store knows, with the writes a stopped run left unsettled settled by what
	// the fields hold now.
	if r.stored, err = s.store.enrichments(ctx); err != nil {
		return err
	}
	isGlobal := map[int64]bool{}
	for _, b := range r.bindings {
		isGlobal[b.field.ID] = b.field.ListID == 0
	}
	if r.hist, err = s.store.history(ctx, r.t.ListID, func(id int64) bool { return isGlobal[id] }); err != nil {
		return err
	}
	if err := r.settle(ctx, orgs); err != nil {
		return err
	}
	// Apollo's balance, which bounds the budget.
	budget := s.set.budget
	usage, err := s.apollo.GetCreditUsage(ctx, r.apolloN.opt())
	switch {
	case err == nil:
		if b, ok := usage.Balances[apollo.LeadCredits]; ok {
			left := b.Left // a new variable: the Started event's copy of the summary keeps nil
			r.sum.CreditsLeft = &left
			budget = min(budget, max(b.Left, 0))
		}
	case r.apply && budget > 0:
		return fmt.Errorf("enrichsync: reading Apollo's credit balance, which the budget is checked against: %w", err)
	}
	now := s.set.now()
	var fresh, stale []keyed
	for _, k := range orgs {
		if e, ok := r.stored[k.org.Domain]; ok && now.Sub(e.at) < s.set.ttl {
			fresh = append(fresh, k)
		} else {
			stale = append(stale, k)
		}
	}
	r.sum.Cached = len(fresh)
	if !r.apply {
		return r.plan(ctx, fresh, stale, budget)
	}
	if r.id, err = s.store.beginRun(ctx, "apply", r.t.ListID, s.set.now()); err != nil {
		return err
	}
	r.sum.Run = r.id
	for i, k := range fresh {
		if r.pastDeadline() {
			return r.defer_(append(fresh[i:len(fresh):len(fresh)], stale...), StopDeadline)
		}
		e, err := s.store.payload(ctx, r.stored[k.org.Domain])
		if err != nil {
			return err
		}
		if err := r.write(ctx, k, e, false); err != nil {
			return err
		}
	}
	for len(stale) > 0 {
		n := min(apollo.MaxBulkEnrich, len(stale), budget-r.sum.Credits)
		if n <= 0 {
			return r.defer_(stale, StopBudget)
		}
		if r.pastDeadline() {
			return r.defer_(stale, StopDeadline)
		}
		batch := stale[:n]
		answers, err := r.enrich(ctx, batch)
		if err != nil {
			return err
		}
		for i, k := range batch {
			if err := r.write(ctx, k, answers[i], true); err != nil {
				return err
			}
		}
		stale = stale[n:]
	}
	return nil
}

// domainOf is the registrable domain an organization is keyed by: of its main domain,
// or else the first of its domains that names one.
func domainOf(o affinity.Organization) string {
	for _, d := range append([]string{o.Domain}, o.Domains...) {
		if d == "" {
			continue
		}
		if n, err := affinity.NormalizeDomain(d); err == nil {
			return n
		}
	}
	return ""
}

func (r *runState) pastDeadline() bool {
	d := r.s.set.deadline
	return !d.IsZero() && !r.s.set.now().Before(d)
}

// defer_ reports the organizations a stopped run leaves for the next.
func (r *runState) defer_(left []keyed, why StopReason) error {
	r.sum.Stopped = why
	for _, k := range left {
		r.sum.Deferred++
		reason := "the credit budget is spent; the next run takes it up"
		if why == StopDeadline {
			reason = "the deadline passed; the next run takes it up"
		}
		if err := r.emit(Event{Kind: Deferred, Org: k.org, Reason: reason}); err != nil {
			return err
		}
	}
	return nil
}

// settle decides what became of the writes a stopped run logged without recording the
// answer: applied when the field holds the value it wrote, not applied otherwise. A
// plan decides the same without recording it.
func (r *runState) settle(ctx context.Context, orgs []keyed) error {
	var applied, not []int64
	r.resume = map[entryField]string{}
	for _, k := range orgs {
		for _, b := range r.bindings {
			key := keyOf(b.field.ListID == 0, k.org.OrganizationID, k.org.ListEntryID, b.field.ID)
			ws := r.hist.intended[key]
			if _, known := k.row.Values[b.field.Name]; len(ws) == 0 || !known {
				// A field Affinity's answer left out is settled by a run that sees it.
				continue
			}
			cur := current(b.field.ValueType, k.row.Values[b.field.Name])
			for _, w := range ws {
				switch {
				case w.New == cur:
					applied = append(applied, w.ID)
					w.State = WriteApplied
					if last, ok := r.hist.applied[key]; !ok || last.ID < w.ID {
						r.hist.applied[key] = w
					}
				case cur != w.Old && partOf(cur, w.Old, w.New):
					// Half written: a field of several values written through v1, a
					// request a value, stopped part way. What it holds is the sync's
					// own doing, so the rules judge the field by what it held before.
					not = append(not, w.ID)
					r.resume[key] = w.Old
				default:
					not = append(not, w.ID)
				}
			}
			delete(r.hist.intended, key)
		}
	}
	if !r.apply {
		return nil
	}
	if err := r.s.store.settle(ctx, applied, WriteApplied); err != nil {
		return err
	}
	return r.s.store.settle(ctx, not, WriteNotApplied)
}

// partOf reports whether every value of cur (one per line) is one of old's or new's:
// what a write from old to new, stopped between its requests, leaves.
func partOf(cur, old, new string) bool {
	if cur == "" {
		return false
	}
	have := map[string]bool{}
	for _, v := range strings.Split(old, "\n") {
		have[v] = true
	}
	for _, v := range strings.Split(new, "\n") {
		have[v] = true
	}
	for _, v := range strings.Split(cur, "\n") {
		if !have[v] {
			return false
		}
	}
	return true
}

// members decodes a stored enrichment's organization into its members; nil when Apollo
// did not know the company.
func members(e enrichment) map[string]json.RawMessage {
	if !e.found {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(e.payload, &m) != nil {
		return nil
	}
	return m
}

// decide is what the rules make of each mapped field of an organization, given what
// Apollo says of it (members; nil when Apollo does not know it). With predict set (a
// plan, before the company is enriched), a field is written when its rule would let
// any value of Apollo's in.
func (r *runState) decide(k keyed, m map[string]json.RawMessage, predict bool) []FieldChange {
	var out []FieldChange
	for _, b := range r.bindings {
		c := FieldChange{Field: b.field.Name, FieldID: b.field.ID, Rule: b.rule,
			Old: current(b.field.ValueType, k.row.Values[b.field.Name])}
		var w want
		switch {
		case predict:
		case m == nil:
			w.none = "Apollo does not know the company"
		default:
			w = b.desired(m)
		}
		c.New = w.text
		key := keyOf(b.field.ListID == 0, k.org.OrganizationID, k.org.ListEntryID, b.field.ID)
		last, wrote := r.hist.applied[key]
		// old is what the rules judge: the field's value, or, for a field a stopped
		// run half wrote, the value it held before.
		old, half := r.resume[key]
		if !half {
			old = c.Old
		}
		_, known := k.row.Values[b.field.Name]
		switch {
		case !known:
			// Left out of Affinity's answer: unknown, not empty, so no rule can
			// judge it, and filling it could overwrite a value never seen.
			c.Reason = "Affinity's answer left the field out; its value is unknown"
		case w.none != "":
			c.Reason = w.none
		case !predict && c.New == c.Old:
			c.Reason = "unchanged"
		case b.rule == Always:
			c.Write = true
		case old == "" && wrote && last.New != "":
			c.Reason = "emptied by a person after the sync wrote it"
		case old == "":
			c.Write = true
		case b.rule == FillEmpty:
			c.Reason = "holds a value, and the rule fills only empty fields"
		case !wrote:
			c.Reason = "holds a value the sync did not write"
		case last.New != old:
			c.Reason = "changed by a person after the sync wrote it"
		default:
			c.Write = true
		}
		if predict && c.Write {
			c.Reason = "if Apollo has a value"
		}
		out = append(out, c)
	}
	return out
}

// plan yields the decision for every organization, and the predicted totals.
func (r *runState) plan(ctx context.Context, fresh, stale []keyed, budget int) error {
	if r.pastDeadline() {
		// Apply would stop before its first write or batch: so does its prediction.
		return r.defer_(append(fresh[:len(fresh):len(fresh)], stale...), StopDeadline)
	}
	enrich := min(len(stale), budget)
	for i, k := range stale {
		ev := Event{Kind: Planned, Org: k.org}
		if i < enrich {
			ev.Enrich = true
			ev.Fields = r.decide(k, nil, true)
		} else {
			ev.Kind, ev.Reason = Deferred, "over the credit budget; a later run takes it up"
			r.sum.Deferred++
		}
		if err := r.count(ev); err != nil {
			return err
		}
	}
	for _, k := range fresh {
		e, err := r.s.store.payload(ctx, r.stored[k.org.Domain])
		if err != nil {
			return err
		}
		ev := Event{Kind: Planned, Org: k.org, Fields: r.decide(k, members(e), false)}
		if err := r.count(ev); err != nil {
			return err
		}
	}
	r.sum.Enriched = enrich
	r.sum.Credits = enrich
	r.sum.ApolloRequests = 1 + (enrich+apollo.MaxBulkEnrich-1)/apollo.MaxBulkEnrich
	if enrich < len(stale) {
		r.sum.Stopped = StopBudget
	}
	return nil
}

// count adds an organization's event to the summary and yields it.
func (r *runState) count(ev Event) error {
	writes := 0
	for _, c := range ev.Fields {
		if c.Write {
			writes++
		}
	}
	r.sum.ValuesWritten += writes
	r.sum.ValuesLeft += len(ev.Fields) - writes
	switch {
	case ev.Kind == Deferred, ev.Kind == Refused:
	case writes > 0:
		r.sum.Changed++
		switch {
		case r.apply:
		case r.t.AllOrganizations:
			// v1: a read of the organization's values, and a request a field (a field
			// of several values takes more, which the plan does not know beforehand).
			r.sum.AffinityWrites += 1 + writes
		default:
			r.sum.AffinityWrites += (writes + affinity.MaxFieldSets - 1) / affinity.MaxFieldSets
		}
	default:
		r.sum.Unchanged++
		if r.apply {
			ev.Kind = Unchanged
		}
	}
	return r.emit(ev)
}

// enrich asks Apollo for a batch of companies, stores every answer, and returns them in
// the batch's order. What Apollo answered is stored even when the batch fails part way.
func (r *runState) enrich(ctx context.Context, batch []keyed) ([]enrichment, error) {
	queries := make([]apollo.EnrichQuery, len(batch))
	for i, k := range batch {
		queries[i] = apollo.EnrichQuery{Domain: k.org.Domain}
	}
	out := make([]enrichment, len(batch))
	done := 0
	var failed error
	spent := r.s.apollo.CreditsSpent()
	defer func() { r.sum.Credits += r.s.apollo.CreditsSpent() - spent }()
	for en, err := range r.s.apollo.EnrichOrganizations(ctx, queries, r.apolloN.opt()) {
		if err != nil {
			failed = err
			break
		}
		now := r.s.set.now()
		e := enrichment{domain: batch[done].org.Domain, at: now}
		if en.Organization != nil {
			payload, err := json.Marshal(en.Organization)
			if err != nil {
				failed = err
				break
			}
			e.found, e.apolloID, e.payload = true, en.Organization.ID, payload
		}
		// A company Apollo did not know, or answered in a way the client could not
		// attribute (Unplaced, charged all the same), is stored as not found: asked
		// for again after the TTL, not at once.
		out[done] = e
		done++
	}
	save := out[:done]
	// Companies Apollo charged for whose answer the client could not read (malformed,
	// cut short, a member it cannot decode) are stored as not found too: the same
	// answer would most likely fail again, and asking at once would pay for them on
	// every run.
	var stopped *apollo.EnrichStoppedError
	if failed != nil && errors.As(failed, &stopped) {
		for _, i := range stopped.Unread {
			if i >= done && i < len(batch) {
				save = append(save, enrichment{domain: batch[i].org.Domain, at: r.s.set.now()})
			}
		}
	}
	if len(save) > 0 {
		// Paid for: stored even when the caller has given up, or the next run pays
		// again.
		if err := r.s.store.saveEnrichments(context.WithoutCancel(ctx), r.id, save); err != nil {
			return nil, err
		}
	}
	if done > 0 {
		r.sum.Enriched += done
		r.step("enriched", batch[0].org.Domain)
	}
	if failed != nil {
		if len(save) > done {
			return nil, fmt.Errorf("enrichsync: enriching %s: %w (the %d companies whose answer was not read are stored as not found, and asked for again after the TTL)", batch[done].org.Domain, failed, len(save)-done)
		}
		return nil, fmt.Errorf("enrichsync: enriching %s: %w", batch[done].org.Domain, failed)
	}
	return out, nil
}

func (r *runState) step(kind, domain string) {
	if r.s.hook != nil {
		r.s.hook(Step{Kind: kind, Domain: domain})
	}
}

// end totals the run and records it in the store (Apply).
func (r *runState) end(ctx context.Context) Summary {
	r.sum.ApolloRequests = max(r.sum.ApolloRequests, r.apolloN.get())
	r.sum.AffinityReads = r.readsN.get()
	if r.apply {
		r.sum.AffinityWrites = r.writesN.get()
	}
	if rl := r.s.affinity.RateLimit(); rl.User.Known && rl.User.Limit > 0 {
		r.sum.AffinityMinutes = float64(r.sum.AffinityReads+r.sum.AffinityWrites) / float64(rl.User.Limit)
	} else {
		r.sum.AffinityMinutes = float64(r.sum.AffinityReads+r.sum.AffinityWrites) / 900
	}
	if rl := r.s.apollo.RateLimit(); rl.Minute.Known && rl.Minute.Limit > 0 {
		r.sum.ApolloMinutes = float64(r.sum.ApolloRequests) / float64(rl.Minute.Limit)
	}
	if r.id != 0 {
		if err := r.s.store.endRun(ctx, r.id, r.sum, r.s.set.now()); err != nil {
			r.s.set.logger.Error("enrichsync: recording the end of the run", "run", r.id, "err", err)
		}
	}
	return r.sum
}
