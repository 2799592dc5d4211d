package cli

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/orgapis/orgapis/contract"
	"github.com/orgapis/orgapis/internal/docread"
)

// collected is what the paths of a run expand to.
type collected struct {
	inputs []Input
	// notRecordings counts files of a directory walk that are no recording;
	// notRegular those that are not regular files (FIFOs, devices, sockets).
	notRecordings, notRegular int
}

// collect expands the paths into inputs. Directories are walked recursively (hidden
// ones below the top are left out), and each regular file is recognised by content:
// what is no recording is skipped and counted, as is what is not a regular file, which
// is never opened (a FIFO would block, a device never end). Everything is looked at
// with Stat before anything is opened. A path named outright that does not exist, is
// not a regular file or is no recording becomes an input whose Open fails, so that it
// is reported with the rest rather than stopping the run. include and exclude are
// globs matched against a walked file's path and its base name.
func collect(paths []string, stdin io.Reader, include, exclude []string) (collected, error) {
	var c collected
	for _, pattern := range append(append([]string{}, include...), exclude...) {
		if _, err := filepath.Match(pattern, ""); err != nil {
			return c, usageError{fmt.Sprintf("glob %q: %v", pattern, err)}
		}
	}
	for _, p := range paths {
		if p == "-" {
			c.inputs = append(c.inputs, Input{Name: "(stdin)", Open: func() (io.ReadCloser, error) { return io.NopCloser(stdin), nil }})
			continue
		}
		info, err := os.Stat(p)
		switch {
		case err != nil:
			c.inputs = append(c.inputs, failedInput(p, err))
			continue
		case !info.IsDir() && !info.Mode().IsRegular():
			c.inputs = append(c.inputs, failedInput(p, notRegularError(info.Mode())))
			continue
		case !info.IsDir():
			if _, err := sniff(p); err != nil {
				c.inputs = append(c.inputs, failedInput(p, err))
			} else {
				c.inputs = append(c.inputs, fileInput(p))
			}
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				c.inputs = append(c.inputs, failedInput(path, err))
				return nil
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir // .git and the like
				}
				return nil
			}
			if !selected(path, include, exclude) {
				return nil
			}
			info, err := os.Stat(path) // follows a symlink to what it names
			switch {
			case err != nil:
				c.inputs = append(c.inputs, failedInput(path, err))
			case !info.Mode().IsRegular():
				c.notRegular++
			default:
				if _, err := sniff(path); err != nil {
					c.notRecordings++
				} else {
					c.inputs = append(c.inputs, fileInput(path))
				}
			}
			return nil
		})
		if err != nil {
			return c, err
		}
	}
	return c, nil
}

// sniff reads the start of a regular file and tells its recording format.
func sniff(path string) (contract.Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, contract.SniffBytes)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", err
	}
	format, ok := contract.Sniff(head[:n])
	if !ok {
		return "", contract.ErrUnknownFormat
	}
	return format, nil
}

func selected(path string, include, exclude []string) bool {
	matches := func(patterns []string) bool {
		for _, pattern := range patterns {
			if ok, _ := filepath.Match(pattern, path); ok {
				return true
			}
			if ok, _ := filepath.Match(pattern, filepath.Base(path)); ok {
				return true
			}
		}
		return false
	}
	return (len(include) == 0 || matches(include)) && !matches(exclude)
}

func fileInput(path string) Input {
	return Input{Name: path, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

func failedInput(path string, err error) Input {
	return Input{Name: path, Open: func() (io.ReadCloser, error) { return nil, err }}
}

// notRegularError says why a FIFO, device or socket is not read.
func notRegularError(mode fs.FileMode) error {
	return fmt.Errorf("%s, not read: give a regular file, a directory, or - for standard input", docread.FileKind(mode))
}
