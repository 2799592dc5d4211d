package apollo_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/wrappers/apollo"
	"github.com/orgapis/orgapis/wrappers/apollo/apollotest"
	"github.com/orgapis/orgapis/wrappers/option"
)

// A 401 says where the key came from; the wrong key itself appears nowhere.
func TestA401NamesWhereTheKeyComesFrom(t *testing.T) {
	fake := apollotest.NewServer(key, apollotest.WithTest(t))
	wrong, err := apollo.NewClient("wrong-key-Ünï-123", option.WithBaseURL(fake.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, err = wrong.CompanyPage(t.Context(), apollo.CompanyQuery{}, 1)
	var apiErr *apollo.Error
	if !errors.Is(err, apollo.ErrUnauthorized) || !errors.As(err, &apiErr) || !strings.Contains(apiErr.Hint, "APOLLO_API_KEY") ||
		!strings.Contains(err.Error(), "NewClientFromEnv reads it from APOLLO_API_KEY") || strings.Contains(err.Error(), "wrong-key") {
		t.Errorf("got %v, want a 401 naming APOLLO_API_KEY", err)
	}
}
