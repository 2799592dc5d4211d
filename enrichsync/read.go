package enrichsync

import (
	"context"
	"fmt"
	"slices"

	"github.com/orgapis/orgapis/wrappers/affinity"
)

// read checks the mapping against the target's live fields, then reads the target's
// organizations with the mapped fields' values, and counts the entries of each domain
// (over the whole list, for a saved view).
func (r *runState) read(ctx context.Context) ([]keyed, map[string]int, error) {
	s := r.s
	var fields []affinity.Field
	if !r.t.AllOrganizations {
		listFields, err := s.affinity.ListFields(ctx, affinity.FieldQuery{ListID: r.t.ListID}, r.readsN.opt())
		if err != nil {
			return nil, nil, fmt.Errorf("enrichsync: reading the fields of list %d: %w", r.t.ListID, err)
		}
		for _, f := range listFields {
			if f.ListID == r.t.ListID {
				fields = append(fields, f)
			}
		}
	}
	global, err := s.affinity.ListOrganizationFields(ctx, r.readsN.opt())
	if err != nil {
		return nil, nil, fmt.Errorf("enrichsync: reading the organizations' global fields: %w", err)
	}
	fields = append(fields, global...)
	if r.bindings, err = resolve(s.mapping, fields); err != nil {
		return nil, nil, err
	}
	var chosen []affinity.Field
	for _, b := range r.bindings {
		chosen = append(chosen, b.field)
	}
	if r.t.AllOrganizations {
		return r.readAll(ctx, chosen)
	}
	return r.readList(ctx, chosen)
}

// readList reads the list's entries (those of the saved view, if the target names
// one) with the chosen fields' values.
func (r *runState) readList(ctx context.Context, chosen []affinity.Field) ([]keyed, map[string]int, error) {
	s := r.s
	var inView map[int64]bool
	if r.t.SavedViewID != 0 {
		inView = map[int64]bool{}
		for row, err := range s.affinity.ListRows(ctx, r.t.ListID, affinity.RowOptions{SavedViewID: r.t.SavedViewID}, r.readsN.opt()) {
			if err != nil {
				return nil, nil, fmt.Errorf("enrichsync: reading saved view %d of list %d: %w", r.t.SavedViewID, r.t.ListID, err)
			}
			if len(inView) >= s.set.maxOrgs {
				return nil, nil, fmt.Errorf("enrichsync: saved view %d has more than %d entries (WithMaxOrganizations)", r.t.SavedViewID, s.set.maxOrgs)
			}
			inView[row.Entry.ID] = true
		}
	}
	// Entries outside the view count when a domain is shared: a view's entry whose
	// domain another entry has is set aside too.
	var rows []keyed
	byDomain := map[string]int{}
	seen := 0
	for row, err := range s.affinity.ListRows(ctx, r.t.ListID, affinity.RowOptions{Fields: chosen}, r.readsN.opt()) {
		if err != nil {
			return nil, nil, fmt.Errorf("enrichsync: reading list %d: %w", r.t.ListID, err)
		}
		if seen++; seen > s.set.maxOrgs {
			return nil, nil, fmt.Errorf("enrichsync: list %d has more than %d entries (WithMaxOrganizations)", r.t.ListID, s.set.maxOrgs)
		}
		if row.Organization == nil {
			return nil, nil, fmt.Errorf("enrichsync: list %d holds entries that are not organizations (entry %d); enrich a list of organizations", r.t.ListID, row.Entry.ID)
		}
		k := keyed{org: Org{Name: row.Organization.Name, OrganizationID: row.Organization.ID, ListEntryID: row.Entry.ID}, row: row}
		k.org.Domain = domainOf(*row.Organization)
		if k.org.Domain != "" {
			byDomain[k.org.Domain]++
		}
		if inView == nil || inView[row.Entry.ID] {
			rows = append(rows, k)
		}
	}
	return rows, byDomain, nil
}

// readAll reads every organization (company, through v2) with the chosen global
// fields' values.
func (r *runState) readAll(ctx context.Context, chosen []affinity.Field) ([]keyed, map[string]int, error) {
	s := r.s
	q := affinity.CompanyQuery{}
	for _, f := range chosen {
		q.Fields.IDs = append(q.Fields.IDs, fmt.Sprintf("field-%d", f.ID))
	}
	var rows []keyed
	byDomain := map[string]int{}
	for c, err := range s.affinity.Companies(ctx, q, r.readsN.opt()) {
		if err != nil {
			return nil, nil, fmt.Errorf("enrichsync: reading the organizations: %w", err)
		}
		if len(rows) >= s.set.maxOrgs {
			return nil, nil, fmt.Errorf("enrichsync: more than %d organizations (WithMaxOrganizations)", s.set.maxOrgs)
		}
		o := affinity.Organization{ID: c.ID, Name: c.Name, Domain: c.Domain, Domains: c.Domains, Global: c.Global}
		row := affinity.Row{Organization: &o, Values: map[string][]affinity.Value{}}
		for _, fd := range c.Fields {
			// Present even without values: a field the answer carried is known to
			// be empty, one it left out is unknown (see affinity.Row.Values).
			row.Values[fd.Name] = append(slices.Clip(row.Values[fd.Name]), fd.Values...)
			if row.Values[fd.Name] == nil {
				row.Values[fd.Name] = []affinity.Value{}
			}
		}
		k := keyed{org: Org{Name: c.Name, OrganizationID: c.ID}, row: row}
		k.org.Domain = domainOf(o)
		if k.org.Domain != "" {
			byDomain[k.org.Domain]++
		}
		rows = append(rows, k)
	}
	return rows, byDomain, nil
}
