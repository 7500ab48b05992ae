package mail

import (
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
	TLS    *tls.Config
	wakeup chan struct{}
}

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

// SendDue sends every queued message whose attempt is due, one SMTP
// connection per message so that one bad address does not block the rest.
func (s *Sender) SendDue(ctx context.Context) (sent, failed int, err error) {
	msgs, err := s.Store.DueMessages(ctx, 100)
	if err != nil {
		return 0, 0, err
	}
	if len(msgs) == 0 {
		return 0, 0, nil
	}
	c, err := s.client()
	if err != nil {
		return 0, 0, fmt.Errorf("smtp client: %w", err)
	}
	for _, m := range msgs {
		if ctx.Err() != nil {
			break
		}
		if err := s.send(ctx, c, m); err != nil {
			failed++
			next := time.Now().Add(Backoff(m.Attempts))
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
	msg.SetMessageID()
	msg.SetDate()
	sendCtx, cancel := context.WithTimeout(ctx, s.SMTP.Timeout+5*time.Second)
	defer cancel()
	return c.DialAndSendWithContext(sendCtx, msg)
}
