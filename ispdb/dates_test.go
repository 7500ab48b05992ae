package ispdb

import (
	"testing"

	"coin/store"
)

// TestCreationDateAsDBFFDNAccepts: source shared/ffdn/isp-0.1.json,
// properties.creationDate and properties.ffdnMemberSince: "type":
// "string", no "format", "in ISO8601 format". db.ffdn.org accepts a year or
// a month as well as a day, so coin does (it refused YYYY-MM, issue 20);
// coin keeps refusing what is not an ISO 8601 calendar date, and what it
// writes passes the schema.
func TestCreationDateAsDBFFDNAccepts(t *testing.T) {
	schema := newSchema(t)
	for _, v := range []string{"2011", "2011-03", "2011-03-12", "2012-02-29"} {
		f := validForm()
		f.CreationDate, f.FFDNMemberSince = v, v
		r := &store.ISP{}
		if errs := f.Validate(r, schema); errs.Any() {
			t.Errorf("%s refused: %v", v, errs)
			continue
		}
		if r.CreationDate != v || r.FFDNMemberSince != v {
			t.Errorf("%s stored as %q, %q", v, r.CreationDate, r.FFDNMemberSince)
		}
		doc, _ := Build(r, Counts{}, "").JSON()
		if err := schema.Validate(doc); err != nil {
			t.Errorf("%s: document fails the schema: %v", v, err)
		}
		if FromRecord(r).CreationDate != v {
			t.Errorf("%s not shown back", v)
		}
	}
	for _, v := range []string{"12/03/2011", "2011-3", "2011-13", "2011-02-30", "2011-03-12T10:00", "March 2011", "11", "0999", "2011-00"} {
		f := validForm()
		f.CreationDate = v
		if errs := f.Validate(&store.ISP{}, schema); errs.Get("creation_date") != "ispdb.err.iso_date" {
			t.Errorf("%q: %v", v, errs)
		}
		f = validForm()
		f.FFDNMemberSince = v
		if errs := f.Validate(&store.ISP{}, schema); errs.Get("ffdn_member_since") != "ispdb.err.iso_date" {
			t.Errorf("ffdnMemberSince %q: %v", v, errs)
		}
	}
	// The schema itself: a string, any string; a number is refused.
	if err := schema.Validate([]byte(`{"name":"F","email":"f@x.org","memberCount":0,"subscriberCount":0,"coveredAreas":[],"version":0.1,"creationDate":"2011-03"}`)); err != nil {
		t.Fatalf("schema refuses 2011-03: %v", err)
	}
	if err := schema.Validate([]byte(`{"name":"F","email":"f@x.org","memberCount":0,"subscriberCount":0,"coveredAreas":[],"version":0.1,"creationDate":2011}`)); err == nil {
		t.Fatal("schema accepts a number as creationDate")
	}
}
