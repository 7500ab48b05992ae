package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"coin/auth"
	"coin/form"
	"coin/model"
	"coin/store"
)

// CreateSuperuserCmd creates an administrator.
type CreateSuperuserCmd struct {
	Login string `required:"" help:"Login of the new administrator."`
	Email string `required:"" help:"E-mail address of the new administrator."`
}

func (c *CreateSuperuserCmd) Run(g *Globals) error {
	errs := form.Errors{}
	email := errs.Email("email", c.Email)
	if errs.Any() {
		return fmt.Errorf("--email: %q is not an e-mail address", c.Email)
	}
	password, err := readPassword(g)
	if err != nil {
		return err
	}
	if err := auth.CheckPasswordStrength(password); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	// The audit log names the command line as the actor.
	ctx := store.WithActor(context.Background(), store.Actor{Name: "cli"})
	return g.withApp(ctx, nil, func(a *app) error {
		now := time.Now()
		m := &store.Member{Login: c.Login, PasswordHash: hash, PersonType: model.NaturalPerson,
			LastName: c.Login, Email: email, EmailVerifiedAt: &now, Status: model.StatusMember, SendFeeReminders: true}
		err := a.members.CreateAdmin(ctx, m)
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("login %q is already taken", c.Login)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(g.Stdout, "administrator %q created (id %d)\n", m.Login, m.ID)
		return nil
	})
}

// readPassword prompts twice on a terminal, or reads one line from stdin.
func readPassword(g *Globals) (string, error) {
	if f, ok := g.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(g.Stderr, "Password: ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(g.Stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(g.Stderr, "Password (again): ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(g.Stderr)
		if err != nil {
			return "", err
		}
		if string(p1) != string(p2) {
			return "", errors.New("passwords do not match")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(g.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
