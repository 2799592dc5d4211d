package apollo

// The records Apollo answers with are types of this package, so that go doc lists
// their fields; tools/records writes them from the generated client's. A nullable
// string or time is a plain value, zero when null, as in the package's own types
// (EnrichQuery.Domain): a domain is a string everywhere.
//go:generate go run ../../tools/records -src ../../generated/apolloapi/apolloapi.gen.go -pkg apollo -o records.gen.go -plain string,time.Time Account AccountStage EnrichedOrganization FundingEvent JobPosting Organization OwningOrganization Pagination ParentAccount Phone Suborganization Technology Person PersonPreview EmployerPreview Employment NewsArticle

// organizationResult is apolloapi.OrganizationResult's member, as this package's record:
// the answer of enrichment and of complete information.
type organizationResult struct {
	Organization *EnrichedOrganization `json:"organization"`
}
