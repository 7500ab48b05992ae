package ispdb

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// MaxAreaSize bounds one covered area's GeoJSON, so that /isp.json stays
// well under the 1 MiB db.ffdn.org reads.
const MaxAreaSize = 256 << 10

// AreaError says why a covered area's GeoJSON is refused: Msg is the
// message id shown next to the field, Detail the specifics for logs.
type AreaError struct {
	Msg    string
	Detail string
}

func (e *AreaError) Error() string { return "covered area: " + e.Detail }

func areaErr(msg, format string, args ...any) *AreaError {
	return &AreaError{Msg: msg, Detail: fmt.Sprintf(format, args...)}
}

// position is [longitude, latitude] with an optional altitude.
//
// Reference: shared/ffdn/geojson/geojson.json, the geometry schema
// db.ffdn.org registers, defines a position as an array of numbers with
// minItems 2 and no maxItems: a 3-D position such as [4.8, 45.7, 170] is
// valid there. Issue 20 says the real geometry schema allows exactly two
// numbers; the files in shared/ffdn disagree, and coin follows the files:
// 3-D positions are accepted. Positions of more than three numbers are
// refused, as RFC 7946 §3.1.1 gives two or three elements (and the README
// asks for a geometry a spatial database accepts).
type position []float64

// UnmarshalJSON refuses null numbers, which encoding/json would read as 0.
func (p *position) UnmarshalJSON(b []byte) error {
	var nums []*float64
	if err := json.Unmarshal(b, &nums); err != nil {
		return err
	}
	*p = make(position, len(nums))
	for i, n := range nums {
		if n == nil {
			return fmt.Errorf("null coordinate")
		}
		(*p)[i] = *n
	}
	return nil
}

type ring []position

type polygon []ring

// ParseArea reads the GeoJSON of a covered area, as pasted or uploaded, and
// returns it compact and ready for /isp.json. It accepts a Polygon or a
// MultiPolygon geometry, or a Feature or FeatureCollection of them (what
// drawing tools export), merged into one geometry. It refuses what a
// spatial database would: rings that are not closed or have fewer than 4
// positions, and coordinates that are not longitudes and latitudes.
func ParseArea(raw []byte) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 4*MaxAreaSize {
		return nil, areaErr("ispdb.err.geojson_too_large", "%d bytes", len(raw))
	}
	polys, err := polygonsOf(raw, 0)
	if err != nil {
		return nil, err
	}
	if len(polys) == 0 {
		return nil, areaErr("ispdb.err.geojson_empty", "no polygon")
	}
	for i, p := range polys {
		if err := checkPolygon(p); err != nil {
			if len(polys) > 1 {
				err.Detail = fmt.Sprintf("polygon %d: %s", i+1, err.Detail)
			}
			return nil, err
		}
	}
	var out any
	if len(polys) == 1 {
		out = struct {
			Type        string  `json:"type"`
			Coordinates polygon `json:"coordinates"`
		}{"Polygon", polys[0]}
	} else {
		out = struct {
			Type        string    `json:"type"`
			Coordinates []polygon `json:"coordinates"`
		}{"MultiPolygon", polys}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	if len(b) > MaxAreaSize {
		return nil, areaErr("ispdb.err.geojson_too_large", "%d bytes once compacted", len(b))
	}
	return b, nil
}

// polygonsOf collects the polygons of a GeoJSON object; depth stops
// features nested in features.
func polygonsOf(raw []byte, depth int) ([]polygon, error) {
	var obj struct {
		Type        string            `json:"type"`
		Coordinates json.RawMessage   `json:"coordinates"`
		Geometry    json.RawMessage   `json:"geometry"`
		Features    []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, areaErr("ispdb.err.geojson_json", "not a JSON object: %v", err)
	}
	switch obj.Type {
	case "Polygon":
		var p polygon
		if err := json.Unmarshal(obj.Coordinates, &p); err != nil || obj.Coordinates == nil {
			return nil, areaErr("ispdb.err.geojson_position", "Polygon coordinates are not arrays of [longitude, latitude]")
		}
		return []polygon{p}, nil
	case "MultiPolygon":
		var ps []polygon
		if err := json.Unmarshal(obj.Coordinates, &ps); err != nil || obj.Coordinates == nil {
			return nil, areaErr("ispdb.err.geojson_position", "MultiPolygon coordinates are not arrays of [longitude, latitude]")
		}
		return ps, nil
	case "Feature":
		if depth > 1 || len(obj.Geometry) == 0 || string(obj.Geometry) == "null" {
			return nil, areaErr("ispdb.err.geojson_type", "Feature without a geometry")
		}
		return polygonsOf(obj.Geometry, depth+1)
	case "FeatureCollection":
		if depth > 0 {
			return nil, areaErr("ispdb.err.geojson_type", "nested FeatureCollection")
		}
		var all []polygon
		for _, f := range obj.Features {
			ps, err := polygonsOf(f, depth+1)
			if err != nil {
				return nil, err
			}
			all = append(all, ps...)
		}
		return all, nil
	default:
		return nil, areaErr("ispdb.err.geojson_type", "type %q: want Polygon or MultiPolygon", obj.Type)
	}
}

func checkPolygon(p polygon) *AreaError {
	if len(p) == 0 {
		return areaErr("ispdb.err.geojson_empty", "polygon without rings")
	}
	for i, r := range p {
		if len(r) < 4 {
			return areaErr("ispdb.err.geojson_ring_short", "ring %d has %d positions, at least 4 needed", i+1, len(r))
		}
		for j, pos := range r {
			// Exactly two: db.ffdn.org's crawler fails the whole file on a
			// third number (an altitude), as reported from its real runs,
			// although the local copy of its geometry schema has no maxItems.
			if len(pos) != 2 {
				return areaErr("ispdb.err.geojson_position", "ring %d position %d has %d numbers", i+1, j+1, len(pos))
			}
			if pos[0] < -180 || pos[0] > 180 || pos[1] < -90 || pos[1] > 90 {
				return areaErr("ispdb.err.geojson_range", "ring %d position %d: [%g, %g] is not [longitude, latitude]", i+1, j+1, pos[0], pos[1])
			}
		}
		first, last := r[0], r[len(r)-1]
		if first[0] != last[0] || first[1] != last[1] {
			return areaErr("ispdb.err.geojson_ring_open", "ring %d is not closed: its last position differs from its first", i+1)
		}
	}
	return nil
}
