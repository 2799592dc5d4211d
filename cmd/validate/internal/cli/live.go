package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/internal/redact"
	"github.com/orgapis/orgapis/specs"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/option"
)

// liveConfig is what `validate live` was asked to do.
const liveUsage = `usage: validate live --api affinity|apollo [flags]

Calls the read-only operations of one API through the project's clients, with the key
from AFFINITY_API_KEY (--api affinity) or APOLLO_API_KEY (--api apollo), and checks
every answer against the spec. Without the key nothing is sent. It never writes.
Affinity: pages of the organization listing, one organization, the organization
fields, the field values of that organization, all fields, the lists (the first with
its fields, a page of its entries, its first entry, and the changes of its first
field), the rate limit and whoami, a page of persons, the first person, the person
fields, a page of notes and the first note, and v2's reads of the same. Apollo: the
free reads (the account stages, pages of the team's accounts and the first account, a
page of people search, by --org-id or --domain when given, API usage and credit
usage), and only with --spend-credits N, through a client that refuses any call that
would spend more than N credits in all, the paid ones: the job postings of --org-id (a
credit a page), one page of organization search (one), the enrichment and complete
information of one company (one each), the people enrichment of the first people
found (one each found) and a page of the company's news (one). Without it the run
spends no credit.

Flags:
`

// liveMemoryLimit is the heap validate live keeps to when GOMEMLIMIT is not set.
const liveMemoryLimit = 160 << 20

type liveConfig struct {
	allowEmpty   bool
	api          specs.API
	baseURL      string
	maxPages     int
	budget       int
	orgID        string
	allowCredits bool
	spendCredits int
	domain       string
	record       string
	format       string
	reports      reportFiles
	strict       bool
	timeout      time.Duration
}

// runLive calls the read-only operations of one API through the wrappers, validates
// every response and reports like recorded mode. It never writes to the service.
func runLive(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("validate live", flag.ContinueOnError)
	var cfg liveConfig
	apiName := fl.String("api", "", "the API to call: affinity or apollo (required)")
	fl.StringVar(&cfg.baseURL, "base-url", "", "send requests here instead of the production API (a proxy, or validate mock)")
	fl.IntVar(&cfg.maxPages, "max-pages", 2, "pages to fetch of each listing, 1 to 100")
	fl.IntVar(&cfg.budget, "budget", 50, "most requests to send, retries included, 1 to 10000")
	fl.StringVar(&cfg.orgID, "org-id", "", "Apollo: organization id whose job postings to fetch")
	fl.IntVar(&cfg.spendCredits, "spend-credits", 0, "Apollo: also check the reads that cost credits, spending at most this many (0: none)")
	fl.BoolVar(&cfg.allowCredits, "allow-credits", false, "Apollo, deprecated: --spend-credits 10")
	fl.StringVar(&cfg.domain, "domain", "", "Apollo: the company whose people to search and, with --spend-credits, to enrich (default: the first search result's)")
	fl.StringVar(&cfg.record, "record", "", "write every exchange, secrets removed, to this HAR file (it remembers the API, so a replay checks it against that spec whatever the host)")
	fl.StringVar(&cfg.format, "format", "text", "report format: text, json, junit, sarif, markdown or github (GitHub Actions annotations)")
	fl.Var(&cfg.reports, "report", "also write a report to a file, as FORMAT=PATH, such as markdown=summary.md (repeatable)")
	fl.BoolVar(&cfg.strict, "strict", false, "also report response fields the spec does not describe")
	fl.BoolVar(&cfg.allowEmpty, "allow-empty", false, "exit 0, not 2, when no call was made")
	fl.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "time allowed for each call, retries included")
	api, code, done := parseAPIFlags(fl, args, liveUsage, apiName, stdout, stderr)
	if done {
		return code
	}
	cfg.api = api
	if cfg.allowCredits && cfg.spendCredits == 0 {
		cfg.spendCredits = 10
	}
	if getenv("GOMEMLIMIT") == "" {
		// A soft limit the garbage collector keeps the heap under, so that answers of
		// up to 32 MiB each, checked one at a time, cost what one costs, not what the
		// collector's default pace lets pile up (GOMEMLIMIT overrides it).
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(liveMemoryLimit))
	}
	switch {
	case checkFormat("--format", cfg.format) != nil:
		return usageFail(stderr, "validate live", checkFormat("--format", cfg.format))
	case cfg.reports.clash(map[string]string{"--record": cfg.record}) != nil:
		return usageFail(stderr, "validate live", cfg.reports.clash(map[string]string{"--record": cfg.record}))
	case cfg.maxPages < 1 || cfg.maxPages > 100:
		return usageFail(stderr, "validate live", fmt.Errorf("--max-pages %d: want 1 to 100", cfg.maxPages))
	case cfg.budget < 1 || cfg.budget > 10000:
		return usageFail(stderr, "validate live", fmt.Errorf("--budget %d: want 1 to 10000", cfg.budget))
	case cfg.spendCredits < 0 || cfg.spendCredits > 10000:
		return usageFail(stderr, "validate live", fmt.Errorf("--spend-credits %d: want 0 to 10000", cfg.spendCredits))
	case cfg.timeout <= 0:
		return usageFail(stderr, "validate live", fmt.Errorf("--timeout %s: want a positive duration", cfg.timeout))
	case cfg.baseURL != "" && !httpURL(cfg.baseURL):
		// Said here in the flag's name; the clients would refuse it as WithBaseURL.
		return usageFail(stderr, "validate live", fmt.Errorf("--base-url %q: want an absolute http or https URL", cfg.baseURL))
	}
	envName := affinity.EnvAPIKey
	if api == specs.Apollo {
		envName = apollo.EnvAPIKey
	}
	key := getenv(envName)
	if key == "" {
		fmt.Fprintf(stderr, "validate live: %s is not set; no request was sent\n", envName)
		return 2
	}
	var opts []contract.Option
	if cfg.strict {
		opts = append(opts, contract.Strict())
	}
	validator, err := contract.NewEmbedded(ctx, api, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "validate live: %v\n", err)
		return 2
	}

	// Every byte this run writes passes one scrub that knows the key in any form the
	// service may echo it: the report, the messages and the recording.
	scrubber := redact.NewScrubber(key)
	stdout, stderr = scrubber.Writer(stdout), scrubber.Writer(stderr)
	// The recorder counts the exchanges; it keeps none in memory (without --record they
	// go nowhere).
	s := &liveSession{cfg: cfg, envName: envName, recorder: &contract.Recorder{Secrets: []string{key}, API: string(api), Out: io.Discard}}
	source := "live"
	s.source = source
	var recording *os.File
	var recordOut *bufio.Writer
	if cfg.record != "" {
		source = cfg.record
		s.source = source
		// Opened before anything is sent, and written as the calls go, so the run holds
		// one answer at a time whatever it records.
		if recording, err = os.Create(cfg.record); err != nil {
			fmt.Fprintf(stderr, "validate live: --record: %v; no request was sent\n", err)
			return 2
		}
		defer recording.Close()
		recordOut = bufio.NewWriter(recording)
		s.recorder.Out = recordOut
	}
	s.validation = contract.NewMiddleware(validator, s.addFindings, contract.WithSource(source), contract.WithChecked(s.addChecked),
		contract.WithRecorder(s.recorder))
	// Every request goes through the clients' one HTTP core (its redirect guard keeps
	// the key with the base URL's origin, its limits and pacing hold): the budget and
	// the validation are middleware around the core's transport, not a client of
	// their own.
	budget := &budget{limit: int64(cfg.budget)}
	clientOpts := []option.ClientOption{option.WithMiddleware(budget.wrap), option.WithMiddleware(s.validation.Wrap)}
	if cfg.baseURL != "" {
		clientOpts = append(clientOpts, option.WithBaseURL(cfg.baseURL))
	}
	switch api {
	case specs.Affinity:
		err = s.affinity(ctx, key, clientOpts, stderr)
	default:
		err = s.apollo(ctx, key, clientOpts, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "validate live: %v\n", err)
		return 2
	}

	s.validation.Wait()
	if s.refused != "" {
		fmt.Fprintf(stderr, "validate live: %s\n", s.refused)
	}
	res := scrubResult(s.result(), scrubber)
	code = 0
	if recording != nil {
		if err := errors.Join(s.recorder.Close(), recordOut.Flush(), recording.Close()); err != nil {
			fmt.Fprintf(stderr, "validate live: --record: %v\n", err)
			code = 2
		}
	}
	var report bytes.Buffer // written whole, so the scrub sees every finding at once
	werr := WriteReport(&report, cfg.format, res)
	if werr == nil {
		_, werr = stdout.Write(report.Bytes())
	}
	if err := cfg.reports.write(res, scrubber.Writer); err != nil {
		fmt.Fprintf(stderr, "validate live: %v\n", err)
		werr = err
	}
	switch {
	case werr != nil || code == 2 || res.Summary.CallsFailed > 0:
		return 2
	case res.Summary.Checked == 0 && !cfg.allowEmpty:
		fmt.Fprintf(stderr, "validate live: nothing was checked: no call was made%s (pass --allow-empty if that is expected)\n", s.emptyHint())
		return 2
	case len(res.Findings) > 0:
		return 1
	}
	return 0
}

// emptyHint says what would have made a run call something.
func (s *liveSession) emptyHint() string {
	if s.cfg.api == specs.Apollo && s.cfg.spendCredits == 0 {
		return "; give --spend-credits N to check the reads that cost credits"
	}
	return ""
}

type liveSession struct {
	cfg        liveConfig
	recorder   *contract.Recorder
	validation *contract.Middleware
	pacer      httpcore.Pacer // every wait between calls

	envName string // the variable the key came from, for a refused key
	refused string // why calls stopped: the service refused the key

	mu       sync.Mutex
	source   string // what findings name the exchanges by
	findings []contract.Finding
	checked  []Checked          // every exchange validated, for reports that list passes
	calls    []contract.Finding // failed calls
}

func (s *liveSession) addChecked(c contract.Checked) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checked = append(s.checked, Checked{Source: s.source, Entry: c.Index, API: string(s.cfg.api), OperationID: c.OperationID, Findings: c.Findings})
}

func (s *liveSession) addFindings(fs []contract.Finding) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.findings = append(s.findings, fs...)
}

// call runs one operation with its own timeout, and notes its failure without
// stopping the run.
func (s *liveSession) call(ctx context.Context, operationID string, f func(context.Context) error) bool {
	if s.refused != "" {
		return false // the key was refused: every further call would be refused too
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.timeout)
	defer cancel()
	if err := f(ctx); err != nil {
		s.mu.Lock()
		s.calls = append(s.calls, contract.Finding{Source: "live", Entry: -1, API: string(s.cfg.api),
			OperationID: operationID, Kind: KindCallFailed, Found: err.Error()})
		s.mu.Unlock()
		if status := refusal(err); status != 0 {
			s.refused = fmt.Sprintf("%s answered %d to %s: check %s; no further call was made", s.cfg.api, status, operationID, s.envName)
		}
		return false
	}
	return true
}

// refusal is the status of an error that refuses the key (401 or 403), or 0.
func refusal(err error) int {
	for _, refused := range []error{affinity.ErrUnauthorized, apollo.ErrUnauthorized} {
		if errors.Is(err, refused) {
			return http.StatusUnauthorized
		}
	}
	for _, refused := range []error{affinity.ErrForbidden, apollo.ErrForbidden} {
		if errors.Is(err, refused) {
			return http.StatusForbidden
		}
	}
	return 0
}

func (s *liveSession) affinity(ctx context.Context, key string, opts []option.ClientOption, stderr io.Writer) error {
	c, err := affinity.NewClient(key, opts...)
	if err != nil {
		return err
	}
	var firstID int64
	token := ""
	for page := 0; page < s.cfg.maxPages; page++ {
		var next string
		var resp affinity.Response // this call's own rate limit, for pacing
		ok := s.call(ctx, "searchOrganizations", func(ctx context.Context) error {
			p, err := c.OrganizationPage(ctx, affinity.OrganizationQuery{}, token, affinity.WithResponseInto(&resp))
			if err == nil && firstID == 0 && len(p.Organizations) > 0 {
				firstID = p.Organizations[0].ID
			}
			next = p.NextPageToken
			return err
		})
		if !ok || next == "" {
			break
		}
		token = next
		if !s.pace(ctx, "searchOrganizations", resp.RateLimit.User) {
			break
		}
	}
	if firstID != 0 {
		s.call(ctx, "getOrganization", func(ctx context.Context) error {
			_, err := c.GetOrganization(ctx, firstID, affinity.GetOrganizationOptions{WithInteractionDates: true})
			return err
		})
	} else {
		fmt.Fprintln(stderr, "validate live: no organization listed, so getOrganization was not called")
	}
	if firstID != 0 {
		s.call(ctx, "listFieldValues", func(ctx context.Context) error {
			_, err := c.ListFieldValues(ctx, affinity.FieldValueQuery{OrganizationID: firstID})
			return err
		})
	}
	s.call(ctx, "listOrganizationFields", func(ctx context.Context) error {
		_, err := c.ListOrganizationFields(ctx)
		return err
	})
	s.call(ctx, "listFields", func(ctx context.Context) error {
		_, err := c.ListFields(ctx, affinity.FieldQuery{})
		return err
	})
	// The lists, the first with its fields, and a page of its entries.
	var listID int64
	s.call(ctx, "listLists", func(ctx context.Context) error {
		lists, err := c.ListLists(ctx)
		if len(lists) > 0 {
			listID = lists[0].ID
		}
		return err
	})
	if listID != 0 {
		s.call(ctx, "getList", func(ctx context.Context) error {
			_, err := c.GetList(ctx, listID)
			return err
		})
		var entryID int64
		s.call(ctx, "listListEntries", func(ctx context.Context) error {
			p, err := c.ListEntryPage(ctx, affinity.ListEntryQuery{ListID: listID, PageSize: 10}, "")
			if len(p.ListEntries) > 0 {
				entryID = p.ListEntries[0].ID
			}
			return err
		})
		if entryID != 0 {
			s.call(ctx, "getListEntry", func(ctx context.Context) error {
				_, err := c.GetListEntry(ctx, listID, entryID)
				return err
			})
		}
		// The history of the list's first field.
		var fieldID int64
		s.call(ctx, "listFields", func(ctx context.Context) error {
			fields, err := c.ListFields(ctx, affinity.FieldQuery{ListID: listID})
			if len(fields) > 0 {
				fieldID = fields[0].ID
			}
			return err
		})
		if fieldID != 0 {
			s.call(ctx, "listFieldValueChanges", func(ctx context.Context) error {
				_, err := c.ListFieldValueChanges(ctx, affinity.FieldValueChangeQuery{FieldID: fieldID})
				return err
			})
		}
	}
	s.call(ctx, "getRateLimit", func(ctx context.Context) error {
		_, err := c.GetQuotas(ctx)
		return err
	})
	s.call(ctx, "whoAmI", func(ctx context.Context) error {
		_, err := c.WhoAmI(ctx)
		return err
	})
	var subscriptionID int64
	s.call(ctx, "listWebhookSubscriptions", func(ctx context.Context) error {
		subs, err := c.WebhookSubscriptions(ctx)
		if len(subs) > 0 {
			subscriptionID = subs[0].ID
		}
		return err
	})
	if subscriptionID != 0 {
		s.call(ctx, "getWebhookSubscription", func(ctx context.Context) error {
			_, err := c.GetWebhookSubscription(ctx, subscriptionID)
			return err
		})
	} else {
		fmt.Fprintln(stderr, "validate live: no webhook subscription listed, so getWebhookSubscription was not called")
	}
	s.affinityPeople(ctx, c, firstID, stderr)
	return s.affinityV2(ctx, c, stderr)
}

// pace waits out a window that has no requests left, so the next call of operationID
// is not a 429. The wait goes through the clients' one wait mechanism, bounded like a
// call: a wait longer than --timeout (or than the clients' one-minute cap) is not slept
// but noted as a failed call, and the listing stops there.
func (s *liveSession) pace(ctx context.Context, operationID string, w apicall.Window) bool {
	return s.call(ctx, operationID, func(ctx context.Context) error {
		if err := s.pacer.Wait(ctx, paceWait(w), "the rate limit"); err != nil {
			return fmt.Errorf("pacing before the next page: %w", err)
		}
		return nil
	})
}

// paceWait is how long pace waits: nothing while the window has requests left or says
// nothing, its reset when it gives one, and a second when it does not.
func paceWait(w apicall.Window) time.Duration {
	if !w.Known || w.Unlimited || w.Remaining > 0 || w.Limit == 0 {
		return 0
	}
	if w.Reset <= 0 {
		return time.Second
	}
	return w.Reset
}

func (s *liveSession) result() Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	var res Result
	res.Summary.SkippedBy = map[string]int{}
	failed := map[int]bool{}
	for _, f := range s.findings {
		failed[f.Entry] = true
	}
	sort.SliceStable(s.findings, func(i, j int) bool { return s.findings[i].Entry < s.findings[j].Entry })
	res.Findings = append(append([]contract.Finding{}, s.findings...), s.calls...)
	res.Exchanges = append([]Checked{}, s.checked...)
	sort.Slice(res.Exchanges, func(i, j int) bool { return res.Exchanges[i].Entry < res.Exchanges[j].Entry })
	res.Summary.Checked = s.recorder.Len()
	res.Summary.Failed = len(failed)
	res.Summary.Passed = res.Summary.Checked - res.Summary.Failed
	res.Summary.CallsFailed = len(s.calls)
	return res
}

// budget refuses requests past its limit, so a run can never send more than it was
// allowed to, retries and redirects included. It is middleware around the core's
// transport, shared by every request of the run.
type budget struct {
	limit int64
	used  atomic.Int64
}

// wrap is the budget as a client's middleware (option.WithMiddleware).
func (b *budget) wrap(next http.RoundTripper) http.RoundTripper {
	return budgetTransport{b: b, next: next}
}

type budgetTransport struct {
	b    *budget
	next http.RoundTripper
}

// budgetError is the refusal of a request past the budget. A spent budget stays spent,
// so it is httpcore.ErrNoRetry: the wrapper must not back off and ask again.
type budgetError struct{ limit int64 }

func (e budgetError) Error() string {
	return fmt.Sprintf("request budget used up (--budget %d); not sent", e.limit)
}

func (budgetError) Unwrap() error { return httpcore.ErrNoRetry }

func (t budgetTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.b.used.Add(1) > t.b.limit {
		return nil, budgetError{t.b.limit}
	}
	return t.next.RoundTrip(req)
}

// httpURL reports whether raw is an absolute http or https URL with a host.
func httpURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// scrubResult takes the key, in every form the scrubber knows, out of each text of a
// result that a server or a recording could have written, before any report formats
// it: a format's own escaping (Markdown's backslashes, an annotation's percent
// signs) would make a form the scrub of the written report no longer knows.
func scrubResult(res Result, s *redact.Scrubber) Result {
	res.Findings = slices.Clone(res.Findings)
	for i := range res.Findings {
		f := &res.Findings[i]
		for _, p := range []*string{&f.Source, &f.OperationID, &f.Method, &f.Path, &f.Location, &f.Pointer, &f.Expected, &f.Found} {
			*p = s.String(*p)
		}
	}
	res.Exchanges = slices.Clone(res.Exchanges)
	for i := range res.Exchanges {
		res.Exchanges[i].Source = s.String(res.Exchanges[i].Source)
		res.Exchanges[i].OperationID = s.String(res.Exchanges[i].OperationID)
	}
	res.Stale = slices.Clone(res.Stale)
	for i := range res.Stale {
		res.Stale[i] = s.String(res.Stale[i])
	}
	res.Summary.APIVersions = slices.Clone(res.Summary.APIVersions)
	for i := range res.Summary.APIVersions {
		v := &res.Summary.APIVersions[i]
		v.Sent, v.Answered, v.First = s.String(v.Sent), s.String(v.Answered), s.String(v.First)
	}
	return res
}
