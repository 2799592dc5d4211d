package enrichsync

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// WriteQuery selects writes of the audit log; each field set narrows it, and the zero
// WriteQuery selects every write.
type WriteQuery struct {
	// Domain is the organization's registrable domain, as the log keys it
	// (affinity.NormalizeDomain's form), and OrganizationID its Affinity id.
	Domain         string
	OrganizationID int64
	// Field is a field's name (exact), FieldID its id.
	Field   string
	FieldID int64
	// Run is a run's number (Summary.Run).
	Run int64
	// Since keeps the writes made at or after it (to the millisecond).
	Since time.Time
	// State keeps the writes that stand so.
	State WriteState
	// Limit is the most writes returned: the latest that match (0 or more than
	// MaxWrites means MaxWrites).
	Limit int
}

// QueryWrites returns the latest writes q selects, at most q.Limit of them, oldest
// first, and how many matched in all, so that a caller can say what the bound left
// out.
func (s *Store) QueryWrites(ctx context.Context, q WriteQuery) (writes []Write, matched int, err error) {
	limit := q.Limit
	if limit <= 0 || limit > MaxWrites {
		limit = MaxWrites
	}
	var conds []string
	var args []any
	add := func(cond string, arg any) { conds, args = append(conds, cond), append(args, arg) }
	if q.Domain != "" {
		add("domain = ?", q.Domain)
	}
	if q.OrganizationID != 0 {
		add("organization_id = ?", q.OrganizationID)
	}
	if q.Field != "" {
		add("field = ?", q.Field)
	}
	if q.FieldID != 0 {
		add("field_id = ?", q.FieldID)
	}
	if q.Run != 0 {
		add("run_id = ?", q.Run)
	}
	if !q.Since.IsZero() {
		// Stamps are RFC 3339 with as many decimals as they need, which do not sort as
		// text; SQLite reads them as times (to the millisecond).
		add("julianday(at) >= julianday(?)", stamp(q.Since))
	}
	if q.State != "" {
		add("state = ?", q.State)
	}
	where := "1 = 1"
	if len(conds) > 0 {
		where = strings.Join(conds, " AND ")
	}
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM writes WHERE "+where, args...).Scan(&matched); err != nil {
		return nil, 0, fmt.Errorf("store %s: %w", s.path, err)
	}
	// The latest limit of them, read in id order.
	writes, err = s.writes(ctx, where+" AND id >= COALESCE((SELECT id FROM writes WHERE "+where+
		" ORDER BY id DESC LIMIT 1 OFFSET ?), 0)", limit, append(append(args, args...), limit-1)...)
	if err != nil {
		return nil, 0, err
	}
	return writes, matched, nil
}
