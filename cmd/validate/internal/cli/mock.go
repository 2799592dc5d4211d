package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/fakeserver"
	"github.com/orgapis/orgapis/internal/redact"
	"github.com/orgapis/orgapis/internal/terminal"
	"github.com/orgapis/orgapis/specs"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
)

const mockUsage = `usage: validate mock --api affinity|apollo [flags]

Serves the project's fake of the API over HTTP until interrupted, and prints its base
URL and the key it accepts, so that validate live --base-url, curl or a client in any
language can be tried without the real service. The fakes answer as the specs say.

Flags:
`

// mockOrgID is the Apollo organization whose job postings the mock serves.
const mockOrgID = "54fca1087369647fc0000000"

func runMock(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("validate mock", flag.ContinueOnError)
	apiName := fl.String("api", "", "the API to fake: affinity or apollo (required)")
	addr := fl.String("addr", "127.0.0.1:0", "address to listen on (port 0 picks a free one)")
	key := fl.String("key", "mock-key", "the API key the fake accepts")
	orgs := fl.Int("orgs", 50, "organizations the fake holds, 0 to 100000")
	accounts := fl.Int("accounts", 10, "Apollo: the team's accounts the fake holds, 0 to 100000")
	var seed affinitySeed
	fl.IntVar(&seed.orgLists, "lists", 1, "Affinity: organization lists, 0 to 100 (Deal Flow, Deal Flow 2, ...)")
	fl.IntVar(&seed.personLists, "person-lists", 1, "Affinity: person lists, 0 to 100 (Contacts, Contacts 2, ...)")
	fl.IntVar(&seed.entries, "entries", 10, "Affinity: entries in each list, each with a value per field, 0 to 10000")
	fl.IntVar(&seed.persons, "persons", 10, "Affinity: persons, each on an organization with a note, 0 to 10000")
	fl.IntVar(&seed.fields, "fields", 7, "Affinity: fields of each list, 0 to 7 (Status, Owner, Amount, Close Date, Notes, Headquarters, Sector)")
	people := fl.Int("people", 10, "Apollo: people at the organizations, every third a VP of Engineering, 0 to 10000")
	faults := fl.String("faults", "", "answer the first requests with these faults, in order, comma-separated: 429, 500, 502, 503, 504, cut (body cut short), slow (2 s late), malformed, offspec (a JSON answer whose organizations/0/name is a number: off the spec, for validate proxy to find)")
	api, code, done := parseAPIFlags(fl, args, mockUsage, apiName, stdout, stderr)
	if done {
		return code
	}
	if *orgs < 0 || *orgs > 100000 {
		return usageFail(stderr, "validate mock", fmt.Errorf("--orgs %d: want 0 to 100000", *orgs))
	}
	if *accounts < 0 || *accounts > 100000 {
		return usageFail(stderr, "validate mock", fmt.Errorf("--accounts %d: want 0 to 100000", *accounts))
	}
	if err := seed.check(); err != nil {
		return usageFail(stderr, "validate mock", err)
	}
	if *people < 0 || *people > 10000 {
		return usageFail(stderr, "validate mock", fmt.Errorf("--people %d: want 0 to 10000", *people))
	}
	if strings.TrimSpace(*key) == "" {
		return usageFail(stderr, "validate mock", fmt.Errorf("--key is empty"))
	}
	queue, err := parseFaults(*faults)
	if err != nil {
		return usageFail(stderr, "validate mock", err)
	}
	// The fake's Handler, on a server of the command's own at --addr.
	var handler http.Handler
	var prefix, env, hint string
	logFinding := findingLogger(stderr, *key)
	switch api {
	case specs.Affinity:
		fake := affinitytest.NewUnstartedServer(*key, affinitytest.WithFindingHandler(logFinding))
		fake.Generate(*orgs)
		seed.into(fake)
		fake.Fail(queue...)
		handler, env = fake.Handler(), "AFFINITY_API_KEY"
	default:
		fake := apollotest.NewUnstartedServer(*key, apollotest.WithFindingHandler(logFinding))
		fake.SetResults(0, *orgs)
		fake.SetJobPostings(mockOrgID, 25)
		fake.AddAccounts(*accounts)
		seedApolloPeople(fake, *people, *orgs)
		fake.SetNews(mockOrgID, 5)
		fake.Fail(queue...)
		handler, prefix, env, hint = fake.Handler(), "/api/v1", "APOLLO_API_KEY", " --org-id "+mockOrgID+" --spend-credits 10"
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		// The error quotes --addr as given: its control characters are escaped.
		fmt.Fprintf(stderr, "validate mock: --addr: %s\n", terminal.Safe(err.Error()))
		return 2
	}
	srv := &http.Server{Handler: handler}
	fakeserver.Bound(srv)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer srv.Close()
	baseURL := "http://" + ln.Addr().String() + prefix
	fmt.Fprintf(stdout, "base URL: %s\nkey: %s\n", baseURL, *key)
	fmt.Fprintf(stdout, "try: %s=%s validate live --api %s --base-url %s%s\n", env, *key, api, baseURL, hint)
	select {
	case <-ctx.Done():
		return 0
	case err := <-served:
		fmt.Fprintf(stderr, "validate mock: %v\n", err)
		return 1
	}
}

// findingLogger writes each finding of the fake's spec check to stderr as one line, in
// the text report's words, without the key and with control characters escaped (a
// client's request is as hostile as a recording): a request a client sent that the
// spec does not allow, or an answer the fake refused to send (the client got a 500
// naming it).
func findingLogger(stderr io.Writer, key string) func(contract.Finding) {
	var mu sync.Mutex
	scrub := redact.NewScrubber(key)
	return func(f contract.Finding) {
		line := terminal.Safe(scrub.String(fmt.Sprintf("%s %s: %s", f.Method, f.Path, textLine(f))))
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(stderr, "validate mock: finding: %s\n", line)
	}
}

// affinitySeed is what the Affinity mock holds beside its organizations: lists of
// organizations and of people, with entries, fields and a value per entry and field,
// and persons with a note each, so that validate live against it reaches every read operation.
type affinitySeed struct {
	orgLists, personLists, entries, fields int
	persons                                int
}

func (a affinitySeed) check() error {
	switch {
	case a.orgLists < 0 || a.orgLists > 100:
		return fmt.Errorf("--lists %d: want 0 to 100", a.orgLists)
	case a.personLists < 0 || a.personLists > 100:
		return fmt.Errorf("--person-lists %d: want 0 to 100", a.personLists)
	case a.entries < 0 || a.entries > 10000:
		return fmt.Errorf("--entries %d: want 0 to 10000", a.entries)
	case a.fields < 0 || a.fields > 7:
		return fmt.Errorf("--fields %d: want 0 to 7", a.fields)
	case a.persons < 0 || a.persons > 10000:
		return fmt.Errorf("--persons %d: want 0 to 10000", a.persons)
	}
	return nil
}

// into fills the fake. The first lists are "Deal Flow" and "Contacts", the names the
// README's snippets look up, and the next ones "Deal Flow 2", "Contacts 2" and so on.
func (a affinitySeed) into(fake *affinitytest.Server) {
	for i := range a.orgLists {
		fake.GenerateList(numbered("Deal Flow", i), a.entries, a.fields)
	}
	for i := range a.personLists {
		fake.GeneratePersonList(numbered("Contacts", i), a.entries, a.fields)
	}
	fake.GeneratePersons(a.persons)
	// One webhook subscription, disabled so that it queues nothing, for validate
	// live's reads of subscriptions.
	fake.AddWebhookSubscription(affinity.WebhookSubscription{WebhookURL: "https://hooks.example.com/affinity/mock", Disabled: true})
}

func numbered(name string, i int) string {
	if i == 0 {
		return name
	}
	return fmt.Sprintf("%s %d", name, i+1)
}

func parseFaults(list string) ([]fakeserver.Fault, error) {
	var out []fakeserver.Fault
	for _, name := range strings.Split(list, ",") {
		switch name = strings.TrimSpace(name); name {
		case "":
		case "429":
			out = append(out, fakeserver.RateLimited("1"))
		case "500", "502", "503", "504":
			status, _ := strconv.Atoi(name)
			out = append(out, fakeserver.ServerError(status))
		case "cut":
			out = append(out, fakeserver.CutShort())
		case "slow":
			out = append(out, fakeserver.Slow(2*time.Second))
		case "malformed":
			out = append(out, fakeserver.Malformed())
		case "offspec":
			out = append(out, offSpec)
		default:
			return nil, fmt.Errorf("--faults: unknown fault %q (want 429, 500, 502, 503, 504, cut, slow, malformed or offspec)", name)
		}
	}
	return out, nil
}

// offSpec is the --faults offspec answer: well-formed JSON that breaks the spec at
// one pointer, /organizations/0/name (a number where both specs want a string), so a
// checker in front of the mock (validate proxy) has a planted finding to report.
var offSpec = fakeserver.Fault{Status: http.StatusOK, ContentType: "application/json",
	Body: `{"organizations":[{"id":1000,"name":42,"domain":"org1000.example","domains":["org1000.example"],"global":false}],"next_page_token":null}`}
