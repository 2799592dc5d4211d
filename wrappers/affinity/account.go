package affinity

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Quota is one limit of the account's use of the API and how much of it is used.
type Quota struct {
	// Unlimited is true on plans without this limit; Limit and Remaining are then 0.
	Unlimited bool
	Limit     int64
	Remaining int64
	Used      int64
	// Reset is the time until the count starts over.
	Reset time.Duration
}

// Quotas are the account's monthly quota and the key's per-minute limit.
type Quotas struct {
	AccountMonthly Quota // org_monthly
	KeyPerMinute   Quota // api_key_per_minute
}

type wireQuota struct {
	Limit, Remaining json.RawMessage
	Reset, Used      int64
}

type wireQuotas struct {
	Rate *struct {
		OrgMonthly      *wireQuota `json:"org_monthly"`
		APIKeyPerMinute *wireQuota `json:"api_key_per_minute"`
	} `json:"rate"`
}

// GetQuotas returns the account's monthly quota and the key's per-minute limit, with
// their use. It does not count against the monthly quota.
func (c *Client) GetQuotas(ctx context.Context, callOpts ...option.CallOption) (Quotas, error) {
	w, err := httpcore.Run(ctx, c.doer, "getRateLimit", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.GetRateLimit(ctx)
	}, checkQuotas)
	if err != nil {
		return Quotas{}, err
	}
	return Quotas{AccountMonthly: quota(w.Rate.OrgMonthly), KeyPerMinute: quota(w.Rate.APIKeyPerMinute)}, nil
}

// quota reads one window; the counts are checked by checkQuotas.
func quota(q *wireQuota) Quota {
	out := Quota{Used: q.Used, Reset: time.Duration(min(q.Reset, maxResetSeconds)) * time.Second}
	for _, c := range []struct {
		raw json.RawMessage
		dst *int64
	}{{q.Limit, &out.Limit}, {q.Remaining, &out.Remaining}} {
		n, unlimited, _ := parseQuotaCount(c.raw)
		out.Unlimited = out.Unlimited || unlimited
		*c.dst = n
	}
	return out
}

// parseQuotaCount reads a count as Affinity sends it: a number, a number in a string,
// or "unlimited". ok is false for anything else ("lots", an object, null).
func parseQuotaCount(raw json.RawMessage) (n int64, unlimited, ok bool) {
	text := string(raw)
	if s, err := strconv.Unquote(text); err == nil {
		text = s // "unlimited", or a count sent as a string
	}
	return httpcore.ParseCount(text)
}

// checkQuotas refuses counts that are neither a number nor "unlimited".
func checkQuotas(w *wireQuotas) error {
	if w.Rate == nil || w.Rate.OrgMonthly == nil || w.Rate.APIKeyPerMinute == nil {
		return &apicall.MissingMemberError{Member: "rate", Reason: "org_monthly or api_key_per_minute missing"}
	}
	for _, window := range []struct {
		name string
		q    *wireQuota
	}{{"org_monthly", w.Rate.OrgMonthly}, {"api_key_per_minute", w.Rate.APIKeyPerMinute}} {
		for _, count := range []struct {
			name string
			raw  json.RawMessage
		}{{"limit", window.q.Limit}, {"remaining", window.q.Remaining}} {
			if _, _, ok := parseQuotaCount(count.raw); !ok {
				return &apicall.MissingMemberError{Member: "rate." + window.name + "." + count.name,
					Reason: fmt.Sprintf("%s is neither a count nor \"unlimited\"", brief(count.raw))}
			}
		}
	}
	return nil
}

// brief quotes the start of a raw value for an error.
func brief(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "missing"
	}
	if len(raw) > 40 {
		return string(raw[:40]) + "..."
	}
	return string(raw)
}

// Identity is who a key belongs to.
type Identity struct {
	TenantID        int64
	TenantName      string
	TenantSubdomain string // for links into the account's Affinity
	UserID          int64
	FirstName       string
	LastName        string
	Email           string
	GrantType       string // such as "api_key"
	GrantScope      string // such as "external_api"
	GrantCreatedAt  time.Time
}

// WhoAmI returns who the key belongs to: the Affinity instance, the user and the grant.
// It does not count against the monthly quota.
func (c *Client) WhoAmI(ctx context.Context, callOpts ...option.CallOption) (Identity, error) {
	w, err := httpcore.Run(ctx, c.doer, "whoAmI", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.WhoAmI(ctx)
	}, func(w *affinityapi.WhoAmI) error {
		if w.User.ID == nil {
			return &apicall.MissingMemberError{Member: "user.id", Reason: "missing or null"}
		}
		return positiveID("user.id", *w.User.ID)
	})
	if err != nil {
		return Identity{}, err
	}
	id := Identity{UserID: *w.User.ID, FirstName: deref(w.User.FirstName), LastName: deref(w.User.LastName), Email: deref(w.User.Email),
		TenantName: deref(w.Tenant.Name), TenantSubdomain: deref(w.Tenant.Subdomain), GrantType: deref(w.Grant.Type), GrantScope: deref(w.Grant.Scope)}
	if w.Tenant.ID != nil {
		id.TenantID = *w.Tenant.ID
	}
	if w.Grant.CreatedAt != nil {
		id.GrantCreatedAt = *w.Grant.CreatedAt
	}
	return id, nil
}
