package affinity

// The records Affinity answers with are types of this package, so that go doc lists
// their fields; tools/records writes them from the generated client's. A nullable
// string, id or time is a plain value, zero when null, as in the package's own types
// (Company.Domain, FieldValue.UpdatedAt); Location keeps its pointers, since a location
// written must carry its null members. A list entry's entity is an Entity, and the kinds
// are this package's ValueType and EntityType.
//go:generate go run ../../tools/records -src ../../generated/affinityapi/affinityapi.gen.go -pkg affinity -o records.gen.go -plain string,int64,time.Time -pointers Location -as ListEntry_Entity=Entity,Field.ValueType=ValueType,List.Type=EntityType,ListEntry.EntityType=*EntityType DropdownOption Field Interaction InteractionDates Interactions List ListEntry ListPermission Location Note Opportunity Organization Person
