package affinity_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// breakWrites serves the fake behind a proxy that lets the fake apply every write,
// then damages its answer: "cut" declares more body than it sends and drops the
// connection, "shape" sends a body whose value is of no field's type, "drop" answers
// nothing at all. Reads pass untouched.
func breakWrites(t *testing.T, fake *affinitytest.Server, how string) *affinity.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		fake.Handler().ServeHTTP(rec, r)
		if r.Method == http.MethodGet || rec.Code >= 300 {
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
			return
		}
		body := rec.Body.Bytes()
		switch how {
		case "cut":
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(rec.Code)
			w.Write(body[:len(body)/2])
			return // the server drops the connection: less than declared was sent
		case "shape":
			body = bytes.Replace(body, []byte(`"value":`), []byte(`"value":true,"was":`), 1)
			body = bytes.Replace(body, []byte(`"name":`), []byte(`"name":7,"was":`), 1)
			body = bytes.Replace(body, []byte(`"success":true`), []byte(`"success":"yes"`), 1)
		case "drop":
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL), option.WithBackoff(time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// writes counts the requests that changed something in the fake.
func writes(fake *affinitytest.Server) int {
	n := 0
	for _, r := range fake.Requests() {
		if r.Method != http.MethodGet {
			n++
		}
	}
	return n
}

// A write whose 2xx answer cannot be read is reported as applied, with the record's id
// when the answer held one, and never repeated: the fake sees it once, and the next
// read finds it done.
func TestAWriteWhoseAnswerBreaksIsReportedApplied(t *testing.T) {
	type write struct {
		name string
		do   func(c *affinity.Client, list, entry, entity, fieldValue int64, status affinity.Field) error
		// done reads the fake to tell whether the write took effect.
		done func(fake *affinitytest.Server, c *affinity.Client, entry, fieldValue int64) bool
		id   bool // the answer carries the record's id
	}
	valuesOf := func(c *affinity.Client, entry int64) []affinity.FieldValue {
		vs, _ := c.ListFieldValues(t.Context(), affinity.FieldValueQuery{ListEntryID: entry})
		return vs
	}
	for _, w := range []write{
		{"CreateFieldValue", func(c *affinity.Client, list, entry, entity, _ int64, status affinity.Field) error {
			_, err := c.CreateFieldValue(t.Context(), affinity.NewFieldValue{FieldID: status.ID, EntityID: entity, ListEntryID: entry,
				Value: affinity.OptionValue(status.DropdownOptions[2].ID)})
			return err
		}, func(_ *affinitytest.Server, c *affinity.Client, entry, _ int64) bool {
			return len(valuesOf(c, entry)) == 2
		}, true},
		{"UpdateFieldValue", func(c *affinity.Client, _, _, _, fv int64, status affinity.Field) error {
			_, err := c.UpdateFieldValue(t.Context(), fv, affinity.OptionValue(status.DropdownOptions[2].ID))
			return err
		}, func(_ *affinitytest.Server, c *affinity.Client, entry, _ int64) bool {
			vs := valuesOf(c, entry)
			return len(vs) == 1 && vs[0].Value.Option != nil && vs[0].Value.Option.Text == "Won"
		}, true},
		{"DeleteFieldValue", func(c *affinity.Client, _, _, _, fv int64, _ affinity.Field) error {
			return c.DeleteFieldValue(t.Context(), fv)
		}, func(_ *affinitytest.Server, c *affinity.Client, entry, _ int64) bool {
			return len(valuesOf(c, entry)) == 0
		}, false},
		{"CreateOrganization", func(c *affinity.Client, _, _, _, _ int64, _ affinity.Field) error {
			_, err := c.CreateOrganization(t.Context(), affinity.NewOrganization{Name: "Ünïcode AG"})
			return err
		}, func(fake *affinitytest.Server, _ *affinity.Client, _, _ int64) bool { return fake.Len() == 2 }, true},
	} {
		for _, how := range []string{"cut", "shape"} {
			t.Run(w.name+" "+how, func(t *testing.T) {
				fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
				list := fake.GenerateList("Deal Flow", 1, 1)
				good, _ := fake.Client()
				fields, _ := good.ListFields(t.Context(), affinity.FieldQuery{ListID: list})
				var entry affinity.ListEntry
				for e, err := range good.ListEntries(t.Context(), affinity.ListEntryQuery{ListID: list}) {
					if err != nil {
						t.Fatal(err)
					}
					entry = e
				}
				fv := valuesOf(good, entry.ID)[0].ID
				c := breakWrites(t, fake, how)
				before := writes(fake)
				err := w.do(c, list, entry.ID, entry.EntityID, fv, fields[0])
				var apiErr *affinity.Error
				if !errors.Is(err, affinity.ErrApplied) || !errors.As(err, &apiErr) || !apiErr.Applied || !strings.Contains(err.Error(), "do not repeat") {
					t.Fatalf("got %v, want an error saying the write was applied", err)
				}
				if n := writes(fake) - before; n != 1 {
					t.Errorf("the fake received the write %d times, want once", n)
				}
				if want := w.id && how == "shape"; (apiErr.AppliedID != "") != want {
					t.Errorf("AppliedID %q; want one: %v", apiErr.AppliedID, want)
				}
				if !w.done(fake, good, entry.ID, fv) {
					t.Error("the next read does not find the write done")
				}
				if errors.Is(err, affinity.ErrMaybeApplied) || errors.Is(err, affinity.ErrNotFound) {
					t.Errorf("%v matches another sentinel too", err)
				}
			})
		}
	}
}

// A read whose answer breaks is not a write applied.
func TestAReadWhoseAnswerBreaksIsNotApplied(t *testing.T) {
	c, fake := setup(t)
	fake.Generate(1)
	fake.Fail(affinitytest.Malformed())
	_, err := c.GetOrganization(t.Context(), 1000, affinity.GetOrganizationOptions{}, option.WithRetries(0))
	if !errors.Is(err, affinity.ErrMalformedBody) || errors.Is(err, affinity.ErrApplied) {
		t.Errorf("got %v, want malformed and not applied", err)
	}
}

// A create whose connection breaks after it was sent may have been applied: it is not
// repeated and says so; an update, safe to repeat, is repeated and still says so when
// every attempt breaks.
func TestAWriteWithoutAnAnswerMayHaveBeenApplied(t *testing.T) {
	fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
	c := breakWrites(t, fake, "drop")
	_, err := c.CreateOrganization(t.Context(), affinity.NewOrganization{Name: "Acme"})
	var unknown *apicall.UnknownOutcomeError
	if !errors.Is(err, affinity.ErrMaybeApplied) || !errors.As(err, &unknown) || unknown.Operation != "createOrganization" || errors.Is(err, affinity.ErrApplied) {
		t.Fatalf("got %v, want an unknown outcome of createOrganization", err)
	}
	if n := writes(fake); n != 1 || fake.Len() != 1 {
		t.Errorf("%d writes reached the fake (%d organizations), want 1", n, fake.Len())
	}
	_, err = c.UpdateOrganization(t.Context(), 1000, affinity.OrganizationUpdate{Name: "Acme 2"}, option.WithRetries(2))
	if !errors.Is(err, affinity.ErrMaybeApplied) {
		t.Fatalf("update: got %v, want ErrMaybeApplied", err)
	}
	if n := writes(fake); n != 1+3 {
		t.Errorf("%d writes, want the create and three attempts of the update", n)
	}
}

// A create whose answer names a field the client does not know yet, and whose fetch
// of the fields then fails, is still reported as applied, not as the fetch's failure.
func TestAWriteStaysAppliedWhenLearningItsFieldFails(t *testing.T) {
	c, fake := setup(t)
	list := fake.GenerateList("Deal Flow", 1, 1)
	f, err := fake.AddField(list, "Über", affinity.ValueNumber, false)
	if err != nil {
		t.Fatal(err)
	}
	var entry affinity.ListEntry
	for e, err := range c.ListEntries(t.Context(), affinity.ListEntryQuery{ListID: list}) {
		if err != nil {
			t.Fatal(err)
		}
		entry = e
	}
	// The create is answered as usual, then every attempt to read the fields fails.
	fake.Fail(affinitytest.Fault{}, affinitytest.ServerError(500), affinitytest.ServerError(500), affinitytest.ServerError(500), affinitytest.ServerError(500))
	_, err = c.CreateFieldValue(t.Context(), affinity.NewFieldValue{FieldID: f.ID, EntityID: entry.EntityID, ListEntryID: entry.ID, Value: affinity.NumberValue(2.5)})
	var apiErr *affinity.Error
	if !errors.Is(err, affinity.ErrApplied) || !errors.As(err, &apiErr) || apiErr.Operation != "createFieldValue" || apiErr.AppliedID == "" {
		t.Fatalf("got %v, want createFieldValue applied with its id", err)
	}
	values, err := c.ListFieldValues(t.Context(), affinity.FieldValueQuery{ListEntryID: entry.ID})
	if err != nil || len(values) != 2 {
		t.Errorf("after the write the entry holds %d values (%v), want 2", len(values), err)
	}
}
