// Package bulkmail sends a message composed in the back office to members
// chosen from a list: each gets it in the overridable layout
// (email/bulk.LANG.txt), with their own name where the text asks for it,
// queued in the outbox in one transaction.
package bulkmail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"text/template"

	"coin/form"
	"coin/mail"
	"coin/store"
)

// MaxRecipients bounds one sending: a larger mailing is a list's job.
const MaxRecipients = 5000

// Service composes and queues the messages.
type Service struct {
	Store *store.Store
	Mail  *mail.Composer
	// Site returns the ISP identity for the layout (.Site).
	Site func(ctx context.Context) mail.Site
	// DefaultLanguage is used for members who chose none.
	DefaultLanguage string
	Log             *slog.Logger
}

// Message is what staff wrote: a subject and a body, in which
// {{.Member.FirstName}}, {{.Member.DisplayName}}, {{.Site.Name}}… are
// replaced for each member.
type Message struct {
	Subject string
	Body    string
}

// check parses the message; the errors are the form's.
func (m *Message) check() (*template.Template, *template.Template, form.Errors) {
	errs := form.Errors{}
	m.Subject = strings.Join(strings.Fields(m.Subject), " ")
	m.Body = strings.ReplaceAll(strings.TrimSpace(m.Body), "\r\n", "\n")
	errs.Required("subject", m.Subject)
	errs.Required("body", m.Body)
	errs.MaxLen("subject", m.Subject, 200)
	errs.MaxLen("body", m.Body, 20000)
	subject, err := template.New("subject").Option("missingkey=zero").Parse(m.Subject)
	if err != nil && errs.Get("subject") == "" {
		errs.Add("subject", "bulk.err.template")
	}
	body, err := template.New("body").Option("missingkey=zero").Parse(m.Body)
	if err != nil && errs.Get("body") == "" {
		errs.Add("body", "bulk.err.template")
	}
	return subject, body, errs
}

// Preview renders the message for one member, as they would receive it.
func (s *Service) Preview(ctx context.Context, m *store.Member, msg Message) (*store.Message, form.Errors, error) {
	subject, body, errs := msg.check()
	if errs.Any() {
		return nil, errs, nil
	}
	out, err := s.compose(ctx, m, subject, body)
	if errors.Is(err, errRender) {
		errs.Add("body", "bulk.err.template")
		return nil, errs, nil
	}
	return out, nil, err
}

var errRender = errors.New("render the message")

func (s *Service) compose(ctx context.Context, m *store.Member, subject, body *template.Template) (*store.Message, error) {
	data := map[string]any{"Member": mail.MemberOf(m), "Site": s.Site(ctx)}
	var subj, text strings.Builder
	if err := subject.Execute(&subj, data); err != nil {
		return nil, fmt.Errorf("%w: %v", errRender, err)
	}
	if err := body.Execute(&text, data); err != nil {
		return nil, fmt.Errorf("%w: %v", errRender, err)
	}
	lang := m.Language
	if lang == "" {
		lang = s.DefaultLanguage
	}
	data["Subject"], data["Body"] = strings.Join(strings.Fields(subj.String()), " "), text.String()
	id := m.ID
	return s.Mail.Compose("bulk", lang, m.Email, &id, data)
}

// Send queues the message to every member of ids who has an address, in
// one transaction (all or none), and returns how many were queued; by is
// the staff member sending it.
func (s *Service) Send(ctx context.Context, ids []int64, msg Message, by *store.Member) (int, form.Errors, error) {
	subject, body, errs := msg.check()
	if errs.Any() {
		return 0, errs, nil
	}
	if len(ids) == 0 {
		return 0, form.Errors{"ids": "bulk.err.none"}, nil
	}
	if len(ids) > MaxRecipients {
		return 0, form.Errors{"ids": "bulk.err.too_many"}, nil
	}
	n := 0
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		for _, id := range ids {
			m, err := tx.MemberByID(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				continue // deleted since the list was shown
			}
			if err != nil {
				return err
			}
			if m.Email == "" {
				continue
			}
			out, err := s.compose(ctx, m, subject, body)
			if err != nil {
				return err
			}
			if err := tx.QueueMessage(ctx, out); err != nil {
				return err
			}
			n++
		}
		tx.AfterCommit(func() {
			s.Log.Info("message sent to members", "recipients", n, "subject", msg.Subject, "by", by.Login)
		})
		return nil
	})
	if errors.Is(err, errRender) {
		return 0, form.Errors{"body": "bulk.err.template"}, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("send a message to %d members: %w", len(ids), err)
	}
	return n, nil, nil
}
