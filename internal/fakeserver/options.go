package fakeserver

import "github.com/orgapis/orgapis/contract"

// The options every fake takes; each fake's package wraps them in its own Option type
// so that its documentation lists them.

// ReportTo makes each finding fail t and closes the fake when t ends.
func ReportTo(t TB) func(*Config) { return func(c *Config) { c.TB = t } }

// OnFinding hands each finding to fn as well.
func OnFinding(fn func(contract.Finding)) func(*Config) {
	return func(c *Config) { c.OnFinding = fn }
}

// NoSpecCheck serves every answer unchecked.
func NoSpecCheck() func(*Config) { return func(c *Config) { c.NoCheck = true } }

// Configure applies opts to a Config, skipping nil ones.
func Configure[O ~func(*Config)](opts []O) Config {
	var c Config
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}
