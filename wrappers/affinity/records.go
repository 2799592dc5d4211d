package affinity

// The records Affinity answers with are types of this package, so that go doc lists
// their fields; tools/records writes them from the generated client's.
//go:generate go run ../../tools/records -src ../../generated/affinityapi/affinityapi.gen.go -pkg affinity -o records.gen.go DropdownOption Field List ListEntry Location Opportunity Organization Person
