package affinity_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/orgapis/orgapis/internal/spectest"
	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/option"
)

// A page token that echoes the key, as sent or as the Basic credentials, and repeats,
// fails with ErrRepeatedPageToken without the key anywhere in the error's tree: v1's
// next_page_token and v2's cursor alike.
func TestRepeatedPageTokenEchoingTheKeyIsScrubbed(t *testing.T) {
	key := spectest.HostileKey
	for _, token := range []string{key, base64.StdEncoding.EncodeToString([]byte(":" + key)), url.QueryEscape(key)} {
		t.Run("v1 "+token, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				body, _ := json.Marshal(map[string]any{"organizations": []any{map[string]any{"id": 1, "name": "a", "domain": "a.com", "domains": []string{"a.com"}, "global": false}}, "next_page_token": token})
				w.Write(body)
			}))
			defer srv.Close()
			c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			var last error
			for _, err := range c.Organizations(t.Context(), affinity.OrganizationQuery{}) {
				last = err
			}
			repeatedAndScrubbed(t, last)
		})
		t.Run("v2 "+token, func(t *testing.T) {
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				body, _ := json.Marshal(map[string]any{"data": []any{map[string]any{"id": 1, "name": "a", "domain": "a.com", "domains": []string{"a.com"}, "isGlobal": false, "fields": []any{}}},
					"pagination": map[string]any{"nextUrl": srv.URL + "/v2/companies?cursor=" + url.QueryEscape(token)}})
				w.Write(body)
			}))
			defer srv.Close()
			c, err := affinity.NewClient(key, option.WithBaseURL(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			var last error
			for _, err := range c.Companies(t.Context(), affinity.CompanyQuery{}) {
				last = err
			}
			repeatedAndScrubbed(t, last)
		})
	}
}

func repeatedAndScrubbed(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, affinity.ErrRepeatedPageToken) {
		t.Fatalf("err = %v, want ErrRepeatedPageToken", err)
	}
	for _, leak := range spectest.KeyNodes(err, spectest.KeyForms(spectest.HostileKey)) {
		t.Error(leak)
	}
	if fmt.Sprint(err) == "" {
		t.Error("empty error text")
	}
}
