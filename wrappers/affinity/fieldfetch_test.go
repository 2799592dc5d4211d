package affinity_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/option"
)

// unknownValues is a /field-values answer for organization org with n values, each of
// a field of its own, from first on, without value_type.
func unknownValues(org, first, n int) string {
	values := make([]string, n)
	for i := range values {
		values[i] = fmt.Sprintf(`{"id":%d,"field_id":%d,"entity_id":%d,"list_entry_id":null,"value":"x"}`, i+1, first+i, org)
	}
	return "[" + strings.Join(values, ",") + "]"
}

func count(requests []string, uri string) int {
	n := 0
	for _, r := range requests {
		if r == uri {
			n++
		}
	}
	return n
}

// ListFieldValues fetches the fields at most once a call, however many fields its
// values name that it does not know: none when it knows them all (from value_type or
// an earlier fetch), one for 1,000 unknown (it once made 1,000), and none for a field
// an earlier fetch lacked already. Both sides of the bound: the call that must fetch
// does, once, and the call that need not does not.
func TestListFieldValuesFetchesTheFieldsAtMostOnce(t *testing.T) {
	fields := `[{"id":1,"name":"Status","list_id":null,"value_type":6,"allows_multiple":false}]`
	s := &routes{answers: map[string]string{
		"/fields": fields,
		// Known by value_type, and by the fields: no fetch needed.
		"/field-values?organization_id=1": `[{"id":1,"field_id":5,"entity_id":1,"list_entry_id":null,"value_type":6,"value":"x"}]`,
		"/field-values?organization_id=2": unknownValues(2, 1000, 1000),
		"/field-values?organization_id=3": unknownValues(3, 1000, 1000), // the same unknown fields
		"/field-values?organization_id=4": unknownValues(4, 5000, 1),    // one more
		"/field-values?organization_id=5": `[{"id":1,"field_id":1,"entity_id":5,"list_entry_id":null,"value":"x"}]`,
	}}
	client := s.client(t)
	for _, c := range []struct {
		org, fetches int
	}{{1, 0}, {2, 1}, {3, 0}, {4, 1}, {5, 0}} {
		before := count(s.requests(), "/fields")
		values, err := client.ListFieldValues(t.Context(), affinity.FieldValueQuery{OrganizationID: int64(c.org)})
		if err != nil {
			t.Fatalf("organization %d: %v", c.org, err)
		}
		if got := count(s.requests(), "/fields") - before; got != c.fetches {
			t.Errorf("organization %d (%d values): %d fetches of the fields, want %d", c.org, len(values), got, c.fetches)
		}
		if c.org == 5 && (values[0].Value.Type != affinity.ValueText || values[0].Value.Text != "x") {
			t.Errorf("a field the fetch found: %+v", values[0].Value)
		}
	}
}

// BenchmarkListFieldValuesUnknownFields reads the values of one organization that
// name 1,000 fields the field list lacks, with a new client each time (nothing known
// yet), and reports the requests per call (requests/op): 2, the values and one fetch
// of the fields (it was 1,001: one fetch per unknown field).
func BenchmarkListFieldValuesUnknownFields(b *testing.B) {
	var requests atomic.Int64
	values := unknownValues(2, 1000, 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/fields" {
			fmt.Fprint(w, `[]`)
			return
		}
		fmt.Fprint(w, values)
	}))
	b.Cleanup(srv.Close)
	calls := 0
	b.ReportAllocs()
	for b.Loop() {
		client, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), affinity.WithV1Only())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := client.ListFieldValues(b.Context(), affinity.FieldValueQuery{OrganizationID: 2}); err != nil {
			b.Fatal(err)
		}
		calls++
	}
	b.ReportMetric(float64(requests.Load())/float64(calls), "requests/op")
}
