package contract

import "net/url"

// parseURL is url.Parse, faster on the URLs recordings hold most: a lower-case
// scheme, a host of letters, digits, dots and dashes, a path of unreserved
// characters and slashes, and a query of printable ASCII but '#'. Those it builds
// itself, as url.Parse would (FuzzParseURL holds the two together); every other
// URL goes to url.Parse. Each entry's URL is parsed, and url.Parse's general rules
// cost about as much as checking a small answer.
func parseURL(raw string) (*url.URL, error) {
	if u, ok := simpleURL(raw); ok {
		return u, nil
	}
	return url.Parse(raw)
}

func simpleURL(raw string) (*url.URL, bool) {
	i := 0
	for i < len(raw) && 'a' <= raw[i] && raw[i] <= 'z' {
		i++
	}
	if i == 0 || len(raw) < i+3 || raw[i:i+3] != "://" {
		return nil, false
	}
	scheme := raw[:i]
	i += 3
	hostStart := i
	for i < len(raw) && raw[i] != '/' && raw[i] != '?' {
		c := raw[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return nil, false
		}
		i++
	}
	if i == hostStart {
		return nil, false
	}
	host := raw[hostStart:i]
	pathStart := i
	for i < len(raw) && raw[i] != '?' {
		c := raw[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
			return nil, false
		}
		i++
	}
	path := raw[pathStart:i]
	var query string
	if i < len(raw) { // at '?'
		query = raw[i+1:]
		if query == "" {
			return nil, false // ForceQuery: url.Parse's
		}
		for j := 0; j < len(query); j++ {
			if c := query[j]; c < 0x21 || c > 0x7e || c == '#' {
				return nil, false
			}
		}
	}
	return &url.URL{Scheme: scheme, Host: host, Path: path, RawQuery: query}, true
}
