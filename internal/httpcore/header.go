package httpcore

import "strings"

// ValidHeader reports whether key is an HTTP token and value has no line break or
// other control character, so that a header an option sets cannot split a request.
func ValidHeader(key, value string) bool {
	if !isToken(key) {
		return false
	}
	for _, r := range value {
		if (r < ' ' && r != '\t') || r == 0x7f {
			return false
		}
	}
	return true
}

// isToken reports whether s is an HTTP token (RFC 9110), as header names and methods are.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}
