package affinity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// v2's list-entry field writes. They take the values v1's writes take (SetValue, made by
// TextValue, OptionValue and the rest), so that one value means the same through either
// API; the field, as the lookups give it, says which v2 type to send them as. Unlike
// v1's CreateFieldValue, which adds a value, they set a field as a whole.

// MaxFieldValues is how many values one field takes in a v2 write, and MaxFieldSets
// how many fields one SetListEntryFields call sets: v2's limits.
const (
	MaxFieldValues = 100
	MaxFieldSets   = 100
)

// FieldSet is one field's new values in SetListEntryFields.
type FieldSet struct {
	// Field is the field as ListByName, List.Field, GetList or ListFields give it: its
	// id, value type, whether it allows several values, and its dropdown options.
	Field Field
	// Values are the field's new values, made as for CreateFieldValue: one for a field
	// that allows one, up to MaxFieldValues for one that allows several, which then
	// holds exactly these. A dropdown's value may be its option's text (TextValue, as v1
	// takes it) or id (OptionValue); a ranked dropdown's, its option's id.
	Values []SetValue
	// Clear empties the field; Values must then be empty. Without it, no values is an
	// error, so that a slice that happens to be empty never clears a field.
	Clear bool
}

// SetListEntryField sets one field of a list entry (a field of its list, or a global
// field of its entity) to values, through v2, replacing whatever the field held: for a
// field that allows several values, the field then holds exactly these. Values are
// made as for CreateFieldValue; see FieldSet. ClearListEntryField empties a field.
//
// Retries: it is a POST, which the client repeats only when the request never reached
// Affinity. Repeating it is harmless all the same: the same values set again leave the
// field as it was (a field that tracks changes may log the change twice). So after an
// *apicall.UnknownOutcomeError (ErrMaybeApplied) calling it again is safe; a 2xx answer
// the client cannot read is an *Error with Applied set (ErrApplied): the field is set.
// With WithV1Only it is refused before sending: use CreateFieldValue or
// UpdateFieldValue.
func (c *Client) SetListEntryField(ctx context.Context, listID, listEntryID int64, field Field, values []SetValue, callOpts ...option.CallOption) error {
	if len(values) == 0 {
		return paramError("value", "none given (ClearListEntryField empties a field)")
	}
	return c.setField(ctx, listID, listEntryID, FieldSet{Field: field, Values: values}, callOpts)
}

// ClearListEntryField empties one field of a list entry through v2: the field then holds
// no value. Retries are as for SetListEntryField: a second clear changes nothing more.
func (c *Client) ClearListEntryField(ctx context.Context, listID, listEntryID int64, field Field, callOpts ...option.CallOption) error {
	return c.setField(ctx, listID, listEntryID, FieldSet{Field: field, Clear: true}, callOpts)
}

func (c *Client) setField(ctx context.Context, listID, listEntryID int64, set FieldSet, callOpts []option.CallOption) error {
	if err := c.checkV2Write(listID, listEntryID); err != nil {
		return err
	}
	update, err := set.update(listID, "")
	if err != nil {
		return err
	}
	err = httpcore.RunNoContent(ctx, c.doer, "updateListEntryFieldV2", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.UpdateListEntryFieldV2WithBody(ctx, listID, listEntryID, update.ID, nil, "application/json", jsonBody(map[string]any{"value": update.Value}))
	})
	return v2Refused(err)
}

// SetListEntryFields sets up to MaxFieldSets fields of one list entry in one request
// through v2, each as SetListEntryField sets it. Every set is checked before anything
// is sent; a field named twice is refused.
//
// Retries: it is a PATCH, which the client repeats after a 429, a 5xx or a broken
// connection; that is safe, as each field is set as a whole (a field that tracks
// changes may log the change twice). A 2xx answer the client cannot read is an *Error
// with Applied set (ErrApplied). Affinity documents the batch as the single writes done
// one after another and does not say it is all or nothing: after a refusal (a 4xx
// *Error), the fields before the refused one may be set; read the entry back
// (ListRows, ListFieldValues) before writing again. With WithV1Only it is refused
// before sending.
func (c *Client) SetListEntryFields(ctx context.Context, listID, listEntryID int64, sets []FieldSet, callOpts ...option.CallOption) error {
	if err := c.checkV2Write(listID, listEntryID); err != nil {
		return err
	}
	if len(sets) == 0 || len(sets) > MaxFieldSets {
		return paramError("updates", fmt.Sprintf("want 1 to %d fields, got %d", MaxFieldSets, len(sets)))
	}
	updates := make([]v2Update, len(sets))
	seen := map[int64]int{}
	for i, set := range sets {
		prefix := fmt.Sprintf("updates[%d].", i)
		if j, twice := seen[set.Field.ID]; twice {
			return paramError(prefix+"field", fmt.Sprintf("field %d (%s) is already updates[%d]", set.Field.ID, set.Field.Name, j))
		}
		seen[set.Field.ID] = i
		var err error
		if updates[i], err = set.update(listID, prefix); err != nil {
			return err
		}
	}
	type answer struct {
		Operation *string `json:"operation"`
	}
	_, err := httpcore.Run(ctx, c.doer, "updateListEntryFieldsV2", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.UpdateListEntryFieldsV2WithBody(ctx, listID, listEntryID, nil, "application/json",
			jsonBody(map[string]any{"operation": "update-fields", "updates": updates}))
	}, func(a *answer) error {
		if a.Operation == nil || *a.Operation != "update-fields" {
			return &apicall.MissingMemberError{Member: "operation", Reason: "missing, null or not update-fields"}
		}
		return nil
	})
	return v2Refused(err)
}

// checkV2Write refuses, before sending, a write to ids that cannot be, or through a
// client kept on v1.
func (c *Client) checkV2Write(listID, listEntryID int64) error {
	if err := checkPositive("list_id", listID); err != nil {
		return err
	}
	if err := checkPositive("list_entry_id", listEntryID); err != nil {
		return err
	}
	if c.v1Only {
		return paramError("WithV1Only", "this client keeps to v1, and this write is v2's: use CreateFieldValue or UpdateFieldValue")
	}
	return nil
}

// v2Update is one field's new value as v2 takes it.
type v2Update struct {
	ID    string        `json:"id"`
	Value v2UpdateValue `json:"value"`
}

type v2UpdateValue struct {
	Type string `json:"type"`
	Data any    `json:"data"` // nil: the field is cleared
}

// v2Types are v2's value types by v1's, for writes.
var v2Types = map[ValueType]string{
	ValuePerson: "person", ValueOrganization: "company", ValueDropdown: "dropdown", ValueNumber: "number",
	ValueDate: "datetime", ValueLocation: "location", ValueText: "text", ValueRankedDropdown: "ranked-dropdown",
	ValueFilterableText: "filterable-text",
}

// update is the set as v2 takes it, or a *apicall.ParamError naming what is wrong
// (prefix, such as "updates[2].", leads each name).
func (set FieldSet) update(listID int64, prefix string) (v2Update, error) {
	f := set.Field
	kind, ok := v2Types[f.ValueType]
	switch {
	case f.ID <= 0:
		return v2Update{}, paramError(prefix+"field", fmt.Sprintf("has no id (%d): take it from ListByName, List.Field or ListFields", f.ID))
	case f.ListID != 0 && f.ListID != listID:
		return v2Update{}, paramError(prefix+"field", fmt.Sprintf("field %d (%s) belongs to list %d, not %d", f.ID, f.Name, f.ListID, listID))
	case !ok:
		return v2Update{}, paramError(prefix+"field", fmt.Sprintf("field %d (%s) holds values of type %d, which v2 does not write", f.ID, f.Name, f.ValueType))
	case set.Clear && len(set.Values) > 0:
		return v2Update{}, paramError(prefix+"value", fmt.Sprintf("Clear with %d values: give one or the other", len(set.Values)))
	case !set.Clear && len(set.Values) == 0:
		return v2Update{}, paramError(prefix+"value", "none given (set Clear to empty the field)")
	}
	// v2 has no -multi of dates, ranked dropdowns and texts, as Affinity has no such fields.
	multi := f.AllowsMultiple && f.ValueType != ValueDate && f.ValueType != ValueRankedDropdown && f.ValueType != ValueText
	if multi {
		kind += "-multi"
	}
	u := v2Update{ID: fmt.Sprintf("field-%d", f.ID), Value: v2UpdateValue{Type: kind}}
	switch {
	case set.Clear:
		return u, nil
	case !multi && len(set.Values) > 1:
		return v2Update{}, paramError(prefix+"value", fmt.Sprintf("field %d (%s) holds one value, got %d", f.ID, f.Name, len(set.Values)))
	case len(set.Values) > MaxFieldValues:
		return v2Update{}, paramError(prefix+"value", fmt.Sprintf("want at most %d values, got %d", MaxFieldValues, len(set.Values)))
	}
	data := make([]any, len(set.Values))
	for i, v := range set.Values {
		name := prefix + "value"
		if multi {
			name = fmt.Sprintf("%s[%d]", name, i)
		}
		var err error
		if data[i], err = v2Data(f, v); err != nil {
			return v2Update{}, paramError(name, err.Error())
		}
	}
	if multi {
		u.Value.Data = data
	} else {
		u.Value.Data = data[0]
	}
	return u, nil
}

// v2Data is one value, as v1's writes take it, in v2's shape for the field, or why it
// cannot be one of the field's.
func v2Data(f Field, v SetValue) (any, error) {
	if v.raw == nil {
		return nil, errors.New("is empty: make it with TextValue, OptionValue, NumberValue and the rest")
	}
	want := func(what, maker string) error {
		return fmt.Errorf("field %d (%s) takes %s (%s), got %s", f.ID, f.Name, what, maker, brief(v.raw))
	}
	switch f.ValueType {
	case ValuePerson, ValueOrganization:
		var id int64
		if json.Unmarshal(v.raw, &id) != nil || id <= 0 {
			return nil, want("an entity's id", "EntityValue")
		}
		return map[string]int64{"id": id}, nil
	case ValueDropdown, ValueRankedDropdown:
		return optionRef(f, v, want)
	case ValueNumber:
		var n float64
		if json.Unmarshal(v.raw, &n) != nil {
			return nil, want("a number", "NumberValue")
		}
		return v.raw, nil
	case ValueDate:
		var s string
		if json.Unmarshal(v.raw, &s) != nil {
			return nil, want("a date", "DateValue")
		}
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return nil, want("a date", "DateValue")
		}
		return s, nil
	case ValueLocation:
		var l Location
		if json.Unmarshal(v.raw, &l) != nil || v.raw[0] != '{' {
			return nil, want("a location", "LocationValue")
		}
		return map[string]*string{"streetAddress": l.StreetAddress, "city": l.City, "state": l.State, "country": l.Country, "continent": l.Continent}, nil
	default: // text, filterable text
		var s string
		if json.Unmarshal(v.raw, &s) != nil {
			return nil, want("a text", "TextValue")
		}
		return s, nil
	}
}

// optionRef is a dropdown value as v2 takes it, an option's id: v's id, which must be
// one of the field's options when the field lists them, or for a plain dropdown the
// id of the option whose text v is, as v1 takes it.
func optionRef(f Field, v SetValue, want func(what, maker string) error) (any, error) {
	var id int64
	if json.Unmarshal(v.raw, &id) == nil {
		if id <= 0 {
			return nil, want("an option's id", "OptionValue")
		}
		if len(f.DropdownOptions) > 0 {
			found := false
			for _, o := range f.DropdownOptions {
				found = found || o.ID == id
			}
			if !found {
				return nil, fmt.Errorf("%d is not an option of field %d (%s)", id, f.ID, f.Name)
			}
		}
		return map[string]int64{"dropdownOptionId": id}, nil
	}
	var text string
	if f.ValueType != ValueDropdown || json.Unmarshal(v.raw, &text) != nil {
		return nil, want("an option's id", "OptionValue")
	}
	o, err := f.Option(text) // a *LookupError lists the options there are
	if err != nil {
		return nil, err
	}
	return map[string]int64{"dropdownOptionId": o.ID}, nil
}
