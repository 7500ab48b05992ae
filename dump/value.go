package dump

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"coin/date"
)

// encode turns a value read from the database into its portable JSON form
// for a column of portable type typ.
func encode(typ string, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch typ {
	case TInteger:
		switch x := v.(type) {
		case int64:
			return x, nil
		case bool:
			return map[bool]int64{false: 0, true: 1}[x], nil
		}
	case TBoolean:
		switch x := v.(type) {
		case bool:
			return x, nil
		case int64:
			return x != 0, nil
		}
	case TReal:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		}
	case TText, TInet, TCIDR:
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		}
	case TBlob:
		switch x := v.(type) {
		case []byte:
			return base64.StdEncoding.EncodeToString(x), nil
		case string:
			return base64.StdEncoding.EncodeToString([]byte(x)), nil
		}
	case TTimestamp:
		if t, ok := v.(time.Time); ok {
			// To the microsecond, PostgreSQL's precision (SQLite keeps what
			// it is given, and a few callers give nanoseconds).
			return t.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano), nil
		}
	case TDate:
		switch x := v.(type) {
		case time.Time:
			return date.Of(x.UTC()).String(), nil
		case string:
			d, err := date.Parse(x)
			if err != nil || d.IsZero() {
				return nil, fmt.Errorf("date %q: %v", x, err)
			}
			return d.String(), nil
		}
	}
	return nil, fmt.Errorf("a %T where a %s was expected", v, typ)
}

// decode turns a portable value (from the archive, of type from) into an
// argument for a column of portable type to in the target database.
func decode(from, to string, raw any) (any, error) {
	if raw == nil {
		return nil, nil
	}
	switch from {
	case TInteger, TReal:
		n, ok := raw.(json.Number)
		if !ok {
			break
		}
		switch to {
		case TInteger:
			return n.Int64()
		case TReal:
			return n.Float64()
		case TBoolean:
			i, err := n.Int64()
			return i != 0, err
		}
	case TBoolean:
		b, ok := raw.(bool)
		if !ok {
			break
		}
		switch to {
		case TBoolean:
			return b, nil
		case TInteger:
			return map[bool]int64{false: 0, true: 1}[b], nil
		}
	case TText, TInet, TCIDR:
		s, ok := raw.(string)
		if !ok {
			break
		}
		switch to {
		case TText, TInet, TCIDR:
			return s, nil
		case TBlob:
			if from == TText {
				return []byte(s), nil
			}
			return addrBytes(s)
		}
	case TBlob:
		s, ok := raw.(string)
		if !ok {
			break
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("base64: %w", err)
		}
		switch to {
		case TBlob:
			return b, nil
		case TInet:
			// SQLite keeps addresses as 4 or 16 bytes in network order.
			a, ok := netip.AddrFromSlice(b)
			if !ok {
				return nil, fmt.Errorf("%d bytes are not an IP address", len(b))
			}
			return a.String(), nil
		case TText:
			return string(b), nil
		}
	case TTimestamp:
		s, ok := raw.(string)
		if ok && to == TTimestamp {
			t, err := time.Parse(time.RFC3339Nano, s)
			return t.UTC(), err
		}
	case TDate:
		s, ok := raw.(string)
		if ok && to == TDate {
			d, err := date.Parse(s)
			if err == nil && d.IsZero() {
				err = fmt.Errorf("empty date")
			}
			return d, err
		}
	}
	return nil, fmt.Errorf("cannot load a %s (%T) into a %s column", from, raw, to)
}

// addrBytes is the SQLite form of a PostgreSQL inet: the address alone,
// which must then be a whole host address.
func addrBytes(s string) ([]byte, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, err
		}
		return a.AsSlice(), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return nil, err
	}
	if p.Bits() != p.Addr().BitLen() {
		return nil, fmt.Errorf("%s is a prefix, not one address", s)
	}
	return p.Addr().AsSlice(), nil
}
