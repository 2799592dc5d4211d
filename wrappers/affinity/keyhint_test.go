package affinity_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/option"
)

// A 401 says where the key came from, so that a new user knows what to fix; another
// failure says nothing of the key, and the wrong key itself appears nowhere.
func TestA401NamesWhereTheKeyComesFrom(t *testing.T) {
	fake := affinitytest.NewServer(key, affinitytest.WithTest(t))
	fake.GenerateList("Deal Flow", 1, 1)
	wrong, err := affinity.NewClient("wrong-key-Ünï-123", option.WithBaseURL(fake.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, v1err := wrong.GetOrganization(t.Context(), 1000, affinity.GetOrganizationOptions{})
	var rowErr error
	for _, err := range wrong.ListRows(t.Context(), 501, affinity.RowOptions{}) {
		rowErr = err
		break
	}
	for name, err := range map[string]error{"v1": v1err, "v2": rowErr} {
		var apiErr *affinity.Error
		if !errors.Is(err, affinity.ErrUnauthorized) || !errors.As(err, &apiErr) || !strings.Contains(apiErr.Hint, "AFFINITY_API_KEY") ||
			!strings.Contains(err.Error(), "NewClientFromEnv reads it from AFFINITY_API_KEY") || strings.Contains(err.Error(), "wrong-key") {
			t.Errorf("%s: got %v, want a 401 naming AFFINITY_API_KEY", name, err)
		}
	}
	c, _ := fake.Client()
	_, err = c.GetOrganization(t.Context(), 999999, affinity.GetOrganizationOptions{})
	var apiErr *affinity.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.Hint != "" || strings.Contains(err.Error(), "AFFINITY_API_KEY") {
		t.Errorf("a 404: %v, want no word of the key", err)
	}
}
