package affinity_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/specs"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/option"
)

type collected struct {
	mu       sync.Mutex
	findings []contract.Finding
}

func (c *collected) add(fs []contract.Finding) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.findings = append(c.findings, fs...)
}

func (c *collected) take() []contract.Finding {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.findings
	c.findings = nil
	return out
}

// validation is the contract middleware over the embedded Affinity spec, reporting
// into seen.
func validation(tb testing.TB, seen *collected) *contract.Middleware {
	tb.Helper()
	v, err := contract.NewEmbedded(tb.Context(), specs.Affinity)
	if err != nil {
		tb.Fatal(err)
	}
	return contract.NewMiddleware(v, seen.add)
}

func TestResponseValidationInIntegration(t *testing.T) {
	var seen collected
	mw := validation(t, &seen)
	c, fake := setup(t, option.WithMiddleware(mw.Wrap), option.WithRetries(0))
	ctx := t.Context()
	fake.Generate(30)

	// Every operation against the fake: the fake answers as the spec says, and the
	// caller still gets its results through the validating transport.
	n := 0
	for _, err := range c.Organizations(ctx, affinity.OrganizationQuery{PageSize: 7}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	org, err := c.CreateOrganization(ctx, affinity.NewOrganization{Name: "Acme", Domain: "acme.co"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateOrganization(ctx, org.ID, affinity.OrganizationUpdate{Name: "Acme Corp."}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetOrganization(ctx, org.ID, affinity.GetOrganizationOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListOrganizationFields(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteOrganization(ctx, org.ID); err != nil {
		t.Fatal(err)
	}
	if n != 30 {
		t.Errorf("listed %d organizations through the middleware, want 30", n)
	}
	mw.Wait()
	if fs := seen.take(); len(fs) != 0 {
		t.Fatalf("conforming traffic gave findings: %+v", fs)
	}

	// Drift: a type change. The caller sees a malformed body; the callback sees where.
	fake.Fail(affinitytest.Fault{Status: 200, ContentType: "application/json",
		Body: `{"id":5,"name":"X","domain":42,"domains":[],"crunchbase_uuid":null,"global":false}`})
	_, err = c.GetOrganization(ctx, 5, affinity.GetOrganizationOptions{})
	if !errors.Is(err, affinity.ErrMalformedBody) {
		t.Errorf("caller error = %v", err)
	}
	mw.Wait()
	fs := seen.take()
	if len(fs) != 1 || fs[0].Pointer != "/domain" || fs[0].OperationID != "getOrganization" || fs[0].Expected != "type string or null" {
		t.Errorf("findings = %+v", fs)
	}

	// Drift: a status the spec does not document. The caller's error is unchanged.
	fake.Fail(affinitytest.Fault{Status: 418})
	_, err = c.ListOrganizationFields(ctx)
	var apiErr *affinity.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 418 {
		t.Errorf("caller error = %v", err)
	}
	mw.Wait()
	if fs := seen.take(); len(fs) != 1 || fs[0].Kind != contract.KindUndocumentedStatus {
		t.Errorf("findings = %+v", fs)
	}
}

// BenchmarkResponseValidation lists 10,000 organizations from the fake with and without
// the validating middleware, alternating in one run, and reports the overhead ratio.
func BenchmarkResponseValidation(b *testing.B) {
	fake := affinitytest.NewServer(key, affinitytest.WithTest(b))
	b.Cleanup(fake.Close)
	fake.Generate(10_000)
	plain, _ := affinity.NewClient(key, option.WithBaseURL(fake.URL))
	var seen collected
	mw := validation(b, &seen)
	checked, err := affinity.NewClient(key, option.WithBaseURL(fake.URL), option.WithMiddleware(mw.Wrap))
	if err != nil {
		b.Fatal(err)
	}
	list := func(c *affinity.Client) {
		for _, err := range c.Organizations(b.Context(), affinity.OrganizationQuery{}) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	var without, with float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, _, _, _ := measure(func() (int, error) { list(plain); return 0, nil })
		without += float64(d)
		// The validated listing is done when its last check is: Wait is inside the timing.
		d, _, _, _ = measure(func() (int, error) { list(checked); mw.Wait(); return 0, nil })
		with += float64(d)
	}
	if fs := seen.take(); len(fs) != 0 {
		b.Fatalf("findings: %+v", fs[0])
	}
	b.ReportMetric(without/float64(b.N)/1e6, "plain-ms/10k")
	b.ReportMetric(with/float64(b.N)/1e6, "validated-ms/10k")
	b.ReportMetric(with/without, "overhead-ratio")
}

// The fake's lists, entries, fields, values, history, quotas and identity answer as
// the spec says: every call through the validating middleware, no finding.
func TestListsConformUnderValidation(t *testing.T) {
	var seen collected
	mw := validation(t, &seen)
	c, fake := setup(t, option.WithMiddleware(mw.Wrap), option.WithRetries(0))
	ctx := t.Context()
	list := fake.GenerateList("Deal Flow", 12, 7)
	if _, err := c.ListLists(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetList(ctx, list); err != nil {
		t.Fatal(err)
	}
	for _, err := range c.ListRows(ctx, list, affinity.RowOptions{PageSize: 5}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	entry, err := c.CreateListEntry(ctx, list, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetListEntry(ctx, list, entry.ID); err != nil {
		t.Fatal(err)
	}
	v, err := c.CreateFieldValue(ctx, affinity.NewFieldValue{FieldID: list*10 + 2, EntityID: 1000, ListEntryID: entry.ID, Value: affinity.NumberValue(5)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateFieldValue(ctx, v.ID, affinity.NumberValue(6)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListFieldValueChanges(ctx, affinity.FieldValueChangeQuery{FieldID: list*10 + 2}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteFieldValue(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteListEntry(ctx, list, entry.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetQuotas(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WhoAmI(ctx); err != nil {
		t.Fatal(err)
	}
	mw.Wait()
	if fs := seen.take(); len(fs) != 0 {
		t.Errorf("the fake's answers break the spec: %+v", fs)
	}
}
