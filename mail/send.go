package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"time"

	gomail "github.com/wneessen/go-mail"

	"coin/config"
	"coin/store"
)

// MaxAttempts is how many times a message is tried before it is marked failed.
const MaxAttempts = 8

// Backoff returns the wait before attempt n+1 after n failed attempts:
// 1, 2, 4… minutes, at most 6 hours.
func Backoff(attempts int) time.Duration {
	d := time.Minute << min(attempts, 10)
	return min(d, 6*time.Hour)
}

// Sender delivers due outbox messages over SMTP.
type Sender struct {
	Store *store.Store
	SMTP  config.Mail
	Log   *slog.Logger
	// TLS, when set, replaces the default TLS settings (system roots,
	// server name from SMTP.Host); tests trust their own server with it.
	TLS *tls.Config
	// Instance names this process in the outbox claims ("" is fine for
	// one process; `serve` sets host and pid).
	Instance string
	wakeup   chan struct{}
}

// lease is how long a claimed message stays this instance's: longer than
// one send can take, so that another instance never sends it meanwhile,
// short enough that a message claimed by a killed instance is retried soon.
func (s *Sender) lease() time.Duration { return s.SMTP.Timeout + time.Minute }

// NewSender returns a sender for the SMTP settings.
func NewSender(s *store.Store, smtp config.Mail, log *slog.Logger) *Sender {
	return &Sender{Store: s, SMTP: smtp, Log: log, wakeup: make(chan struct{}, 1)}
}

// Wakeups delivers the requests of Wake, for whatever runs the outbox job.
func (s *Sender) Wakeups() <-chan struct{} { return s.wakeup }

// Wake asks the running sender to look at the outbox now.
func (s *Sender) Wake() {
	select {
	case s.wakeup <- struct{}{}:
	default:
	}
}

func (s *Sender) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.SMTP.Port), gomail.WithTimeout(s.SMTP.Timeout)}
	switch s.SMTP.Security {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.TLS != nil {
		opts = append(opts, gomail.WithTLSConfig(s.TLS))
	}
	if s.SMTP.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.SMTP.Username), gomail.WithPassword(s.SMTP.Password))
	}
	return gomail.NewClient(s.SMTP.Host, opts...)
}

// SendDue sends the queued messages whose attempt is due (at most 100 a
// run), one SMTP connection per message so that one bad address does not
// block the rest. Each is claimed first (store.ClaimDueMessage): with
// several instances on one database, every message is sent by one of them.
func (s *Sender) SendDue(ctx context.Context) (sent, failed int, err error) {
	var c *gomail.Client
	tried := map[int64]bool{}
	for range 100 {
		if ctx.Err() != nil {
			break
		}
		m, err := s.Store.ClaimDueMessage(ctx, s.Instance, s.lease())
		if err != nil || m == nil {
			return sent, failed, err
		}
		if tried[m.ID] {
			// Failed earlier in this (long) run and due again: it waits
			// for the next run, after its lease.
			break
		}
		tried[m.ID] = true
		if c == nil {
			if c, err = s.client(); err != nil {
				return sent, failed, fmt.Errorf("smtp client: %w", err)
			}
		}
		if err := s.send(ctx, c, m); err != nil {
			failed++
			next := s.Store.Now().Add(Backoff(m.Attempts))
			if m.Attempts+1 >= MaxAttempts {
				next = time.Time{}
			}
			s.Log.Warn("e-mail not sent", "id", m.ID, "to", m.To, "attempt", m.Attempts+1, "err", err)
			if err := s.Store.MarkMessageFailed(ctx, m.ID, err.Error(), next); err != nil {
				return sent, failed, err
			}
			continue
		}
		sent++
		if err := s.Store.MarkMessageSent(ctx, m.ID); err != nil {
			return sent, failed, err
		}
	}
	return sent, failed, nil
}

func (s *Sender) send(ctx context.Context, c *gomail.Client, m *store.Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(m.From); err != nil {
		return fmt.Errorf("from %q: %w", m.From, err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("to %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, m.TextBody)
	if m.HTMLBody != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTMLBody)
	}
	// Attachments (the reminder letter) are read only for the messages
	// that have some; most have none and this is one indexed read.
	files, err := s.Store.MessageAttachments(ctx, m.ID)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := msg.AttachReader(f.Filename, bytes.NewReader(f.Data), gomail.WithFileContentType(gomail.ContentType(f.ContentType))); err != nil {
			return fmt.Errorf("attach %s: %w", f.Filename, err)
		}
	}
	msg.SetMessageID()
	msg.SetDate()
	sendCtx, cancel := context.WithTimeout(ctx, s.SMTP.Timeout+5*time.Second)
	defer cancel()
	return c.DialAndSendWithContext(sendCtx, msg)
}
