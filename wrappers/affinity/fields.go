package affinity

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// ValueType is the kind of value a field holds.
type ValueType int

// The value types Affinity documents, and filterable text, which real data has. Others
// may appear; their values keep only their raw JSON.
const (
	ValuePerson          ValueType = 0
	ValueOrganization    ValueType = 1
	ValueDropdown        ValueType = 2
	ValueNumber          ValueType = 3
	ValueDate            ValueType = 4
	ValueLocation        ValueType = 5
	ValueText            ValueType = 6
	ValueRankedDropdown  ValueType = 7
	ValueFilterableText  ValueType = 10
	valueTypeNotYetKnown ValueType = -1
)

// FieldQuery narrows ListFields. The zero value returns every field.
type FieldQuery struct {
	// ListID keeps the fields specific to this list.
	ListID int64
	// ValueType and EntityType, when set, keep fields of that type.
	ValueType  *ValueType
	EntityType *EntityType
	// WithModifiedNames names list fields "[List Name] Field Name".
	WithModifiedNames bool
	// ExcludeDropdownOptions leaves the options out, for fields with very many.
	ExcludeDropdownOptions bool
}

// ListFields returns fields, global and list-specific, narrowed by q.
func (c *Client) ListFields(ctx context.Context, q FieldQuery, callOpts ...option.CallOption) ([]Field, error) {
	params := &affinityapi.ListFieldsParams{WithModifiedNames: optional(q.WithModifiedNames),
		ExcludeDropdownOptions: optional(q.ExcludeDropdownOptions)}
	if q.ListID != 0 {
		params.ListID = &q.ListID
	}
	if q.ValueType != nil {
		v := int(*q.ValueType)
		params.ValueType = &v
	}
	if q.EntityType != nil {
		v := int(*q.EntityType)
		params.EntityType = &v
	}
	fields, err := httpcore.Run(ctx, c.doer, "listFields", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.ListFields(ctx, params)
	}, notNull[Field], fieldIDs)
	if err == nil && !q.WithModifiedNames {
		c.fieldTypes.learn(fields)
	}
	return fields, err
}

// fieldIDs refuses a field without a positive id.
func fieldIDs(fields *[]Field) error {
	return eachID(*fields, "", func(f *Field) int64 { return f.ID })
}

// fieldTypes remembers the value type of each field seen, to decode field values,
// which do not always say their type. A call whose values name fields it does not
// know fetches the fields once, however many such fields there are (fieldsFetch): a
// field the refreshed list still lacks is remembered as missing, so that later calls
// naming it do not fetch the fields again.
type fieldTypes struct {
	mu      sync.Mutex
	types   map[int64]ValueType
	missing map[int64]bool
	// refresh is held while the fields are fetched, so concurrent calls that meet the
	// same unknown fields wait for one fetch instead of each making their own.
	refresh sync.Mutex
}

// maxMissing bounds the fields remembered as missing: ids a server names are not
// allowed to grow the client's memory without end. Past it the memory starts over,
// and costs at most one more fetch of the fields per call.
const maxMissing = 10_000

// unknown reports whether id is neither known nor already looked for in vain.
func (f *fieldTypes) unknown(id int64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, known := f.types[id]
	return !known && !f.missing[id]
}

// markMissing remembers the ids the fields, just fetched, still lack.
func (f *fieldTypes) markMissing(ids []int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		if _, known := f.types[id]; known {
			continue
		}
		if f.missing == nil || len(f.missing) >= maxMissing {
			f.missing = map[int64]bool{}
		}
		f.missing[id] = true
	}
}

func (f *fieldTypes) learn(fields []Field) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.types == nil {
		f.types = map[int64]ValueType{}
	}
	for _, field := range fields {
		f.types[field.ID] = ValueType(field.ValueType)
		delete(f.missing, field.ID)
	}
}

func (f *fieldTypes) lookup(id int64) (ValueType, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.types[id]
	return t, ok
}

// Value is a field's value decoded by the field's value type: exactly the member the
// type names holds it. A null value (Crunchbase fields) has only Type and Raw.
type Value struct {
	Type ValueType
	// EntityID is the person or organization a person or organization field names.
	EntityID int64
	// Number is the value of a number field.
	Number float64
	// Text is the value of a text, dropdown or filterable-text field.
	Text string
	// Date is the value of a date field.
	Date time.Time
	// Option is the chosen option of a ranked dropdown field (such as Status).
	Option *DropdownOption
	// Location is the value of a location field.
	Location *Location
	// Raw is the value as Affinity sent it.
	Raw json.RawMessage
}

// String renders the value for people: an option's text, a number, a date, an id.
func (v Value) String() string {
	switch {
	case v.Option != nil:
		return v.Option.Text
	case v.Location != nil:
		return fmt.Sprintf("%s, %s", deref(v.Location.City), deref(v.Location.Country))
	}
	switch v.Type {
	case ValuePerson, ValueOrganization:
		return fmt.Sprint(v.EntityID)
	case ValueNumber:
		return fmt.Sprint(v.Number)
	case ValueDate:
		return v.Date.Format(time.DateOnly)
	case ValueDropdown, ValueText, ValueFilterableText:
		return v.Text
	case ValueHidden:
		return "(hidden)"
	}
	return string(v.Raw)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// decodeValue decodes a v1 value by t: a null value (Crunchbase fields) is a Value
// with only Type and Raw; anything else goes through element, which refuses a shape t
// does not allow.
func decodeValue(raw json.RawMessage, t ValueType) (Value, error) {
	if isNull(raw) {
		return Value{Type: t, Raw: raw}, nil
	}
	v, _, err := element(t, "", raw)
	if err != nil {
		return Value{}, fmt.Errorf("a value of type %d: %w", t, err)
	}
	return v, nil
}

// FieldValue is one cell: the value of one field for one entity or list entry.
type FieldValue struct {
	ID       int64
	FieldID  int64
	EntityID int64
	// ListEntryID is the list entry of a list field's value; 0 for a global field.
	ListEntryID int64
	CreatedAt   time.Time
	UpdatedAt   time.Time // zero if never updated
	Value       Value
}

// wireFieldValue is a field value as Affinity sends it; its value is decoded later,
// once the field's type is known.
type wireFieldValue struct {
	ID          int64           `json:"id"`
	FieldID     int64           `json:"field_id"`
	EntityID    int64           `json:"entity_id"`
	ListEntryID *int64          `json:"list_entry_id"`
	ValueType   *int            `json:"value_type"`
	CreatedAt   *time.Time      `json:"created_at"`
	UpdatedAt   *time.Time      `json:"updated_at"`
	Value       json.RawMessage `json:"value"`
}

// fieldsFetch is one call's fetch of the fields, made at most once however many
// unknown fields its values name; ListRows shares one among the rows it reads.
type fieldsFetch struct {
	once sync.Once
	err  error
}

// typed decodes a batch of field values. The fields it does not know the type of (no
// value_type, not known from an earlier fetch, not known to be missing) are gathered
// first, and the fields fetched for all of them at once, unless fetch, the call's one
// fetch, was made already: then they are taken as missing. It runs as a Decode check:
// a value of the wrong shape refuses the answer. A failure to fetch the fields is
// passed on as that call's own for a read; for a write's answer (one value, write set)
// it refuses the answer instead, so that the error still says the write took effect.
// Members are named as they are in the body: "[3].value" in an array, "value" in a
// write's single object.
func (c *Client) typed(ctx context.Context, raw []wireFieldValue, write bool, fetch *fieldsFetch) ([]FieldValue, error) {
	member := func(i int, name string) string {
		if write {
			return name
		}
		return fmt.Sprintf("[%d].%s", i, name)
	}
	var unknown []int64
	seen := map[int64]bool{}
	for i, w := range raw {
		if w.ID <= 0 || w.FieldID <= 0 {
			return nil, &apicall.MissingMemberError{Member: member(i, "id"), Reason: "id or field_id missing or not positive"}
		}
		if _, ok := c.fieldTypes.lookup(w.FieldID); !ok && w.ValueType == nil && !seen[w.FieldID] && c.fieldTypes.unknown(w.FieldID) {
			seen[w.FieldID] = true
			unknown = append(unknown, w.FieldID)
		}
	}
	if len(unknown) > 0 {
		fetch.once.Do(func() { fetch.err = c.refreshFields(ctx, unknown) })
		if err := fetch.err; err != nil {
			if write {
				return nil, httpcore.Refuse(fmt.Errorf("learning the type of field %d to read the answer: %w", unknown[0], err))
			}
			return nil, httpcore.PassOn(err)
		}
		c.fieldTypes.markMissing(unknown) // those the fetch, this call's or an earlier one, did not find
	}
	out := make([]FieldValue, 0, len(raw))
	for i, w := range raw {
		t, ok := c.fieldTypes.lookup(w.FieldID)
		if !ok && w.ValueType != nil {
			t, ok = ValueType(*w.ValueType), true
		}
		if !ok {
			t = valueTypeNotYetKnown
		}
		v, err := decodeValue(w.Value, t)
		if err != nil {
			return nil, &apicall.MissingMemberError{Member: member(i, "value"),
				Reason: fmt.Sprintf("field %d: %v (the field's type may have changed: ListFields reads it again, and Value.Raw keeps what was sent)", w.FieldID, err)}
		}
		fv := FieldValue{ID: w.ID, FieldID: w.FieldID, EntityID: w.EntityID, Value: v}
		if w.ListEntryID != nil {
			fv.ListEntryID = *w.ListEntryID
		}
		if w.CreatedAt != nil {
			fv.CreatedAt = *w.CreatedAt
		}
		if w.UpdatedAt != nil {
			fv.UpdatedAt = *w.UpdatedAt
		}
		out = append(out, fv)
	}
	return out, nil
}

// refreshFields fetches the fields once for field ids no value type is known for,
// unless another call fetched them meanwhile.
func (c *Client) refreshFields(ctx context.Context, ids []int64) error {
	c.fieldTypes.refresh.Lock()
	defer c.fieldTypes.refresh.Unlock()
	if !slices.ContainsFunc(ids, c.fieldTypes.unknown) {
		return nil // another call fetched the fields meanwhile
	}
	_, err := c.ListFields(ctx, FieldQuery{})
	return err
}

// FieldValueQuery names the one entity or list entry whose values to list: set
// exactly one member.
type FieldValueQuery struct {
	PersonID, OrganizationID, OpportunityID, ListEntryID int64
}

func (q FieldValueQuery) one() error {
	n := 0
	for _, p := range []struct {
		name string
		id   int64
	}{{"person_id", q.PersonID}, {"organization_id", q.OrganizationID}, {"opportunity_id", q.OpportunityID}, {"list_entry_id", q.ListEntryID}} {
		if p.id < 0 {
			return paramError(p.name, fmt.Sprintf("must be positive, got %d", p.id))
		}
		if p.id != 0 {
			n++
		}
	}
	if n != 1 {
		return paramError("person_id|organization_id|opportunity_id|list_entry_id", fmt.Sprintf("set exactly one, got %d", n))
	}
	return nil
}

// ListFieldValues returns the field values of one person, organization, opportunity
// or list entry, each decoded by its field's value type. For an entity these are its
// global values and those of each of its list entries.
func (c *Client) ListFieldValues(ctx context.Context, q FieldValueQuery, callOpts ...option.CallOption) ([]FieldValue, error) {
	return c.fieldValues(ctx, q, callOpts, &fieldsFetch{}, nil)
}

// fieldValues is ListFieldValues with the call's one fetch of the fields (shared by
// the rows of one ListRows), and a check of its own on the typed values, which refuses
// the answer as ListFieldValues' checks do.
func (c *Client) fieldValues(ctx context.Context, q FieldValueQuery, callOpts []option.CallOption, fetch *fieldsFetch, check func([]FieldValue) error) ([]FieldValue, error) {
	if err := q.one(); err != nil {
		return nil, err
	}
	params := &affinityapi.ListFieldValuesParams{PersonID: positive(q.PersonID), OrganizationID: positive(q.OrganizationID),
		OpportunityID: positive(q.OpportunityID), ListEntryID: positive(q.ListEntryID)}
	var values []FieldValue
	_, err := httpcore.Run(ctx, c.doer, "listFieldValues", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.ListFieldValues(ctx, params)
	}, notNull[wireFieldValue], func(raw *[]wireFieldValue) error {
		var err error
		if values, err = c.typed(ctx, *raw, false, fetch); err != nil || check == nil {
			return err
		}
		return check(values)
	})
	return values, err
}

func positive(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// SetValue is a value to write into a field; make one with the functions below, by the
// field's value type.
type SetValue struct{ raw json.RawMessage }

func setValue(v any) SetValue {
	raw, _ := json.Marshal(v) // plain numbers, strings and maps always marshal
	return SetValue{raw: raw}
}

// TextValue is a value for a text or dropdown field.
func TextValue(s string) SetValue { return setValue(s) }

// NumberValue is a value for a number field.
func NumberValue(n float64) SetValue { return setValue(n) }

// EntityValue is a value for a person or organization field: the entity's id.
func EntityValue(id int64) SetValue { return setValue(id) }

// OptionValue is a value for a ranked dropdown field such as Status: the option's id
// (its text is not accepted).
func OptionValue(optionID int64) SetValue { return setValue(optionID) }

// DateValue is a value for a date field.
func DateValue(t time.Time) SetValue { return setValue(t.Format(time.RFC3339)) }

// LocationValue is a value for a location field.
func LocationValue(l Location) SetValue { return setValue(l) }

// NewFieldValue is a value to set on an entity, or on a list entry for a list field.
type NewFieldValue struct {
	FieldID, EntityID int64 // required
	// ListEntryID is required for a field specific to a list, and must be 0 otherwise.
	ListEntryID int64
	Value       SetValue
}

// CreateFieldValue sets a field's value and returns it. A field that allows several
// values gains one more, so a repeated create is a second value.
// Retries: the client repeats it only when the request never reached Affinity, so it
// cannot set a value twice; a 2xx answer it cannot read is an *Error with Applied set (match
// ErrApplied), and a failure after the request may have arrived is an
// *apicall.UnknownOutcomeError (ErrMaybeApplied): look before calling it again, since
// Affinity has no idempotency keys.
func (c *Client) CreateFieldValue(ctx context.Context, v NewFieldValue, callOpts ...option.CallOption) (FieldValue, error) {
	if err := checkPositive("field_id", v.FieldID); err != nil {
		return FieldValue{}, err
	}
	if err := checkPositive("entity_id", v.EntityID); err != nil {
		return FieldValue{}, err
	}
	if v.Value.raw == nil {
		return FieldValue{}, paramError("value", "is required")
	}
	body := map[string]any{"field_id": v.FieldID, "entity_id": v.EntityID, "value": v.Value.raw}
	if v.ListEntryID != 0 {
		body["list_entry_id"] = v.ListEntryID
	}
	return c.oneValue(ctx, "createFieldValue", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.CreateFieldValueWithBody(ctx, "application/json", jsonBody(body))
	})
}

// UpdateFieldValue replaces the value of a field value (by the field value's id, not
// the field's) and returns it.
// Retries: the client repeats it after a 5xx, a 429 or a broken connection, which is
// safe, as the same value written again changes nothing more (a field that tracks changes may log it twice). A 2xx answer it cannot read is an *Error with Applied set (match
// ErrApplied) and is never repeated.
func (c *Client) UpdateFieldValue(ctx context.Context, fieldValueID int64, value SetValue, callOpts ...option.CallOption) (FieldValue, error) {
	if err := checkPositive("field_value_id", fieldValueID); err != nil {
		return FieldValue{}, err
	}
	if value.raw == nil {
		return FieldValue{}, paramError("value", "is required")
	}
	return c.oneValue(ctx, "updateFieldValue", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.UpdateFieldValueWithBody(ctx, fieldValueID, "application/json", jsonBody(map[string]any{"value": value.raw}))
	})
}

// DeleteFieldValue deletes a field value.
// Retries: the client repeats it after a 5xx, a 429 or a broken connection, which is
// safe, as a second delete finds it gone (ErrNotFound). A 2xx answer it cannot read is an *Error with Applied set (match
// ErrApplied) and is never repeated.
func (c *Client) DeleteFieldValue(ctx context.Context, fieldValueID int64, callOpts ...option.CallOption) error {
	if err := checkPositive("field_value_id", fieldValueID); err != nil {
		return err
	}
	return c.deleted(ctx, "deleteFieldValue", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.DeleteFieldValue(ctx, fieldValueID)
	})
}

// oneValue makes a call that answers one field value, and types it.
func (c *Client) oneValue(ctx context.Context, op string, callOpts []option.CallOption, send func(context.Context) (*http.Response, error)) (FieldValue, error) {
	var values []FieldValue
	_, err := httpcore.Run(ctx, c.doer, op, callOpts, send, func(w *wireFieldValue) error {
		var err error
		values, err = c.typed(ctx, []wireFieldValue{*w}, true, &fieldsFetch{})
		return err
	})
	if err != nil {
		return FieldValue{}, err
	}
	return values[0], nil
}

// ActionType is the kind of a field value change.
type ActionType int

// The action types Affinity documents.
const (
	ActionCreate ActionType = 0
	ActionDelete ActionType = 1
	ActionUpdate ActionType = 2
)

// FieldValueChangeQuery selects the history of one field.
type FieldValueChangeQuery struct {
	FieldID int64 // required
	// ActionType, when set, keeps changes of that kind.
	ActionType *ActionType
	// At most one of these keeps the changes of one entity or list entry.
	PersonID, OrganizationID, OpportunityID, ListEntryID int64
}

// FieldValueChange is one change of a field's value. For a deletion Value is the old
// value, otherwise the new one.
type FieldValueChange struct {
	ID, FieldID, EntityID, ListEntryID int64
	Action                             ActionType
	// ChangerID is the internal person who made the change, when Affinity says.
	ChangerID int64
	ChangedAt time.Time
	Value     Value
}

// ListFieldValueChanges returns the history of a field's values (such as a deal's
// Status going from Lead to Won), oldest first. Only fields with track_changes have one.
func (c *Client) ListFieldValueChanges(ctx context.Context, q FieldValueChangeQuery, callOpts ...option.CallOption) ([]FieldValueChange, error) {
	if err := checkPositive("field_id", q.FieldID); err != nil {
		return nil, err
	}
	params := &affinityapi.ListFieldValueChangesParams{FieldID: q.FieldID, PersonID: positive(q.PersonID),
		OrganizationID: positive(q.OrganizationID), OpportunityID: positive(q.OpportunityID), ListEntryID: positive(q.ListEntryID)}
	if q.ActionType != nil {
		a := int(*q.ActionType)
		params.ActionType = &a
	}
	type wireChange struct {
		wireFieldValue
		ActionType *int                `json:"action_type"`
		ChangedAt  json.RawMessage     `json:"changed_at"` // parsed below, to name it when wrong
		Changer    *struct{ ID int64 } `json:"changer"`
		changedAt  time.Time
	}
	var typed []FieldValue
	raw, err := httpcore.Run(ctx, c.doer, "listFieldValueChanges", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.ListFieldValueChanges(ctx, params)
	}, notNull[wireChange], func(changes *[]wireChange) error {
		for i, w := range *changes {
			switch {
			case len(w.ChangedAt) == 0 || string(w.ChangedAt) == "null":
				return &apicall.MissingMemberError{Member: fmt.Sprintf("[%d].changed_at", i), Reason: "missing or null"}
			case json.Unmarshal(w.ChangedAt, &(*changes)[i].changedAt) != nil:
				return &apicall.MissingMemberError{Member: fmt.Sprintf("[%d].changed_at", i), Reason: fmt.Sprintf("%s is not a date-time", brief(w.ChangedAt))}
			case w.ActionType == nil:
				return &apicall.MissingMemberError{Member: fmt.Sprintf("[%d].action_type", i), Reason: "missing or null"}
			}
		}
		values := make([]wireFieldValue, len(*changes))
		for i, w := range *changes {
			values[i] = w.wireFieldValue
		}
		var err error
		typed, err = c.typed(ctx, values, false, &fieldsFetch{})
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]FieldValueChange, len(raw))
	for i, w := range raw {
		out[i] = FieldValueChange{ID: w.ID, FieldID: w.FieldID, EntityID: w.EntityID, ListEntryID: typed[i].ListEntryID,
			Action: ActionType(*w.ActionType), ChangedAt: w.changedAt, Value: typed[i].Value}
		if w.Changer != nil {
			out[i].ChangerID = w.Changer.ID
		}
	}
	return out, nil
}
