package affinitytest

import "encoding/json"

// convert turns a record of the wrapper into the generated type the fake serves, or
// back: both have the same JSON members, the record holding a plain value ("", 0, the
// zero time) where the generated type holds a null pointer.
func convert[To, From any](from From) (To, error) {
	var to To
	raw, err := json.Marshal(from)
	if err != nil {
		return to, err
	}
	err = json.Unmarshal(raw, &to)
	return to, err
}
