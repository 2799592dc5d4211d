// Package gates checks that nothing in the module goes around a gate: each rule reads
// every hand-written .go file (generated code and testdata left out) with go/ast and
// reports what crosses a boundary outside its gate, as file:line and the rule's name.
// Its tests run the rules over the module (make check runs them with every test) and
// prove each rule on a planted violation.
//
// A rule is a name and a check of one parsed file (rule); add one in a file of its
// own and list it in rules. Exceptions are named in one list, each with its reason.
package gates
