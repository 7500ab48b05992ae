package cli

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"coin/api"
	"coin/store"
)

// APITokenCmd manages the personal access tokens of the REST API.
type APITokenCmd struct {
	Create APITokenCreateCmd `cmd:"" help:"Create a token for an account and print it (shown once: only its hash is kept)."`
	List   APITokenListCmd   `cmd:"" default:"withargs" help:"List the tokens with their last use (the default)."`
	Revoke APITokenRevokeCmd `cmd:"" help:"Revoke a token by its id."`
}

// APITokenCreateCmd creates a token.
type APITokenCreateCmd struct {
	Login   string `required:"" help:"Account the token acts as (with that account's role, now and later)."`
	Scope   string `required:"" enum:"read,write" help:"read, or write (writes what the role allows)."`
	Expires string `help:"Expiry: a number of days (90d), a duration (720h) or a date (2027-01-31). Default: none." placeholder:"D"`
	Name    string `help:"What the token is for, shown in lists." default:""`
}

func (c *APITokenCreateCmd) Run(g *Globals) error {
	ctx := context.Background()
	return g.withApp(ctx, nil, func(a *app) error {
		m, err := a.store.MemberByLogin(ctx, c.Login)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no account with login %q", c.Login)
		}
		if err != nil {
			return err
		}
		exp, err := api.ParseExpiry(c.Expires, time.Now())
		if err != nil {
			return fmt.Errorf("--expires: %w", err)
		}
		tok, t, err := api.CreateToken(ctx, a.store, m, c.Scope, c.Name, exp, nil)
		if err != nil {
			return err
		}
		a.log.Info("api token created", "token", t.ID, "member", m.ID, "scope", t.Scope)
		fmt.Fprintf(g.Stderr, "token %d for %s (%s, scope %s) created; it is shown once:\n", t.ID, m.Login, m.Role, t.Scope)
		fmt.Fprintln(g.Stdout, tok)
		return nil
	})
}

// APITokenListCmd lists tokens.
type APITokenListCmd struct {
	Login string `help:"Only this account's tokens."`
}

func (c *APITokenListCmd) Run(g *Globals) error {
	ctx := context.Background()
	return g.withApp(ctx, nil, func(a *app) error {
		var memberID int64
		if c.Login != "" {
			m, err := a.store.MemberByLogin(ctx, c.Login)
			if err != nil {
				return fmt.Errorf("--login %q: %w", c.Login, err)
			}
			memberID = m.ID
		}
		list, err := a.store.ListAPITokens(ctx, memberID)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(g.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tLOGIN\tROLE\tSCOPE\tNAME\tCREATED\tEXPIRES\tLAST USED\tSTATE")
		now := time.Now()
		for _, t := range list {
			state := "live"
			switch {
			case t.RevokedAt != nil:
				state = "revoked"
			case !t.Live(now):
				state = "expired"
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.MemberLogin, t.MemberRole, t.Scope, t.Name,
				stamp(&t.CreatedAt), stamp(t.ExpiresAt), stamp(t.LastUsedAt), state)
		}
		return w.Flush()
	})
}

func stamp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// APITokenRevokeCmd revokes a token.
type APITokenRevokeCmd struct {
	ID int64 `arg:"" help:"Id of the token (see coin api-token list)."`
}

func (c *APITokenRevokeCmd) Run(g *Globals) error {
	ctx := context.Background()
	return g.withApp(ctx, nil, func(a *app) error {
		if err := api.RevokeToken(ctx, a.store, c.ID); err != nil {
			return err
		}
		a.log.Info("api token revoked", "token", c.ID)
		fmt.Fprintf(g.Stdout, "token %d revoked\n", c.ID)
		return nil
	})
}
