// Package domain turns what people type or paste for a company's website into the one
// name two records of the same company share: its registrable domain (the public
// suffix plus one label, "eTLD+1"), in lower-case ASCII. Both wrappers match companies
// by it: Affinity's find-or-create, and the enrichment that pairs Apollo companies with
// Affinity organizations.
package domain

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// MaxInputBytes bounds the text Registrable reads: a URL longer than this is not a
// company's website, and the bound keeps hostile input cheap.
const MaxInputBytes = 2048

// profile maps a name as browsers do for lookup (UTS 46, non-transitional: "ß" stays
// "ß"), folds case, checks the letters a host name may hold, and checks DNS lengths
// (63 bytes a label, 253 the name).
var profile = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.BidiRule(), idna.VerifyDNSLength(true))

// Registrable returns the registrable domain of s, which may be a bare domain
// ("Acme.com."), a host with a port ("www.acme.com:8443"), a URL
// ("https://www.acme.com/about?x=1"), an e-mail address ("jo@acme.com") or a name in
// any script ("bücher.de", or its punycode "xn--bcher-kva.de"; both give
// "xn--bcher-kva.de"). Space, a byte order mark and a trailing dot are ignored; case
// is folded.
//
// A subdomain gives its registrable domain: "shop.acme.com" and "www.acme.com" give
// "acme.com", as two records of one company often carry either. Public suffixes are
// honoured, regional ones included: "acme.co.uk" stays "acme.co.uk" (never "co.uk"),
// and "acme.de" is not "acme.com". Suffixes that companies rent names under stay
// apart too: "acme.github.io" is not "other.github.io".
//
// The error says what is wrong: empty, an IP address, a public suffix alone ("co.uk"),
// an unknown top-level domain, letters a host name may not hold, or too long.
func Registrable(s string) (string, error) {
	if len(s) > MaxInputBytes {
		return "", fmt.Errorf("longer than %d bytes", MaxInputBytes)
	}
	if !utf8.ValidString(s) {
		return "", errors.New("not valid UTF-8")
	}
	host := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "\ufeff"))
	if host == "" {
		return "", errors.New("is empty")
	}
	if strings.IndexFunc(host, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0 {
		return "", errors.New("holds a space or a control character")
	}
	// A scheme ("https://", "HTTP://") or a scheme-relative "//".
	if i := strings.Index(host, "//"); i >= 0 && isScheme(host[:i]) {
		host = host[i+2:]
	}
	// The path, query or fragment.
	if i := strings.IndexAny(host, "/?#\\"); i >= 0 {
		host = host[:i]
	}
	// User information or an e-mail address's local part.
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	if strings.HasPrefix(host, "[") {
		return "", errors.New("is an IP address, not a domain")
	}
	// A port.
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		if !allDigits(host[i+1:]) {
			return "", errors.New("has a colon that starts no port")
		}
		host = host[:i]
	}
	host = strings.TrimSuffix(host, ".")
	if host == "" {
		return "", errors.New("names no host")
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return "", errors.New("is an IP address, not a domain")
	}
	ascii, err := profile.ToASCII(host)
	if err != nil {
		return "", fmt.Errorf("is not a valid domain name: %w", err)
	}
	if ascii == "" || strings.Contains(ascii, "..") || strings.HasPrefix(ascii, ".") {
		return "", errors.New("has an empty label")
	}
	suffix, icann := publicsuffix.PublicSuffix(ascii)
	if !icann && !strings.Contains(suffix, ".") {
		// Only the list's default rule matched: no such top-level domain.
		return "", fmt.Errorf("has an unknown top-level domain %q", suffix)
	}
	if suffix == ascii {
		return "", fmt.Errorf("is a public suffix (%q), under which companies register their names", suffix)
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(ascii)
	if err != nil {
		return "", fmt.Errorf("has no registrable domain: %w", err)
	}
	return reg, nil
}

// Equal reports whether a and b have the same registrable domain; a name that has
// none equals nothing.
func Equal(a, b string) bool {
	ra, err := Registrable(a)
	if err != nil {
		return false
	}
	rb, err := Registrable(b)
	return err == nil && ra == rb
}

// isScheme reports whether s is empty (a scheme-relative "//host") or a URL scheme:
// a letter, then letters, digits, "+", "-" or ".", then a colon.
func isScheme(s string) bool {
	if s == "" {
		return true
	}
	name, ok := strings.CutSuffix(s, ":")
	if !ok || name == "" {
		return false
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	if s == "" || len(s) > 5 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
