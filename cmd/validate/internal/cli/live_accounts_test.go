package cli

import (
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
)

// validate mock --api apollo holds the accounts --accounts asks for, and validate
// live reads them (the stages, pages of accounts, the first account) and writes
// nothing: the mock holds as many afterwards, and no write operation was called.
func TestLiveReadsTheMocksAccountsAndWritesNone(t *testing.T) {
	baseURL, mockErr := startMock(t, "--api", "apollo", "--key", "mock-key-123456", "--accounts", "150")
	defer func() {
		if strings.Contains(mockErr.String(), "finding") {
			t.Errorf("the mock logged findings:\n%s", mockErr.String())
		}
	}()
	for range 2 {
		code, out, stderr := live(t, map[string]string{"APOLLO_API_KEY": "mock-key-123456"}, "--api", "apollo", "--base-url", baseURL,
			"--max-pages", "5", "--format", "junit", "--strict")
		if code != 0 {
			t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
		}
		called := map[string]int{}
		for _, m := range regexp.MustCompile(`<testcase [^>]*name="[^"]*"[^>]*classname="apollo ([A-Za-z0-9]+)"|<testsuite name="apollo ([A-Za-z0-9]+)"`).FindAllStringSubmatch(out, -1) {
			called[m[1]+m[2]]++
		}
		for _, op := range []string{"listAccountStages", "searchAccounts", "getAccount"} {
			if called[op] == 0 {
				t.Errorf("%s was not called: %v", op, called)
			}
		}
		for _, op := range []string{"createAccount", "updateAccount", "bulkCreateAccounts", "bulkUpdateAccounts", "updateAccountOwners"} {
			if called[op] != 0 {
				t.Errorf("validate live called the write %s", op)
			}
		}
		// Two pages of 100 hold the 150 accounts; the second run finds as many.
		if !strings.Contains(out, "searchAccounts") || strings.Count(stderr, "getAccount was not called") != 0 {
			t.Errorf("report:\n%s\n%s", out, stderr)
		}
	}
}

// The fake's own count proves it: live against a fake with accounts leaves them as
// they were, and spends no credits.
func TestLiveLeavesTheAccountsAsTheyWere(t *testing.T) {
	fake := apollotest.NewServer(liveKey, apollotest.WithTest(t))
	defer fake.Close()
	fake.AddAccounts(250)
	code, out, _ := live(t, map[string]string{"APOLLO_API_KEY": liveKey}, "--api", "apollo", "--base-url", fake.URL, "--max-pages", "5", "--format", "json")
	// The stages, three pages of accounts (100, 100, 50) and the first account; then
	// people search and the two usage reads, free as well.
	if code != 0 || fake.AccountCount() != 250 || fake.Credits() != 0 || fake.Hits() != 8 || !strings.Contains(out, `"checked": 8`) {
		t.Errorf("exit %d, %d accounts, %d credits, %d requests\n%s", code, fake.AccountCount(), fake.Credits(), fake.Hits(), out)
	}
	// --max-pages bounds the account pages too.
	hits := fake.Hits()
	if code, _, _ := live(t, map[string]string{"APOLLO_API_KEY": liveKey}, "--api", "apollo", "--base-url", fake.URL, "--max-pages", "1"); code != 0 || fake.Hits()-hits != 6 {
		t.Errorf("--max-pages 1: exit %d, %d requests, want 6", code, fake.Hits()-hits)
	}
}

// --accounts is bounded: 0 and 100,000 serve, -1 and 100,001 are usage errors that
// name the flag.
func TestMockAccountsBounds(t *testing.T) {
	for _, n := range []string{"-1", "100001"} {
		var stderr strings.Builder
		if code := runMock(t.Context(), []string{"--api", "apollo", "--accounts", n}, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), "--accounts "+n) {
			t.Errorf("--accounts %s: exit %d, %q", n, code, stderr.String())
		}
	}
	for _, n := range []string{"0", "100000"} {
		if baseURL, _ := startMock(t, "--api", "apollo", "--accounts", n); baseURL == "" {
			t.Errorf("--accounts %s: no base URL", n)
		}
	}
}
