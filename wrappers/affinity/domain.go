package affinity

import (
	"fmt"

	"github.com/orgapis/orgapis/internal/domain"
)

// NormalizeDomain returns the registrable domain of s in lower-case ASCII, the form
// FindOrCreateOrganization matches organizations by: a URL, a host with "www." or
// any other subdomain, a port, a trailing dot or capitals all give the domain a
// company registered ("https://www.Acme.com/about" gives "acme.com",
// "shop.acme.co.uk" gives "acme.co.uk"), and a name in any script gives its punycode
// ("bücher.de" and "xn--bcher-kva.de" both give "xn--bcher-kva.de"). Regional
// domains stay apart: "acme.de" is not "acme.com".
//
// Anything that names no registrable domain (empty, an IP address, a public suffix
// alone such as "co.uk", an unknown top-level domain, letters a host name may not
// hold) is an *apicall.ParamError for "domain" that quotes s.
func NormalizeDomain(s string) (string, error) {
	d, err := domain.Registrable(s)
	if err != nil {
		return "", paramError("domain", fmt.Sprintf("%q %v", truncate(s, 100), err))
	}
	return d, nil
}

// truncate cuts s to at most n bytes on a rune boundary, so an error quotes a bounded
// piece of a long input.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
