package affinity

import (
	"bytes"
	"encoding/json"
	"errors"
)

// Entity is a list entry's entity as Affinity sent it: a person, an organization or an
// opportunity, as the entry's EntityType says. Person, Organization and Opportunity
// decode it as one of them; ListRows gives every row's entity decoded already.
type Entity struct {
	raw json.RawMessage
}

// Organization decodes the entity as an organization.
func (e Entity) Organization() (Organization, error) { return entityAs[Organization](e) }

// Person decodes the entity as a person.
func (e Entity) Person() (Person, error) { return entityAs[Person](e) }

// Opportunity decodes the entity as an opportunity.
func (e Entity) Opportunity() (Opportunity, error) { return entityAs[Opportunity](e) }

// MarshalJSON returns the entity's JSON as Affinity sent it ("null" for none).
func (e Entity) MarshalJSON() ([]byte, error) {
	if len(e.raw) == 0 {
		return []byte("null"), nil
	}
	return e.raw, nil
}

// UnmarshalJSON keeps a copy of the entity's JSON.
func (e *Entity) UnmarshalJSON(b []byte) error {
	if !json.Valid(b) {
		return errors.New("affinity: an entity that is not JSON")
	}
	e.raw = bytes.Clone(b)
	return nil
}

func entityAs[T any](e Entity) (T, error) {
	var v T
	if len(e.raw) == 0 {
		return v, errors.New("affinity: no entity")
	}
	err := json.Unmarshal(e.raw, &v)
	return v, err
}

// entityOf is the entity of a record this package decoded (from v2's shape, say).
func entityOf(v any) (*Entity, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &Entity{raw: raw}, nil
}
