package enrichsync

import "strings"

// MappingError is a mapping that cannot be used, as ReadMapping, ParseMapping, New
// and a run's check against the live fields report it: one problem per bad line or
// key, each naming the file and line ("enrichsync.yaml:7: ..."), so that a command can
// print them one to a line. Find it with errors.As; Unwrap gives the problems to
// errors.Is and errors.As as well.
type MappingError struct {
	// Problems are the mapping's errors: those of entries that do not parse, then those
	// of entries that parse but cannot be used, each in the order of the file.
	Problems []error
}

// Error is the problems, one to a line.
func (e *MappingError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems.
func (e *MappingError) Unwrap() []error { return e.Problems }

// mappingError is nil when errs hold no error, and otherwise a *MappingError of every
// problem they hold, joined errors (errors.Join, another MappingError) taken apart so
// that each problem is one line.
func mappingError(errs ...error) error {
	var problems []error
	var flatten func(err error)
	flatten = func(err error) {
		switch e := err.(type) {
		case nil:
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				flatten(inner)
			}
		default:
			problems = append(problems, err)
		}
	}
	for _, err := range errs {
		flatten(err)
	}
	if len(problems) == 0 {
		return nil
	}
	return &MappingError{Problems: problems}
}
