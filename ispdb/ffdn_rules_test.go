package ispdb

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"coin/store"
)

// docWithArea is a minimal document whose one covered area is area.
func docWithArea(area string, tech ...string) []byte {
	a := map[string]any{"name": "A", "technologies": tech}
	if area != "" {
		a["area"] = json.RawMessage(area)
	}
	b, _ := json.Marshal(map[string]any{"name": "F", "email": "f@x.org", "memberCount": 0,
		"subscriberCount": 0, "version": 0.1, "coveredAreas": []any{a}})
	return b
}

// TestPositionsHaveTwoNumbers: db.ffdn.org's crawler fails the whole file
// on a 3-D position ([4.8, 45.7, 170]): issue 20, from its real runs. The
// local copy shared/ffdn/geojson/geojson.json (minItems 2, no maxItems)
// lets it through, so coin's own check is the stricter one: exactly two
// numbers, in the form (ParseArea) and in coin check (CheckStored).
func TestPositionsHaveTwoNumbers(t *testing.T) {
	s := newSchema(t)
	threeD := `{"type":"Polygon","coordinates":[[[4.8,45.7,170],[4.9,45.7,170],[4.9,45.8,170],[4.8,45.7,170]]]}`
	var ae *AreaError
	if _, err := ParseArea([]byte(threeD)); !errors.As(err, &ae) || ae.Msg != "ispdb.err.geojson_position" {
		t.Fatalf("a 3-D position: %v, want ispdb.err.geojson_position", err)
	}
	oneNumber := `{"type":"Polygon","coordinates":[[[4.8],[4.9,45.7],[4.9,45.8],[4.8]]]}`
	if err := s.Validate(docWithArea(oneNumber, "wifi")); err == nil {
		t.Fatal("schema accepts a one-number position (minItems 2)")
	}
	if _, err := ParseArea([]byte(oneNumber)); !errors.As(err, &ae) || ae.Msg != "ispdb.err.geojson_position" {
		t.Fatalf("one-number position: %v", err)
	}
	twoD := `{"type":"Polygon","coordinates":[[[4.8,45.7],[4.9,45.7],[4.9,45.8],[4.8,45.7]]]}`
	if _, err := ParseArea([]byte(twoD)); err != nil {
		t.Fatalf("a plain polygon: %v", err)
	}
	// What coin check runs on a stored record.
	r := &store.ISP{Name: "F", Email: "f@x.org", CoveredAreas: []store.CoveredArea{{Name: "A", Technologies: []string{"wifi"}, Area: json.RawMessage(threeD)}}}
	if p := CheckStored(r, s); len(p) == 0 {
		t.Fatal("CheckStored passes a 3-D area")
	}
	r.CoveredAreas[0].Area = json.RawMessage(oneNumber)
	if p := CheckStored(r, s); len(p) == 0 {
		t.Fatal("CheckStored passes a one-number position")
	}
}

// TestTechnologiesAreTheSchemaEnum: source shared/ffdn/isp-0.1.json,
// definitions.coveredArea.properties.technologies.items.enum. Issue 20
// asks for fttb, vpn and cube; the schema db.ffdn.org validates with has
// only ftth, dsl and wifi, and refuses the others: coin offers exactly the
// enum, no more.
func TestTechnologiesAreTheSchemaEnum(t *testing.T) {
	raw, err := schemaFS.ReadFile("schema/isp-0.1.json")
	if shared, e := os.ReadFile(filepath.Join("..", "..", "shared", "ffdn", "isp-0.1.json")); e == nil {
		raw, err = shared, nil // the reference itself, when beside the repository
	}
	if err != nil {
		t.Fatal(err)
	}
	var sch struct {
		Definitions struct {
			CoveredArea struct {
				Properties struct {
					Technologies struct {
						Items struct {
							Enum []string `json:"enum"`
						} `json:"items"`
					} `json:"technologies"`
				} `json:"properties"`
			} `json:"coveredArea"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &sch); err != nil {
		t.Fatal(err)
	}
	enum := sch.Definitions.CoveredArea.Properties.Technologies.Items.Enum
	if !slices.Equal(enum, []string{"ftth", "dsl", "wifi"}) {
		t.Fatalf("isp-0.1.json enum is now %v: update Technologies and this test", enum)
	}
	if !slices.Equal(Technologies, enum) {
		t.Fatalf("coin offers %v, isp-0.1.json accepts %v", Technologies, enum)
	}
	s := newSchema(t)
	for _, tech := range enum {
		if err := s.Validate(docWithArea("", tech)); err != nil {
			t.Errorf("%s refused: %v", tech, err)
		}
	}
	for _, tech := range []string{"fttb", "vpn", "cube"} {
		if err := s.Validate(docWithArea("", tech)); err == nil {
			t.Errorf("schema accepts %s: coin should offer it", tech)
		}
		if validTechnology(tech) {
			t.Errorf("coin offers %s, which isp-0.1.json refuses", tech)
		}
	}
}
