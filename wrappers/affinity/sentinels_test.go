package affinity_test

import (
	"errors"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/apollo"
)

// Each package's sentinels match only its own errors: a 404 of Affinity is
// affinity.ErrNotFound, never apollo.ErrNotFound, and the other way round.
func TestSentinelsAreThePackagesOwn(t *testing.T) {
	for _, c := range []struct {
		status         int
		malformed      bool
		affinity, apol error
	}{
		{401, false, affinity.ErrUnauthorized, apollo.ErrUnauthorized},
		{403, false, affinity.ErrForbidden, apollo.ErrForbidden},
		{404, false, affinity.ErrNotFound, apollo.ErrNotFound},
		{429, false, affinity.ErrRateLimited, apollo.ErrRateLimited},
		{200, true, affinity.ErrMalformedBody, apollo.ErrMalformedBody},
	} {
		t.Run(c.affinity.Error(), func(t *testing.T) {
			var cause error
			if c.malformed {
				cause = errors.New("bad")
			}
			af := error(&affinity.Error{Service: "affinity", StatusCode: c.status, Malformed: c.malformed, Err: cause})
			ap := error(&apollo.Error{Service: "apollo", StatusCode: c.status, Malformed: c.malformed, Err: cause})
			if !errors.Is(af, c.affinity) || errors.Is(af, c.apol) || !errors.Is(ap, c.apol) || errors.Is(ap, c.affinity) {
				t.Errorf("%d: affinity %v/%v, apollo %v/%v", c.status, errors.Is(af, c.affinity), errors.Is(af, c.apol), errors.Is(ap, c.apol), errors.Is(ap, c.affinity))
			}
		})
	}
	// A body over the limit is each package's ErrBodyTooLarge, and not malformed.
	tooLarge := &apicall.BodyTooLargeError{Limit: 1024}
	af := error(&affinity.Error{Service: "affinity", StatusCode: 200, Err: tooLarge})
	ap := error(&apollo.Error{Service: "apollo", StatusCode: 200, Err: tooLarge})
	if !errors.Is(af, affinity.ErrBodyTooLarge) || errors.Is(af, apollo.ErrBodyTooLarge) || errors.Is(af, affinity.ErrMalformedBody) ||
		!errors.Is(ap, apollo.ErrBodyTooLarge) || errors.Is(ap, affinity.ErrBodyTooLarge) {
		t.Error("ErrBodyTooLarge matches across packages, or a body over the limit is malformed")
	}
}

// A required member missing from an answer is a MissingMemberError a caller can reach.
func TestMissingMemberIsReachable(t *testing.T) {
	s := &routes{answers: map[string]string{"/lists": `[{"id":0,"type":1,"name":"x","public":true,"owner_id":1}]`}}
	_, err := s.client(t).ListLists(t.Context())
	var apiErr *affinity.Error
	var missing *apicall.MissingMemberError
	if !errors.As(err, &apiErr) || !errors.As(err, &missing) || missing.Member != "[0].id" {
		t.Errorf("err = %v; MissingMemberError %+v", err, missing)
	}
}
