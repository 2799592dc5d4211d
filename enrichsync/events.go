package enrichsync

// EventKind says what an Event reports.
type EventKind string

const (
	// Started is a run's first event, once the target is read and keyed: its Summary
	// holds the organizations the run goes through (Organizations, each of which gets
	// one event after it) and those set aside (SetAside, whose events follow at once),
	// so that a progress display knows its total before the work starts.
	Started EventKind = "started"
	// SetAside is a list entry the run leaves alone: no domain, a domain several entries
	// share, or an entity that is not an organization. Reason says which.
	SetAside EventKind = "set-aside"
	// Planned is, in a plan, what Apply would do for an organization: enrich it or not
	// (Enrich), and which fields it would write (Fields with Write set).
	Planned EventKind = "planned"
	// Wrote is an organization whose changed fields Apply wrote (Enrich tells whether it
	// was enriched first).
	Wrote EventKind = "wrote"
	// Unchanged is an organization Apply had nothing to write to.
	Unchanged EventKind = "unchanged"
	// Refused is an organization whose write Affinity refused (Reason quotes it); the
	// run goes on with the others.
	Refused EventKind = "refused"
	// Deferred is an organization a run did not reach: it stopped at the credit budget or
	// the deadline first. The next run takes it up.
	Deferred EventKind = "deferred"
	// Done is a run's last event, with its Summary.
	Done EventKind = "done"
)

// Event is one step of a run, as Plan and Apply yield them.
type Event struct {
	Kind EventKind `json:"kind"`
	Org  Org       `json:"organization,omitzero"`
	// Enrich is whether the organization is (or, in a plan, would be) enriched in this
	// run: one credit if Apollo knows it.
	Enrich bool `json:"enrich,omitempty"`
	// Fields are the mapped fields of the organization, each with what the run does to
	// it and why.
	Fields []FieldChange `json:"fields,omitempty"`
	// Reason says why an organization is set aside, refused or deferred.
	Reason string `json:"reason,omitempty"`
	// Summary is the run's, on Done; on Started, the counts known before the work.
	Summary *Summary `json:"summary,omitempty"`
}

// Org is an organization of the list, as a run knows it.
type Org struct {
	// Domain is the registrable domain the organization is keyed by ("" for a row set
	// aside for having none).
	Domain         string `json:"domain,omitempty"`
	Name           string `json:"name,omitempty"`
	OrganizationID int64  `json:"organization_id,omitempty"`
	ListEntryID    int64  `json:"list_entry_id,omitempty"`
}

// FieldChange is what a run does to one field of an organization.
type FieldChange struct {
	Field   string `json:"field"`
	FieldID int64  `json:"field_id"`
	Rule    Rule   `json:"rule"`
	// Old is the field's value before, New the value from Apollo, as text ("" for
	// empty, and New in a plan before the company is enriched).
	Old string `json:"old"`
	New string `json:"new"`
	// Write is whether the value is (or, in a plan, would be) written.
	Write bool `json:"write"`
	// Reason says why a value is not written: unchanged, the rule, or Apollo's lack of
	// a value.
	Reason string `json:"reason,omitempty"`
}

// StopReason says why Apply stopped before the end of the list.
type StopReason string

const (
	// StopBudget: the next batch could have passed the credit budget.
	StopBudget StopReason = "budget"
	// StopDeadline: the deadline passed.
	StopDeadline StopReason = "deadline"
)

// Summary is what a run did (Apply) or would do (Plan).
type Summary struct {
	// Run is the run's number in the store (0 for a plan, which records nothing).
	Run   int64 `json:"run,omitempty"`
	Apply bool  `json:"apply"`
	// Organizations are the list's entries keyed by a domain; SetAside the others.
	Organizations int `json:"organizations"`
	SetAside      int `json:"set_aside"`
	// Enriched are the organizations enriched; Cached those whose stored enrichment
	// was fresh; Deferred those left for the next run (budget, deadline).
	Enriched int `json:"enriched"`
	Cached   int `json:"cached"`
	Deferred int `json:"deferred"`
	// Changed are the organizations written to, Unchanged those left as they were,
	// Refused those whose write Affinity refused.
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
	Refused   int `json:"refused"`
	// ValuesWritten are the fields written; ValuesLeft the mapped fields not written.
	ValuesWritten int `json:"values_written"`
	ValuesLeft    int `json:"values_left"`
	// Credits are the Apollo credits spent: in a plan, the most Apply would spend
	// (one per company enriched, if Apollo knows them all).
	Credits int `json:"credits"`
	// CreditBudget is the run's budget.
	CreditBudget int `json:"credit_budget"`
	// CreditsLeft is Apollo's balance of lead credits before the run: nil (null in
	// JSON) when Apollo did not say (a key that may not read it, no lead-credit balance
	// in its answer); below zero when the team is overdrawn, and then the run spends
	// nothing; 0 when none are left.
	CreditsLeft *int `json:"credits_left"`
	// ApolloRequests, AffinityReads and AffinityWrites are the requests the run's calls
	// made (in a plan, those Apply would make, if every enriched company changes a
	// field), the retries of a 429 included; a client's own one-time lookup of the
	// fields' value types, which v1's field values need, is not among them.
	ApolloRequests int `json:"apollo_requests"`
	AffinityReads  int `json:"affinity_reads"`
	AffinityWrites int `json:"affinity_writes"`
	// ApolloMinutes and AffinityMinutes are the requests as minutes of each service's
	// per-minute rate limit, as the latest answers reported it.
	ApolloMinutes   float64 `json:"apollo_minutes"`
	AffinityMinutes float64 `json:"affinity_minutes"`
	// Stopped says why Apply stopped early ("" when it did not).
	Stopped StopReason `json:"stopped,omitempty"`
}
