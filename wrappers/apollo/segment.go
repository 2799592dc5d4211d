package apollo

// checkSegment refuses a path parameter that cannot stay in its own segment. The
// generated client escapes "/", "?", "#" and "%" in path parameters, but "." and ".."
// are left as they are, and URL resolution then removes them with the segment before:
// GetOrganization("..") would ask for the API's root. An id that is empty or only dots
// is never one Apollo issues.
func checkSegment(param, id string) error {
	switch id {
	case "":
		return paramError(param, "is required")
	case ".", "..":
		return paramError(param, `"`+id+`" cannot be a path segment`)
	}
	return nil
}
