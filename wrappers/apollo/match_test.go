package apollo

import "testing"

// An organization answers the first unanswered query that shares a key with it: the
// LinkedIn page, whatever its scheme, host, case and trailing slash, counts like a
// domain does, and a name never matches a domain.
func TestMatchOrganizations(t *testing.T) {
	str := func(s string) *string { return &s }
	batch := []EnrichQuery{
		{LinkedInURL: "https://www.linkedin.com/company/Acme/"},
		{LinkedInURL: "http://linkedin.com/company/beta"},
		{Name: "gamma.io"},
		{Domain: "delta.com"},
		{Domain: "delta.com"},
		{Website: "https://WWW.Epsilon.com/about"},
	}
	orgs := []EnrichedOrganization{
		{Name: "Beta", LinkedinURL: str("http://www.linkedin.com/company/beta")},
		{Name: "Gamma", PrimaryDomain: str("gamma.io")},
		{Name: "Acme", LinkedinURL: str("https://linkedin.com/company/acme")},
		{Name: "Delta 1", PrimaryDomain: str("delta.com")},
		{Name: "Delta 2", WebsiteURL: str("http://www.delta.com")},
		{Name: "Epsilon", PrimaryDomain: str("epsilon.com")},
	}
	want := []string{"Acme", "Beta", "", "Delta 1", "Delta 2", "Epsilon"}
	got := matchOrganizations(batch, orgs)
	for i, w := range want {
		name := ""
		if got[i] != nil {
			name = got[i].Name
		}
		if name != w {
			t.Errorf("query %d (%v) matched %q, want %q", i, batch[i], name, w)
		}
	}
	for in, want := range map[string]string{"": "", "https://www.linkedin.com/company/X/": "/company/x", " linkedin.com/company/y ": "linkedin.com/company/y"} {
		if got := linkedIn(in); got != want {
			t.Errorf("linkedIn(%q) = %q, want %q", in, got, want)
		}
	}
}
