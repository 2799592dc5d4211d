package domain

import (
	"strings"
	"testing"
)

func TestRegistrable(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"acme.com", "acme.com"},
		{"ACME.COM", "acme.com"},
		{"  acme.com.  ", "acme.com"},
		{"\ufeffacme.com", "acme.com"},
		{"www.acme.com", "acme.com"},
		{"sub.acme.com", "acme.com"},
		{"https://www.acme.com/about?x=1#top", "acme.com"},
		{"HTTP://Acme.com:8080", "acme.com"},
		{"//acme.com/x", "acme.com"},
		{"acme.com:443", "acme.com"},
		{"jo@acme.com", "acme.com"},
		{"https://user:pw@acme.com/", "acme.com"},
		{"acme.co.uk", "acme.co.uk"},
		{"www.shop.acme.co.uk", "acme.co.uk"},
		{"acme.com.au", "acme.com.au"},
		{"acme.de", "acme.de"},
		{"acme.github.io", "acme.github.io"},
		{"bücher.de", "xn--bcher-kva.de"},
		{"BÜCHER.de", "xn--bcher-kva.de"},
		{"xn--bcher-kva.de", "xn--bcher-kva.de"},
		{"XN--BCHER-KVA.DE", "xn--bcher-kva.de"},
		{"https://www.bücher.de/katalog", "xn--bcher-kva.de"},
		{"пример.рф", "xn--e1afmkfd.xn--p1ai"},
		{"straße.de", "xn--strae-oqa.de"}, // non-transitional: ß is kept, not "strasse"
	} {
		got, err := Registrable(c.in)
		if err != nil || got != c.want {
			t.Errorf("Registrable(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestRegistrableRefuses(t *testing.T) {
	for _, c := range []struct{ in, reason string }{
		{"", "empty"},
		{"   ", "empty"},
		{"\ufeff", "empty"},
		{"com", "public suffix"},
		{"co.uk", "public suffix"},
		{"https://co.uk/", "public suffix"},
		{"github.io", "public suffix"},
		{"localhost", "unknown top-level domain"},
		{"acme.notatld", "unknown top-level domain"},
		{"192.168.0.1", "IP address"},
		{"http://[::1]:80/", "IP address"},
		{"acme .com", "space"},
		{"acme.com\x00", "control"},
		{"acme.com\nevil.com", "control"},
		{"acme_corp.com", "valid domain name"},
		{"-acme.com", "valid domain name"},
		{"acme..com", "valid domain name"},
		{".acme.com", "valid domain name"},
		{"acme.com:http", "colon"},
		{"https://", "names no host"},
		{"\xff\xfe", "UTF-8"},
		{strings.Repeat("a", 64) + ".com", "valid domain name"},
		{strings.Repeat("a", MaxInputBytes+1), "longer than"},
	} {
		got, err := Registrable(c.in)
		if err == nil {
			t.Errorf("Registrable(%q) = %q; want an error saying %q", c.in, got, c.reason)
			continue
		}
		if !strings.Contains(err.Error(), c.reason) {
			t.Errorf("Registrable(%q): %v; want it to say %q", c.in, err, c.reason)
		}
	}
	// The longest label DNS allows passes: the bound above is the only one.
	if _, err := Registrable(strings.Repeat("a", 63) + ".com"); err != nil {
		t.Errorf("a 63-byte label: %v", err)
	}
}

func TestEqual(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"bücher.de", "xn--bcher-kva.de", true},
		{"https://www.Acme.com/", "acme.com", true},
		{"shop.acme.com", "acme.com", true},
		{"acme.co.uk", "acme.com", false},
		{"acme.co.uk", "other.co.uk", false},
		{"acme.github.io", "other.github.io", false},
		{"co.uk", "co.uk", false}, // no registrable domain: equal to nothing
	} {
		if got := Equal(c.a, c.b); got != c.want {
			t.Errorf("Equal(%q, %q) = %v; want %v", c.a, c.b, got, c.want)
		}
	}
}
