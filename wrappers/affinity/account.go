package affinity

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/httpcore"
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

// GetQuotas returns the account's monthly quota and the key's per-minute limit, with
// their use. It does not count against the monthly quota.
func (c *Client) GetQuotas(ctx context.Context) (Quotas, error) {
	type wireQuota struct {
		Limit, Remaining json.RawMessage
		Reset, Used      int64
	}
	type wire struct {
		Rate *struct {
			OrgMonthly      *wireQuota `json:"org_monthly"`
			APIKeyPerMinute *wireQuota `json:"api_key_per_minute"`
		} `json:"rate"`
	}
	resp, err := c.api.GetRateLimit(ctx)
	w, err := httpcore.Decode(c.doer, "getRateLimit", resp, err, func(w *wire) error {
		if w.Rate == nil || w.Rate.OrgMonthly == nil || w.Rate.APIKeyPerMinute == nil {
			return &httpcore.MissingMember{Member: "rate.org_monthly, rate.api_key_per_minute", Reason: "missing"}
		}
		return nil
	})
	if err != nil {
		return Quotas{}, err
	}
	quota := func(q *wireQuota) Quota {
		out := Quota{Used: q.Used, Reset: time.Duration(min(q.Reset, maxResetSeconds)) * time.Second}
		for _, c := range []struct {
			raw json.RawMessage
			dst *int64
		}{{q.Limit, &out.Limit}, {q.Remaining, &out.Remaining}} {
			text := string(c.raw)
			if s, err := strconv.Unquote(text); err == nil {
				text = s // "unlimited", or a count sent as a string
			}
			n, unlimited, _ := httpcore.ParseCount(text)
			out.Unlimited = out.Unlimited || unlimited
			*c.dst = n
		}
		return out
	}
	return Quotas{AccountMonthly: quota(w.Rate.OrgMonthly), KeyPerMinute: quota(w.Rate.APIKeyPerMinute)}, nil
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
func (c *Client) WhoAmI(ctx context.Context) (Identity, error) {
	resp, err := c.api.WhoAmI(ctx)
	w, err := httpcore.Decode(c.doer, "whoAmI", resp, err, func(w *affinityapi.WhoAmI) error {
		if w.User.ID == nil {
			return &httpcore.MissingMember{Member: "user.id", Reason: "missing"}
		}
		return nil
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
