package affinity_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// serve answers every request with body.
func serve(t testing.TB, body []byte) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func rowsErr(c *affinity.Client) (int, error) {
	n := 0
	for row, err := range c.ListRows(context.Background(), 1, affinity.RowOptions{}) {
		if err != nil {
			return n, err
		}
		n += len(row.Values["Team"])
	}
	return n, nil
}

// A multi value at the client's limit is read; one element more is refused before
// any is decoded, with an error naming the field, its place in the body and the limit,
// which WithMaxFieldValues raises; the limit must be positive.
func TestFieldValuesLimit(t *testing.T) {
	at := serve(t, personMultiPage(affinity.DefaultMaxFieldValues))
	over := serve(t, personMultiPage(affinity.DefaultMaxFieldValues+1))
	client := func(base string, opts ...option.ClientOption) *affinity.Client {
		c, err := affinity.NewClient(key, append([]option.ClientOption{option.WithBaseURL(base)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if n, err := rowsErr(client(at)); err != nil || n != affinity.DefaultMaxFieldValues {
		t.Errorf("at the limit: %d values, %v", n, err)
	}
	_, err := rowsErr(client(over))
	var tooMany *affinity.TooManyValuesError
	var apiErr *affinity.Error
	switch {
	case !errors.As(err, &tooMany) || !errors.As(err, &apiErr):
		t.Fatalf("over the limit: err = %v, want an *Error caused by a *TooManyValuesError", err)
	case tooMany.Member != "/data/0/entity/fields/0/value/data" || tooMany.FieldID != "field-9" ||
		tooMany.Count != affinity.DefaultMaxFieldValues+1 || tooMany.Limit != affinity.DefaultMaxFieldValues:
		t.Errorf("over the limit: %+v", tooMany)
	case errors.Is(err, affinity.ErrMalformedBody):
		t.Errorf("over the limit: %v is not a malformed body", err)
	case !strings.Contains(err.Error(), "field-9") || !strings.Contains(err.Error(), "WithMaxFieldValues") || !strings.Contains(err.Error(), fmt.Sprint(affinity.DefaultMaxFieldValues)):
		t.Errorf("over the limit: %q does not name the field, the limit and the option", err)
	}
	if n, err := rowsErr(client(over, affinity.WithMaxFieldValues(affinity.DefaultMaxFieldValues+1))); err != nil || n != affinity.DefaultMaxFieldValues+1 {
		t.Errorf("with the limit raised: %d values, %v", n, err)
	}
	// The last option given wins, and a lower limit refuses what the default reads.
	if _, err := rowsErr(client(at, affinity.WithMaxFieldValues(5000), affinity.WithMaxFieldValues(10))); !errors.As(err, &tooMany) || tooMany.Limit != 10 {
		t.Errorf("with the limit lowered to 10: %v", err)
	}
	for _, n := range []int{0, -1} {
		_, err := affinity.NewClient(key, affinity.WithMaxFieldValues(n))
		var param *apicall.ParamError
		if !errors.As(err, &param) || param.Param != "WithMaxFieldValues" {
			t.Errorf("WithMaxFieldValues(%d): %v, want a ParamError", n, err)
		}
	}
}

// A null inside a multi value, through ListRows and through GetCompany, is a malformed
// body naming the element by its JSON pointer, never a 0, "" or empty location.
func TestNullElementThroughTheCalls(t *testing.T) {
	for _, typ := range []string{"number-multi", "filterable-text-multi", "location-multi"} {
		value := fmt.Sprintf(`{"type":%q,"data":[null]}`, typ)
		page := bytes.Replace(personMultiPage(1), []byte(`{"type":"person-multi","data":[{"id":1}]}`), []byte(value), 1)
		c, err := affinity.NewClient(key, option.WithBaseURL(serve(t, page)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = rowsErr(c)
		var missing *apicall.MissingMemberError
		if !errors.Is(err, affinity.ErrMalformedBody) || !errors.As(err, &missing) || missing.Pointer() != "/data/0/entity/fields/0/value/data/0" {
			t.Errorf("ListRows, %s: err = %v", value, err)
		}
		company := fmt.Sprintf(`{"id":5,"name":"Acme","domain":null,"domains":[],"isGlobal":false,"fields":[{"id":"field-9","name":"Team","type":"global","enrichmentSource":null,"value":%s}]}`, value)
		c, err = affinity.NewClient(key, option.WithBaseURL(serve(t, []byte(company))))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.GetCompany(t.Context(), 5, affinity.FieldSelection{Kinds: []affinity.FieldKind{affinity.FieldGlobal}})
		if !errors.Is(err, affinity.ErrMalformedBody) || !errors.As(err, &missing) || missing.Pointer() != "/fields/0/value/data/0" {
			t.Errorf("GetCompany, %s: err = %v", value, err)
		}
	}
}
