// Package planted shows a generated type through each way an exported API can, and
// hides it in each way that is allowed, for apisurface's own test.
package planted

import (
	"iter"

	"github.com/orgapis/orgapis/generated/affinityapi"
)

// Record has one exported field of a generated type.
type Record struct {
	Field affinityapi.Field
	api   *affinityapi.Client // unexported: allowed
}

// Take takes one.
func Take(l affinityapi.List) { _ = l }

// Give returns some.
func Give() []affinityapi.Field { return nil }

// Clean is clean itself, but for a method.
type Clean struct {
	Name string
	raw  affinityapi.Organization // unexported: allowed
}

// People returns them by name.
func (Clean) People() map[string]*affinityapi.Person { return nil }

func (Clean) hidden() affinityapi.Person { return affinityapi.Person{} } // unexported: allowed

// Embeds promotes a generated type's fields.
type Embeds struct {
	affinityapi.Opportunity
}

// Alias is a generated type under another name.
type Alias = affinityapi.Location

type hidden struct {
	Option affinityapi.DropdownOption
}

// Hidden returns an unexported type whose field shows a generated type.
func Hidden() hidden { return hidden{} }

// Seq yields generated types.
func Seq() iter.Seq2[affinityapi.ListEntry, error] { return nil }

// Iface has a method that returns one.
type Iface interface {
	Get() affinityapi.ListPermission
}

// V is a variable of one.
var V affinityapi.Interaction

type inner struct {
	Dates affinityapi.InteractionDates
}

// Outer embeds an unexported type, whose exported field is promoted.
type Outer struct {
	inner
}

// Constrained takes a type set with one in it.
func Constrained[T interface{ affinityapi.Organization | int }](T) {}

// Fine shows nothing generated.
func Fine(s string, n int) (Clean, error) { return Clean{Name: s}, nil }

func unexported(affinityapi.Field) {}
