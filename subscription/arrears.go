package subscription

import (
	"context"

	"coin/store"
)

// LDAPChangedTx marks, in tx, the subscription's LDAP entry to be written
// once tx commits: collections suspends and restores subscriptions in
// transactions of its own.
func (s *Service) LDAPChangedTx(ctx context.Context, tx *store.Store, id int64, backend string) error {
	return s.ldapChanged(ctx, tx, id, backend)
}

// RunAction runs the hook of action ("suspend", "resume") for sub, as
// SetSuspended does after its commit; nil when no hook is configured.
func (s *Service) RunAction(ctx context.Context, action string, sub *store.Subscription) (*store.HookRun, error) {
	t, err := s.Target(ctx, sub)
	if err != nil {
		return nil, err
	}
	return s.runHook(ctx, action, t)
}
