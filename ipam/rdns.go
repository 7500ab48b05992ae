package ipam

import (
	"context"
	"errors"
	"strings"

	"coin/form"
	"coin/store"
)

// MaxPTRs bounds the names of one allocation (an IPv6 /56 holds 2^72
// addresses; a member names a few of them).
const MaxPTRs = 256

// MaxNameservers bounds a delegation.
const MaxNameservers = 8

// PTRForm names one address of an allocation.
type PTRForm struct {
	Address string
	Name    string
}

// SetPTR gives an address of an allocation its reverse name (staff, or the
// member holding it: the caller checks who may). The address must be
// inside the allocation, which must be in use.
func SetPTR(ctx context.Context, st *store.Store, al *store.IPAllocation, f PTRForm) (form.Errors, error) {
	errs := form.Errors{}
	addr := parseAddr(f.Address)
	switch {
	case strings.TrimSpace(f.Address) == "":
		errs.Add("address", "err.required")
	case !addr.IsValid() || !al.Prefix.Contains(addr):
		errs.AddWith("address", "ipam.err.address_outside", map[string]string{"Subnet": al.Prefix.String()})
	}
	name, ok := ParseHostname(f.Name)
	if strings.TrimSpace(f.Name) == "" {
		errs.Add("name", "err.required")
	} else if !ok {
		errs.Add("name", "err.hostname_invalid")
	}
	if al.Released() {
		errs.Add("address", "ipam.err.released")
	}
	if errs.Any() {
		return errs, nil
	}
	n, err := st.CountIPPTRs(ctx, al.ID)
	if err != nil {
		return nil, err
	}
	if n >= MaxPTRs {
		return form.Errors{"address": "ipam.err.too_many_ptrs"}, nil
	}
	err = st.SetIPPTR(ctx, &store.IPPTR{AllocationID: al.ID, Addr: addr, Name: name})
	if errors.Is(err, store.ErrConflict) {
		return form.Errors{"address": "ipam.err.address_outside"}, nil
	}
	return nil, err
}

// ParseNameservers reads name servers separated by new lines, commas or
// spaces.
func ParseNameservers(text string) ([]string, string) {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.FieldsFunc(text, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	}) {
		name, ok := ParseHostname(f)
		if !ok {
			return nil, "ipam.err.nameserver_invalid"
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	if len(out) > MaxNameservers {
		return nil, "ipam.err.too_many_nameservers"
	}
	if len(out) == 1 {
		// A delegation to one server breaks with it; registries ask for two.
		return nil, "ipam.err.one_nameserver"
	}
	return out, ""
}

// SetNameservers delegates the reverse zone of an allocation to name
// servers (none: coin's zone serves its PTR names again).
func SetNameservers(ctx context.Context, st *store.Store, pool *store.IPPool, al *store.IPAllocation, text string) (form.Errors, error) {
	ns, bad := ParseNameservers(text)
	if bad != "" {
		return form.Errors{"nameservers": bad}, nil
	}
	if al.Released() {
		return form.Errors{"nameservers": "ipam.err.released"}, nil
	}
	if len(ns) > 0 {
		if err := CheckDelegation(pool.Prefix, al.Prefix); err != nil {
			return form.Errors{"nameservers": "ipam.err.cannot_delegate"}, nil
		}
	}
	return nil, st.SetIPAllocationNameservers(ctx, al.ID, ns)
}
