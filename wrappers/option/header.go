package option

import "strings"

// validHeader reports whether key is an HTTP token and value has no line break or
// other control character, so that a call header cannot split a request.
func validHeader(key, value string) bool {
	if key == "" {
		return false
	}
	for _, r := range key {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	for _, r := range value {
		if (r < ' ' && r != '\t') || r == 0x7f {
			return false
		}
	}
	return true
}
