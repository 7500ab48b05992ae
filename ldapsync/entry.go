package ldapsync

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"coin/store"
)

// Status values of an entry.
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
	// StatusDisabled: the subscription ended, or is no longer in coin.
	StatusDisabled = "disabled"
)

// markerPrefix starts the marker attribute of every entry coin created.
const markerPrefix = "coin subscription "

// Entry is what an LDAP entry of a configuration should hold.
type Entry struct {
	SubscriptionID int64
	DN             string
	Base           string
	RDN            string
	// Attrs are the managed attributes; an empty list means the attribute
	// must be absent.
	Attrs map[string][]string
}

// marker is the marker value of a subscription's entry.
func marker(id int64) string { return markerPrefix + strconv.FormatInt(id, 10) }

// markedID reads the subscription id of a marker value (0 if it is none).
func markedID(v string) int64 {
	s, ok := strings.CutPrefix(v, markerPrefix)
	if !ok {
		return 0
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0
	}
	return id
}

// status is the entry status of a subscription.
func status(sub *store.Subscription) string {
	switch {
	case sub.DeprovisionedAt != nil:
		return StatusDisabled
	case sub.Suspended:
		return StatusSuspended
	}
	return StatusActive
}

// wanted builds the entry of a subscription from the database. It returns
// nil when the subscription has no configuration of a synced backend.
func (s *Syncer) wanted(ctx context.Context, id int64) (*Entry, error) {
	row, err := s.Store.SubscriptionByID(ctx, id)
	if err != nil {
		return nil, err
	}
	cfg, err := s.Store.ConfigurationOf(ctx, id)
	if err != nil {
		return nil, err
	}
	base := s.Cfg.BaseDN(cfg.Backend)
	if base == "" || cfg.Login == "" {
		return nil, nil
	}
	allocs, err := s.Store.SubscriptionIPAllocations(ctx, id)
	if err != nil {
		return nil, err
	}
	a := s.Cfg.Attributes
	var v4, v6 []string
	add := func(p netip.Prefix) {
		txt := p.String()
		if p.IsSingleIP() {
			txt = p.Addr().String()
		}
		if p.Addr().Is4() {
			if !slices.Contains(v4, txt) {
				v4 = append(v4, txt)
			}
		} else if !slices.Contains(v6, txt) {
			v6 = append(v6, txt)
		}
	}
	for _, al := range allocs {
		if !al.Released() {
			add(al.Prefix)
		}
	}
	for _, k := range []string{"ipv4_endpoint", "ipv6_endpoint"} {
		if p, err := netip.ParsePrefix(cfg.Data[k]); err == nil {
			add(p)
		} else if ad, err := netip.ParseAddr(cfg.Data[k]); err == nil {
			add(netip.PrefixFrom(ad, ad.BitLen()))
		}
	}
	rdn := a.Login + "=" + ldap.EscapeDN(cfg.Login)
	e := &Entry{SubscriptionID: id, Base: base, RDN: rdn, DN: rdn + "," + base, Attrs: map[string][]string{
		a.Login:  {cfg.Login},
		a.Status: {status(&row.Subscription)},
		a.Marker: {marker(id)},
	}}
	if cfg.LDAPPassword != "" {
		e.Attrs[a.Password] = []string{cfg.LDAPPassword}
	}
	if a.IPv4 != "" {
		e.Attrs[a.IPv4] = v4
	}
	if a.IPv6 != "" {
		e.Attrs[a.IPv6] = v6
	}
	return e, nil
}

// managed lists the attributes coin writes, for searches.
func (s *Syncer) managed() []string {
	a := s.Cfg.Attributes
	out := []string{"objectClass", a.Login, a.Password, a.Status, a.Marker}
	for _, x := range []string{a.IPv4, a.IPv6} {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

// changes compares an existing entry with the wanted one and returns the
// modification that makes it so (nil when nothing differs).
func (s *Syncer) changes(have *ldap.Entry, want *Entry) *ldap.ModifyRequest {
	req := ldap.NewModifyRequest(have.DN, nil)
	n := 0
	var missing []string
	for _, oc := range s.Cfg.ObjectClasses {
		if !containsFold(have.GetAttributeValues("objectClass"), oc) {
			missing = append(missing, oc)
		}
	}
	if len(missing) > 0 {
		req.Add("objectClass", missing)
		n++
	}
	names := make([]string, 0, len(want.Attrs))
	for k := range want.Attrs {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		w, h := want.Attrs[k], have.GetAttributeValues(k)
		if sameSet(w, h) {
			continue
		}
		if len(w) == 0 {
			req.Delete(k, nil)
		} else {
			req.Replace(k, w)
		}
		n++
	}
	if n == 0 {
		return nil
	}
	return req
}

// addRequest is the creation of the wanted entry.
func (s *Syncer) addRequest(want *Entry) *ldap.AddRequest {
	req := ldap.NewAddRequest(want.DN, nil)
	req.Attribute("objectClass", s.Cfg.ObjectClasses)
	for k, v := range want.Attrs {
		if len(v) > 0 {
			req.Attribute(k, v)
		}
	}
	return req
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// describe names an entry for messages.
func describe(e *Entry) string { return fmt.Sprintf("%s (subscription %d)", e.DN, e.SubscriptionID) }
