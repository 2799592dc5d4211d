package apollo_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/orgapis/orgapis/wrappers/apollo"
)

// The default User-Agent names the client and the orgapis version it was built with.
func TestUserAgentCarriesTheVersion(t *testing.T) {
	var ua string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua = r.UserAgent()
		w.WriteHeader(http.StatusNotFound)
	}))
	defer srv.Close()
	c, err := apollo.NewClient("user-agent-key-1", apollo.WithBaseURL(srv.URL), apollo.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	call(t, c)
	if !regexp.MustCompile(`^orgapis-apollo-go/[^ ()]+$`).MatchString(ua) {
		t.Errorf("User-Agent %q", ua)
	}
}

func call(t *testing.T, c *apollo.Client) { _, _ = c.GetOrganization(t.Context(), "abc") }
