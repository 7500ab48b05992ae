package ldapsync

import (
	"context"
	"fmt"
	"slices"

	"github.com/go-ldap/ldap/v3"
)

// Report is what a reconcile did (or would do, in a dry run).
type Report struct {
	Created, Updated, Unchanged, Disabled int
	// Failed lists the entries that could not be written, with why.
	Failed []string
}

func (r *Report) count(o Outcome) {
	switch o {
	case Created:
		r.Created++
	case Updated:
		r.Updated++
	case Unchanged:
		r.Unchanged++
	case Disabled:
		r.Disabled++
	}
}

// String is the one-line summary.
func (r Report) String() string {
	return fmt.Sprintf("%d created, %d updated, %d unchanged, %d disabled, %d failed",
		r.Created, r.Updated, r.Unchanged, r.Disabled, len(r.Failed))
}

// Check connects, binds and looks up each base DN, for `coin check`.
func (s *Syncer) Check() error {
	conn, err := s.connect()
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, b := range []string{"vpn", "dsl"} {
		base := s.Cfg.BaseDN(b)
		if base == "" {
			continue
		}
		ok, err := exists(conn, base)
		if err != nil {
			return fmt.Errorf("ldap.%s_base_dn %s: %w", b, base, err)
		}
		if !ok {
			return fmt.Errorf("ldap.%s_base_dn %s: no such entry", b, base)
		}
	}
	return nil
}

// Reconcile makes the whole tree match the database: it creates the
// missing entries, updates those that differ and disables the entries coin
// created whose subscription is no longer there. Entries without coin's
// marker are never touched. dryRun changes nothing.
func (s *Syncer) Reconcile(ctx context.Context, dryRun bool) (Report, error) {
	var rep Report
	if s == nil {
		return rep, fmt.Errorf("LDAP sync is off: set ldap.url")
	}
	conn, err := s.connect()
	if err != nil {
		return rep, err
	}
	defer conn.Close()
	var backends, bases []string
	for _, b := range []string{"vpn", "dsl"} {
		if base := s.Cfg.BaseDN(b); base != "" {
			backends = append(backends, b)
			if !slices.Contains(bases, base) {
				bases = append(bases, base)
			}
		}
	}
	marked := map[int64]*ldap.Entry{}
	for _, base := range bases {
		res, err := conn.SearchWithPaging(ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree,
			ldap.NeverDerefAliases, 0, 0, false, "("+s.Cfg.Attributes.Marker+"="+ldap.EscapeFilter(markerPrefix)+"*)",
			s.managed(), nil), 500)
		if err != nil {
			return rep, fmt.Errorf("search coin's entries under %s: %w", base, err)
		}
		for _, e := range res.Entries {
			for _, v := range e.GetAttributeValues(s.Cfg.Attributes.Marker) {
				if id := markedID(v); id != 0 {
					marked[id] = e
				}
			}
		}
	}
	ids, err := s.Store.ConfigurationSubscriptions(ctx, backends...)
	if err != nil {
		return rep, err
	}
	for _, id := range ids {
		want, err := s.wanted(ctx, id)
		if err != nil {
			return rep, err
		}
		if want == nil {
			continue
		}
		have := marked[id]
		delete(marked, id)
		state, err := s.Store.LDAPSyncOf(ctx, id)
		if err != nil {
			return rep, err
		}
		out, adopted, err := s.apply(ctx, conn, want, have, dryRun)
		if err != nil {
			rep.Failed = append(rep.Failed, err.Error())
		} else {
			rep.count(out)
		}
		// Taken over: no longer a leftover to disable.
		delete(marked, adopted)
		if dryRun {
			continue
		}
		var seq int64
		failures := 0
		if state != nil {
			seq, failures = state.ChangeSeq, state.Failures
		}
		dn := ""
		if err == nil {
			dn = want.DN
		}
		if ferr := s.Store.FinishLDAPSync(ctx, id, seq, dn, err, s.Now().Add(retryDelay(failures+1))); ferr != nil {
			return rep, ferr
		}
	}
	// What is left carries coin's marker without a configuration behind it.
	leftover := make([]int64, 0, len(marked))
	for id := range marked {
		leftover = append(leftover, id)
	}
	slices.Sort(leftover)
	for _, id := range leftover {
		e := marked[id]
		if slices.Contains(e.GetAttributeValues(s.Cfg.Attributes.Status), StatusDisabled) {
			rep.Unchanged++
			continue
		}
		if !dryRun {
			req := ldap.NewModifyRequest(e.DN, nil)
			req.Replace(s.Cfg.Attributes.Status, []string{StatusDisabled})
			if err := conn.Modify(req); err != nil {
				rep.Failed = append(rep.Failed, fmt.Sprintf("disable %s: %v", e.DN, err))
				continue
			}
			s.Log.Info("LDAP entry disabled", "dn", e.DN, "subscription", id)
		}
		rep.Disabled++
	}
	return rep, nil
}
