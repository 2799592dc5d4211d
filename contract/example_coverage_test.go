package contract_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"slices"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/specs"
)

// Check recorded exchanges and count what they exercised of the spec, reading each
// conforming body once for both.
func ExampleCoverage_Check() {
	v, err := contract.NewEmbedded(context.Background(), specs.Affinity)
	if err != nil {
		log.Fatal(err)
	}
	cov := contract.NewCoverage(v)
	u, _ := url.Parse("https://api.affinity.co/organizations?term=acme")
	ex := contract.Exchange{Method: "GET", URL: u, Status: 200,
		RequestHeader:  http.Header{},
		ResponseHeader: http.Header{"Content-Type": {"application/json"}},
		ResponseBody:   []byte(`{"organizations":[{"id":1,"name":"Acme","domain":"acme.com","domains":["acme.com"],"crunchbase_uuid":null,"global":false}],"next_page_token":null}`)}
	op, findings := cov.Check(ex)
	fmt.Println(op, len(findings), "findings")
	r := cov.Report()
	fmt.Printf("operations %d of %d\n", r.Operations.Seen, r.Operations.Total)
	for _, member := range []string{"/organizations/*/domain", "/organizations/*/interaction_dates"} {
		fmt.Println(member, "still missing:", slices.Contains(r.Members.Missing, op+" 200 "+member))
	}
	// Output:
	// searchOrganizations 0 findings
	// operations 1 of 61
	// /organizations/*/domain still missing: false
	// /organizations/*/interaction_dates still missing: true
}
