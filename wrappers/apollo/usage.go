package apollo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// UsageWindow is the use of a limit over one window: allowed, used and left.
type UsageWindow struct {
	Limit    int `json:"limit"`
	Consumed int `json:"consumed"`
	Left     int `json:"left_over"`
}

// EndpointUsage is the team's use of one endpoint against its rate limits.
type EndpointUsage struct {
	// Endpoint and Action name it as Apollo does, such as "api/v1/mixed_people" and
	// "api_search". A name Apollo gave in another form is Endpoint whole, with no
	// Action.
	Endpoint, Action  string
	Minute, Hour, Day UsageWindow
}

// APIUsage is the team's use of each endpoint, sorted by endpoint and action.
type APIUsage struct {
	Endpoints []EndpointUsage
}

// Endpoint is the usage of one endpoint and action, and false when Apollo listed none.
func (u APIUsage) Endpoint(endpoint, action string) (EndpointUsage, bool) {
	for _, e := range u.Endpoints {
		if e.Endpoint == endpoint && e.Action == action {
			return e, true
		}
	}
	return EndpointUsage{}, false
}

// GetAPIUsage reads the team's use of each endpoint against its per-minute, hourly and
// daily limits. It is free, and needs a master key or one whose scope includes it (else
// an error that matches ErrForbidden).
func (c *Client) GetAPIUsage(ctx context.Context, callOpts ...option.CallOption) (APIUsage, error) {
	r, err := httpcore.Run(ctx, c.doer, "getAPIUsageStats", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.GetAPIUsageStats(ctx, nil)
	}, func(r *map[string]*struct {
		Minute, Hour, Day *UsageWindow
	}) error {
		if *r == nil {
			return &apicall.MissingMemberError{Member: "(the answer)", Reason: "null, not an object"}
		}
		return nil
	})
	if err != nil {
		return APIUsage{}, err
	}
	out := APIUsage{Endpoints: make([]EndpointUsage, 0, len(r))}
	for name, w := range r {
		e := EndpointUsage{Endpoint: name}
		var pair []string
		if json.Unmarshal([]byte(name), &pair) == nil && len(pair) == 2 {
			e.Endpoint, e.Action = pair[0], pair[1]
		}
		if w != nil {
			e.Minute, e.Hour, e.Day = deref(w.Minute), deref(w.Hour), deref(w.Day)
		}
		out.Endpoints = append(out.Endpoints, e)
	}
	sort.Slice(out.Endpoints, func(i, j int) bool {
		a, b := out.Endpoints[i], out.Endpoints[j]
		return a.Endpoint < b.Endpoint || a.Endpoint == b.Endpoint && a.Action < b.Action
	})
	return out, nil
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// CreditBalance is one credit type's balance in the billing cycle.
type CreditBalance = UsageWindow

// Credit types Apollo reports; a team's answer may hold others.
const (
	// LeadCredits pay for emails and people's details (people enrichment).
	LeadCredits = "lead_credit"
	// DirectDialCredits pay for phone numbers.
	DirectDialCredits = "direct_dial_credit"
	// ExportCredits pay for exports.
	ExportCredits = "export_credit"
)

// CreditUsage is the team's credit balance, by credit type (LeadCredits and so on),
// for the billing cycle from CycleStart to CycleEnd (zero when Apollo did not say).
// Balances holds the types whose balance can be told: a balance Apollo sent without
// left_over has Left counted from its limit and what was consumed when it has both,
// neither negative; any other is left out, so that what is left is never read as 0 (which a
// budget would take for "spend nothing") or as anything else Apollo did not say.
type CreditUsage struct {
	Balances             map[string]CreditBalance
	CycleStart, CycleEnd time.Time
}

// GetCreditUsage reads the team's credit balances: the whole team's, not only this
// client's (CreditsSpent counts those). Apollo updates them within seconds of a call
// that spends credits. It is free, and needs a master key or one whose scope includes
// it (else an error that matches ErrForbidden).
func (c *Client) GetCreditUsage(ctx context.Context, callOpts ...option.CallOption) (CreditUsage, error) {
	type balance struct {
		Limit    *int `json:"limit"`
		Consumed *int `json:"consumed"`
		Left     *int `json:"left_over"`
	}
	type answer struct {
		Stats map[string]*balance `json:"credit_usage_stats"`
		Cycle *struct {
			Start *time.Time `json:"start_date"`
			End   *time.Time `json:"end_date"`
		} `json:"current_credit_cycle"`
	}
	r, err := httpcore.Run(ctx, c.doer, "getCreditUsageStats", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.GetCreditUsageStats(ctx, nil)
	}, func(r *answer) error {
		if r.Stats == nil {
			return &apicall.MissingMemberError{Member: "credit_usage_stats", Reason: "missing or null"}
		}
		for k, v := range r.Stats {
			if v == nil {
				return &apicall.MissingMemberError{Member: fmt.Sprintf("credit_usage_stats.%s", k), Reason: "null, not a balance"}
			}
		}
		return nil
	})
	if err != nil {
		return CreditUsage{}, err
	}
	out := CreditUsage{Balances: make(map[string]CreditBalance, len(r.Stats))}
	for k, v := range r.Stats {
		b := CreditBalance{Limit: deref(v.Limit), Consumed: deref(v.Consumed)}
		switch {
		case v.Left != nil:
			b.Left = *v.Left
		case v.Limit != nil && v.Consumed != nil && *v.Limit >= 0 && *v.Consumed >= 0:
			// Both said, and sound: a missing consumed is not "none consumed" (that
			// would read the whole limit as left, for a budget to spend), and a
			// negative one would count more than the limit left.
			b.Left = max(b.Limit-b.Consumed, 0)
		default:
			continue // what is left cannot be told
		}
		out.Balances[k] = b
	}
	if r.Cycle != nil {
		out.CycleStart, out.CycleEnd = deref(r.Cycle.Start), deref(r.Cycle.End)
	}
	return out, nil
}
