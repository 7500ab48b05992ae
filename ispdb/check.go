package ispdb

import (
	"errors"
	"fmt"

	"coin/store"
)

// CheckStored re-checks a record already in the database, as `coin check`
// does: a record written before a rule existed, or by other means than the
// admin form, must not keep serving an /isp.json that db.ffdn.org's
// crawler refuses. It applies the form's rules that the schema alone does
// not carry (covered areas through ParseArea, the technologies) and then
// the schema to the document the record gives. Each problem is one line
// in English, for the console.
func CheckStored(r *store.ISP, schema *Schema) []string {
	var out []string
	for i, a := range r.CoveredAreas {
		for _, t := range a.Technologies {
			if !validTechnology(t) {
				out = append(out, fmt.Sprintf("covered area %d (%s): technology %q is not one of %v (shared/ffdn/isp-0.1.json)", i+1, a.Name, t, Technologies))
			}
		}
		if len(a.Area) == 0 {
			continue
		}
		if _, err := ParseArea(a.Area); err != nil {
			var ae *AreaError
			if errors.As(err, &ae) {
				out = append(out, fmt.Sprintf("covered area %d (%s): %s", i+1, a.Name, ae.Detail))
			} else {
				out = append(out, fmt.Sprintf("covered area %d (%s): %v", i+1, a.Name, err))
			}
		}
	}
	doc, err := Build(r, Counts{}, "").JSON()
	if err != nil {
		return append(out, fmt.Sprintf("encode isp.json: %v", err))
	}
	if err := schema.Validate(doc); err != nil {
		out = append(out, err.Error())
	}
	return out
}
