package apollo

// The records Apollo answers with are types of this package, so that go doc lists
// their fields; tools/records writes them from the generated client's.
//go:generate go run ../../tools/records -src ../../generated/apolloapi/apolloapi.gen.go -pkg apollo -o records.gen.go Account EnrichedOrganization JobPosting Organization Pagination
