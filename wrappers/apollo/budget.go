package apollo

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// creditBudget is the name of WithCreditBudget among a client's and a call's own
// options.
const creditBudget = "WithCreditBudget"

// ErrOverBudget matches every *BudgetError: a call refused before it started because
// it could have spent credits past a budget of WithCreditBudget.
var ErrOverBudget = errors.New("apollo: credit budget")

// WithCreditBudget caps the credits calls may spend, as counted by this client from
// what each call cost (see Response.Credits): given to NewClient, for all the
// client's calls together; given to a call, for that call (every page of an
// iteration, every batch of a bulk call) on top of the client's, which it does not
// change.
//
// A call that could spend credits is refused before it sends anything, with a
// *BudgetError, when its worst case (a page, a company, a person; the whole of a bulk
// call up front) added to what was spent, and to what calls running at the same time
// hold, would pass the budget. A call that exactly reaches the budget runs. Free
// calls (people search, usage) are never refused. n must not be negative; 0 allows
// free calls only.
//
// The count is the client's own: credits Apollo charged other clients or the app are
// not in it (GetCreditUsage reads the team's balance). A call that failed is counted
// at its worst case unless Apollo refused it (a 4xx) or it was never sent, as Apollo
// may have charged it. A request the client repeated after a 5xx or a broken
// connection is counted once, though Apollo may have charged the attempt that failed:
// pass option.WithRetries(0) to a credit-spending call when the cap must hold even
// then.
func WithCreditBudget(n int) option.Option {
	check := func() error {
		if n < 0 {
			return paramError(creditBudget, fmt.Sprintf("must not be negative, got %d", n))
		}
		return nil
	}
	return httpcore.Shared{
		Client: func(s *httpcore.Settings) error {
			if err := check(); err != nil {
				return err
			}
			return s.AddOwnValue("apollo", creditBudget, n)
		},
		Call: func(c *httpcore.Call) error {
			if err := check(); err != nil {
				return err
			}
			c.Own = append(c.Own, httpcore.Own{Package: "apollo", Name: creditBudget, Value: n})
			return nil
		},
	}
}

// BudgetError is a call refused because it could have passed a credit budget. It
// matches ErrOverBudget.
type BudgetError struct {
	// Op is the operation refused, such as "bulkMatchPeople".
	Op string
	// Budget is the budget that would have been passed, Spent what was counted against
	// it (credits held by calls still running included), and Cost the most the call
	// could have cost.
	Budget, Spent, Cost int
	// Call is true when the budget passed is the call's own (WithCreditBudget given to
	// the call), false when it is the client's.
	Call bool
}

func (e *BudgetError) Error() string {
	whose := "the client's"
	if e.Call {
		whose = "the call's"
	}
	return fmt.Sprintf("apollo: %s refused before sending: it may cost %s, and %d of %s budget of %s are spent", e.Op, credits(e.Cost), e.Spent, whose, credits(e.Budget))
}

// credits is n with its unit.
func credits(n int) string {
	if n == 1 {
		return "1 credit"
	}
	return fmt.Sprintf("%d credits", n)
}

// Unwrap makes errors.Is(err, ErrOverBudget) true.
func (e *BudgetError) Unwrap() error { return ErrOverBudget }

// ledger counts the credits a client's calls spent, against its budget.
type ledger struct {
	mu     sync.Mutex
	budget int // < 0: none
	spent  int
	held   int // worst cases of calls under way
}

// hold reserves cost, or refuses it when it would pass the budget.
func (l *ledger) hold(op string, cost int, call bool) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.budget >= 0 && l.spent+l.held+cost > l.budget {
		return &BudgetError{Op: op, Budget: l.budget, Spent: l.spent + l.held, Cost: cost, Call: call}
	}
	l.held += cost
	return nil
}

// settle replaces a reservation of held with what the call cost.
func (l *ledger) settle(held, cost int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.held -= held
	l.spent += cost
}

func (l *ledger) total() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.spent
}

// CreditsSpent is the credits this client's calls cost so far, by its own count (see
// WithCreditBudget): what answers reported where Apollo reports it, else the price
// Apollo documents. It counts whether or not a budget was set.
func (c *Client) CreditsSpent() int { return c.credits.total() }

// CreditBudget is the budget WithCreditBudget gave the client, and false when it has
// none.
func (c *Client) CreditBudget() (int, bool) { return c.credits.budget, c.credits.budget >= 0 }

// spender is one method call's spending: the client's ledger, and the call's own
// budget when it has one, shared by the requests of an iteration or a bulk call.
type spender struct {
	c    *Client
	call *httpcore.Call // the call's options, for its budget and its metadata
	own  *ledger        // nil without a call budget
}

// spending starts counting one method call's credits. A budget option that refuses
// its value is reported by the call itself, before anything is sent.
func (c *Client) spending(callOpts []option.CallOption) *spender {
	call := httpcore.Inspect(callOpts)
	s := &spender{c: c, call: call}
	if v, ok := call.OwnValue(creditBudget); ok {
		if n, ok := v.(int); ok && n >= 0 {
			s.own = &ledger{budget: n}
		}
	}
	return s
}

// hold reserves cost against the call's budget and the client's.
func (s *spender) hold(op string, cost int) error {
	if cost == 0 {
		return nil
	}
	if s.own != nil {
		if err := s.own.hold(op, cost, true); err != nil {
			return err
		}
	}
	if err := s.c.credits.hold(op, cost, false); err != nil {
		if s.own != nil {
			s.own.settle(cost, 0)
		}
		return err
	}
	return nil
}

// settle counts what a held request cost, and records it in the call's metadata.
func (s *spender) settle(held, cost int) {
	if s.own != nil {
		s.own.settle(held, cost)
	}
	s.c.credits.settle(held, cost)
	httpcore.Charge(s.c.doer, s.call, cost)
}

// paid runs one request that costs at most worst credits: it holds worst, refusing the
// request when that would pass a budget, sends it with the call's options, and counts
// what cost says it cost (the worst case when it failed in a way Apollo may have
// charged).
func paid[T any](ctx context.Context, s *spender, op string, worst int, callOpts []option.CallOption,
	send func(context.Context, []option.CallOption) (T, error), cost func(T) int) (T, error) {
	if err := s.hold(op, worst); err != nil {
		var zero T
		return zero, err
	}
	return paidHeld(ctx, s, worst, callOpts, send, cost)
}

// paidHeld is paid for a request whose worst case is held already.
func paidHeld[T any](ctx context.Context, s *spender, worst int, callOpts []option.CallOption,
	send func(context.Context, []option.CallOption) (T, error), cost func(T) int) (T, error) {
	var own Response
	opts := append(append([]option.CallOption(nil), callOpts...), WithResponseInto(&own))
	r, err := send(ctx, opts)
	spent := 0
	switch {
	case err == nil:
		spent = cost(r)
	case charged(err, own):
		spent = worst
	}
	s.settle(worst, spent)
	return r, err
}

// charged says whether a failed request may have been charged: not when it was never
// sent (a refused parameter or option, a context done before), nor when Apollo
// answered its only attempt with a 4xx, nor when it answered that it found nothing.
func charged(err error, own Response) bool {
	var pe *apicall.ParamError
	switch {
	case errors.As(err, &pe):
		return false
	case own.Attempts == 0:
		// No answer: either nothing was sent, or the connection broke and Apollo may
		// have carried the request out.
		var unknown *apicall.UnknownOutcomeError
		return errors.As(err, &unknown) || !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	case own.Attempts == 1 && own.StatusCode >= 400 && own.StatusCode < 500:
		return false
	case errors.Is(err, ErrNotFound) && own.StatusCode/100 == 2:
		return false // Apollo charges for what it finds
	}
	return true
}
