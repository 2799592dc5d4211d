package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// reportFiles is --report FORMAT=PATH, repeatable: reports the run writes to files
// besides the one --format writes to standard output, so that one run gives a CI job
// its annotations, its Markdown summary and a SARIF or JSON artifact.
type reportFiles []reportFile

type reportFile struct{ format, path string }

func (r *reportFiles) String() string {
	if r == nil {
		return ""
	}
	parts := make([]string, len(*r))
	for i, f := range *r {
		parts[i] = f.format + "=" + f.path
	}
	return strings.Join(parts, ",")
}

// Set reads FORMAT=PATH.
func (r *reportFiles) Set(v string) error {
	format, path, ok := strings.Cut(v, "=")
	switch {
	case !ok || path == "":
		return fmt.Errorf("%q: want FORMAT=PATH, such as markdown=summary.md", v)
	case path == "-":
		return fmt.Errorf("%q: want a file; --format writes to standard output", v)
	}
	if err := checkFormat("format", format); err != nil {
		return fmt.Errorf("%q: %w", v, err)
	}
	for _, f := range *r {
		if samePath(f.path, path) {
			return fmt.Errorf("%q: %s is named twice", v, path)
		}
	}
	*r = append(*r, reportFile{format, path})
	return nil
}

// samePath reports whether a and b name one file, however spelt (relative or
// absolute, with . or .. in them; a link is not followed).
func samePath(a, b string) bool {
	aa, errA := filepath.Abs(a)
	bb, errB := filepath.Abs(b)
	return errA == nil && errB == nil && aa == bb
}

// clash refuses a report file that is another file of the run, by the flag that
// names it, such as --write-baseline: the report would replace it.
func (r reportFiles) clash(others map[string]string) error {
	for _, f := range r {
		for flag, path := range others {
			if path != "" && samePath(f.path, path) {
				return usageError{fmt.Sprintf("--report %s=%s: %s names that file too", f.format, f.path, flag)}
			}
		}
	}
	return nil
}

// has reports whether one of the files is in format.
func (r reportFiles) has(format string) bool {
	for _, f := range r {
		if f.format == format {
			return true
		}
	}
	return false
}

// write writes res to each file, replacing what it held, each through wrap (live
// mode's scrubber; nil for none). It goes on past a file it cannot write, and says
// which failed.
func (r reportFiles) write(res Result, wrap func(io.Writer) io.Writer) error {
	var errs []error
	for _, f := range r {
		// Written whole, so that a scrub sees every finding at once.
		var buf bytes.Buffer
		if err := WriteReport(&buf, f.format, res); err != nil {
			errs = append(errs, fmt.Errorf("--report %s=%s: %w", f.format, f.path, err))
			continue
		}
		// Written beside the file and renamed onto it, so that a failed write leaves
		// what was there, never half a report.
		out, err := os.CreateTemp(filepath.Dir(f.path), "."+filepath.Base(f.path)+".*")
		if err != nil {
			errs = append(errs, fmt.Errorf("--report %s=%s: %w", f.format, f.path, err))
			continue
		}
		var w io.Writer = out
		if wrap != nil {
			w = wrap(out)
		}
		_, err = w.Write(buf.Bytes())
		err = errors.Join(err, out.Chmod(0o644), out.Close())
		if err == nil {
			err = os.Rename(out.Name(), f.path)
		}
		if err != nil {
			_ = os.Remove(out.Name())
			errs = append(errs, fmt.Errorf("--report %s=%s: %w", f.format, f.path, err))
		}
	}
	return errors.Join(errs...)
}
