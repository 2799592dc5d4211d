// Package apisurface finds the types of given packages that show through another's
// exported API: every type a user can reach from an exported identifier (a field, a
// parameter or result, a method, an embedded type, a type argument, an alias), at any
// depth, through the package's unexported types and the module's internal ones. The
// wrappers' test uses it to hold their API free of the generated clients' types.
package apisurface

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
)

// Load type-checks the packages the patterns name, from the export data the go command
// builds for them (go list -export), run in dir.
func Load(dir string, patterns ...string) ([]*types.Package, error) {
	args := append([]string{"list", "-export", "-deps", "-json=ImportPath,Export,DepOnly,Error"}, patterns...)
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v\n%s", err, stderr.Bytes())
	}
	exports := map[string]string{}
	var targets []string
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p struct {
			ImportPath, Export string
			DepOnly            bool
			Error              *struct{ Err string }
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list: %v", err)
		}
		if p.Error != nil {
			return nil, fmt.Errorf("go list: %s: %s", p.ImportPath, p.Error.Err)
		}
		exports[p.ImportPath] = p.Export
		if !p.DepOnly {
			targets = append(targets, p.ImportPath)
		}
	}
	imp := importer.ForCompiler(token.NewFileSet(), "gc", func(path string) (io.ReadCloser, error) {
		if exports[path] == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(exports[path])
	})
	var pkgs []*types.Package
	for _, path := range targets {
		pkg, err := imp.Import(path)
		if err != nil {
			return nil, err
		}
		pkgs = append(pkgs, pkg)
	}
	return pkgs, nil
}

// Finding is a forbidden type reached from an exported identifier.
type Finding struct {
	// Where is the way to it from the package, such as "affinity.List.Fields" or
	// "affinity.Client.GetList: result 0".
	Where string
	// Type is the forbidden type as its package names it, such as "affinityapi.Field".
	Type string
}

func (f Finding) String() string { return f.Where + ": " + f.Type }

// Check walks pkg's exported API and returns where it reaches a named type of a package
// forbidden says is one, in the order of the identifiers' names; exported is the number
// of exported identifiers walked, so that a check of an empty package can be told from
// one that found nothing. It follows the types of pkg and of the packages whose paths
// start with follow (the module's own), and not the standard library's.
func Check(pkg *types.Package, forbidden func(*types.Package) bool, follow string) (findings []Finding, exported int) {
	w := &walker{forbidden: forbidden, follow: follow, seen: map[types.Type]bool{}}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		exported++
		where := pkg.Name() + "." + name
		switch obj := obj.(type) {
		case *types.TypeName:
			if obj.IsAlias() {
				w.typ(where, obj.Type())
				continue
			}
			w.named(where, obj.Type().(*types.Named))
		default:
			w.typ(where, obj.Type())
		}
	}
	sort.SliceStable(w.found, func(i, j int) bool { return w.found[i].Where < w.found[j].Where })
	return w.found, exported
}

type walker struct {
	forbidden func(*types.Package) bool
	follow    string
	seen      map[types.Type]bool
	found     []Finding
}

func (w *walker) report(where string, obj types.Object) {
	w.found = append(w.found, Finding{Where: where, Type: obj.Pkg().Name() + "." + obj.Name()})
}

// named walks a defined type's structure and exported methods, once.
func (w *walker) named(where string, n *types.Named) {
	if w.seen[n] {
		return
	}
	w.seen[n] = true
	if tp := n.TypeParams(); tp != nil {
		for i := range tp.Len() {
			w.typ(where+": type parameter "+tp.At(i).Obj().Name(), tp.At(i))
		}
	}
	w.typ(where, n.Underlying())
	for i := range n.NumMethods() {
		if m := n.Method(i); m.Exported() {
			w.typ(where+"."+m.Name(), m.Type())
		}
	}
}

func (w *walker) typ(where string, t types.Type) {
	switch t := t.(type) {
	case *types.Alias:
		if obj := t.Obj(); obj.Pkg() != nil && w.forbidden(obj.Pkg()) {
			w.report(where, obj)
			return
		}
		w.args(where, t.TypeArgs())
		w.typ(where, types.Unalias(t))
	case *types.Named:
		obj := t.Obj()
		switch {
		case obj.Pkg() == nil: // error
		case w.forbidden(obj.Pkg()):
			w.report(where, obj)
			return
		case strings.HasPrefix(obj.Pkg().Path(), w.follow) && obj.Exported():
			w.named(obj.Pkg().Name()+"."+obj.Name(), t.Origin()) // named as go doc shows it
		case strings.HasPrefix(obj.Pkg().Path(), w.follow):
			w.named(where, t.Origin())
		}
		w.args(where, t.TypeArgs())
	case *types.Pointer:
		w.typ(where, t.Elem())
	case *types.Slice:
		w.typ(where, t.Elem())
	case *types.Array:
		w.typ(where, t.Elem())
	case *types.Chan:
		w.typ(where, t.Elem())
	case *types.Map:
		w.typ(where+": key", t.Key())
		w.typ(where, t.Elem())
	case *types.Signature:
		if tp := t.TypeParams(); tp != nil {
			for i := range tp.Len() {
				w.typ(where+": type parameter "+tp.At(i).Obj().Name(), tp.At(i))
			}
		}
		for i := range t.Params().Len() {
			w.typ(fmt.Sprintf("%s: parameter %d", where, i), t.Params().At(i).Type())
		}
		for i := range t.Results().Len() {
			w.typ(fmt.Sprintf("%s: result %d", where, i), t.Results().At(i).Type())
		}
	case *types.Struct:
		for i := range t.NumFields() {
			// An embedded type of any name promotes its exported members.
			if f := t.Field(i); f.Exported() || f.Embedded() {
				w.typ(where+"."+f.Name(), f.Type())
			}
		}
	case *types.Interface:
		for i := range t.NumEmbeddeds() {
			w.typ(where, t.EmbeddedType(i))
		}
		for i := range t.NumMethods() {
			if m := t.Method(i); m.Exported() {
				w.typ(where+"."+m.Name(), m.Type())
			}
		}
	case *types.Union:
		for i := range t.Len() {
			w.typ(where, t.Term(i).Type())
		}
	case *types.TypeParam:
		if !w.seen[t] { // a constraint may name its own parameter
			w.seen[t] = true
			w.typ(where, t.Constraint())
		}
	}
}

func (w *walker) args(where string, args *types.TypeList) {
	for i := range args.Len() {
		w.typ(fmt.Sprintf("%s: type argument %d", where, i), args.At(i))
	}
}
