package apollo

import (
	"slices"
	"testing"
)

func org(id, name, domain string) EnrichedOrganization {
	return EnrichedOrganization{ID: id, Name: name, PrimaryDomain: domain}
}

// Each organization goes to the one query that shares its strongest key, whatever the
// order of the answer; repeated queries share one answer; nothing is guessed.
func TestMatchOrganizations(t *testing.T) {
	for _, c := range []struct {
		name     string
		batch    []EnrichQuery
		orgs     []EnrichedOrganization
		want     []string // the id each query gets, "" for none
		unplaced []string
	}{
		{
			name:  "same name, two domains, answered in reverse order",
			batch: []EnrichQuery{{Domain: "acme.com", Name: "Acme"}, {Domain: "acme.de", Name: "Acme"}},
			orgs:  []EnrichedOrganization{org("de", "Acme", "acme.de"), org("com", "Acme", "acme.com")},
			want:  []string{"com", "de"},
		},
		{
			name:  "a query repeated in one batch",
			batch: []EnrichQuery{{Domain: "acme.com"}, {Domain: "beta.com"}, {Domain: "ACME.com "}},
			orgs:  []EnrichedOrganization{org("b", "Beta", "beta.com"), org("a", "Acme", "acme.com")},
			want:  []string{"a", "b", "a"},
		},
		{
			name:     "a regional domain answered with the main one",
			batch:    []EnrichQuery{{Domain: "acme.fr"}, {Domain: "beta.com"}},
			orgs:     []EnrichedOrganization{org("a", "Acme", "acme.com"), org("b", "Beta", "beta.com")},
			want:     []string{"", "b"},
			unplaced: []string{"a"},
		},
		{
			name:  "a regional domain with a name that tells",
			batch: []EnrichQuery{{Domain: "acme.fr", Name: "Acme"}, {Domain: "beta.com", Name: "Beta"}},
			orgs:  []EnrichedOrganization{org("a", "ACME ", "acme.com"), org("b", "Beta", "beta.com")},
			want:  []string{"a", "b"},
		},
		{
			name:     "a name two queries share",
			batch:    []EnrichQuery{{Name: "Acme", LinkedInURL: "https://linkedin.com/company/acme-1"}, {Name: "Acme"}},
			orgs:     []EnrichedOrganization{org("x", "Acme", "acme.io")},
			want:     []string{"", ""},
			unplaced: []string{"x"},
		},
		{
			name:     "a domain outweighs a name: never fall back to a weaker key",
			batch:    []EnrichQuery{{Domain: "acme.com"}, {Domain: "acme.com", Name: "Other"}, {Name: "Acme"}},
			orgs:     []EnrichedOrganization{org("a", "Acme", "acme.com")},
			want:     []string{"", "", ""},
			unplaced: []string{"a"},
		},
		{
			name:     "two answers for one query",
			batch:    []EnrichQuery{{Domain: "delta.com"}, {Name: "gamma.io"}},
			orgs:     []EnrichedOrganization{org("d1", "Delta 1", "delta.com"), {ID: "d2", Name: "Delta 2", WebsiteURL: "http://www.delta.com"}},
			want:     []string{"d1", ""},
			unplaced: []string{"d2"},
		},
		{
			name: "LinkedIn pages and websites whatever their spelling",
			batch: []EnrichQuery{{LinkedInURL: "https://www.linkedin.com/company/Acme/"}, {LinkedInURL: "http://linkedin.com/company/beta"},
				{Website: "https://WWW.Epsilon.com/about"}},
			orgs: []EnrichedOrganization{{ID: "b", Name: "Beta", LinkedinURL: "http://www.linkedin.com/company/beta"},
				org("e", "Epsilon", "epsilon.com"), {ID: "a", Name: "Acme", LinkedinURL: "https://linkedin.com/company/acme"}},
			want: []string{"a", "b", "e"},
		},
		{
			name:  "nothing found",
			batch: []EnrichQuery{{Domain: "a.invalid"}, {Name: "Unknown"}},
			want:  []string{"", ""},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			answers, unplaced := matchOrganizations(c.batch, c.orgs)
			var got []string
			for _, a := range answers {
				id := ""
				if a != nil {
					id = a.ID
				}
				got = append(got, id)
			}
			var gotUnplaced []string
			for _, u := range unplaced {
				gotUnplaced = append(gotUnplaced, u.ID)
			}
			if !slices.Equal(got, c.want) || !slices.Equal(gotUnplaced, c.unplaced) {
				t.Errorf("answers %q, unplaced %q; want %q and %q", got, gotUnplaced, c.want, c.unplaced)
			}
		})
	}
	for in, want := range map[string]string{"": "", "https://www.linkedin.com/company/X/": "/company/x", " linkedin.com/company/y ": "linkedin.com/company/y"} {
		if got := linkedIn(in); got != want {
			t.Errorf("linkedIn(%q) = %q, want %q", in, got, want)
		}
	}
}
