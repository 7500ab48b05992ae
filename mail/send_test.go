package mail_test

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coin/ispdb"
	"coin/mail"
	"coin/mail/mailtest"
	"coin/model"
	"coin/overrides"
	"coin/store"
	"coin/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func queue(t *testing.T, s *store.Store, m *store.Message) *store.Message {
	t.Helper()
	if err := s.QueueMessage(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

func sender(s *store.Store, srv *mailtest.Server) *mail.Sender {
	snd := mail.NewSender(s, srv.Config(), quiet)
	if srv.RootCAs != nil {
		snd.TLS = srvTLS(srv)
	}
	return snd
}

func TestSendDueDeliversOverSTARTTLSWithAuth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := mailtest.Start(t, mailtest.Options{TLS: true, Username: "coin", Password: "s3cret"})
		m := queue(t, s, &store.Message{Kind: "welcome", To: "zoé@example.org", From: "FAI Test <asso@isp.test>",
			Subject: "Bienvenue chez FAI Test, Zoé", TextBody: "Bonjour Zoé,\nça marche.\n",
			HTMLBody: "<p>Bonjour <strong>Zoé</strong></p>"})
		sent, failed, err := sender(s, srv).SendDue(ctx)
		if err != nil || sent != 1 || failed != 0 {
			t.Fatalf("SendDue: %d sent, %d failed, %v", sent, failed, err)
		}
		msgs := srv.Messages()
		if len(msgs) != 1 || msgs[0].From != "asso@isp.test" || len(msgs[0].To) != 1 || msgs[0].To[0] != "zoé@example.org" {
			t.Fatalf("envelope: %+v", msgs)
		}
		p, err := msgs[0].Parsed()
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(p.Header.Get("Subject"))
		if subject != "Bienvenue chez FAI Test, Zoé" || p.Header.Get("Message-Id") == "" {
			t.Fatalf("headers: %v", p.Header)
		}
		text, html := parts(t, p.Header.Get("Content-Type"), p.Body)
		if !strings.Contains(text, "ça marche") || !strings.Contains(html, "<strong>Zoé</strong>") {
			t.Fatalf("parts: text %q html %q", text, html)
		}
		got, _ := s.MessageByID(ctx, m.ID)
		if got.Status != model.OutboxSent || got.SentAt == nil || got.Attempts != 1 || got.LastError != "" {
			t.Fatalf("outbox row: %+v", got)
		}
		// Nothing left to send: no connection is opened.
		before := srv.Sessions()
		if sent, _, _ := sender(s, srv).SendDue(ctx); sent != 0 || srv.Sessions() != before {
			t.Fatalf("second SendDue sent %d, sessions %d → %d", sent, before, srv.Sessions())
		}
	})
}

// parts returns the text and HTML alternatives of a multipart/alternative body.
func parts(t *testing.T, contentType string, body io.Reader) (text, html string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q: %v", contentType, err)
	}
	r := multipart.NewReader(body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return text, html
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(decode(p))
		switch {
		case strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain"):
			text = string(b)
		case strings.HasPrefix(p.Header.Get("Content-Type"), "text/html"):
			html = string(b)
		}
	}
}

func TestRetryAfterRefusalWithBackoff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := mailtest.Start(t, mailtest.Options{})
		m := queue(t, s, &store.Message{Kind: "password_reset", To: "a@example.org", From: "coin@isp.test",
			Subject: "Reset", TextBody: "link"})
		srv.RefuseNext(1)
		snd := sender(s, srv)
		sent, failed, err := snd.SendDue(ctx)
		if err != nil || sent != 0 || failed != 1 {
			t.Fatalf("refused: %d sent, %d failed, %v", sent, failed, err)
		}
		got, _ := s.MessageByID(ctx, m.ID)
		wait := time.Until(got.NextAttemptAt)
		if got.Status != model.OutboxQueued || got.Attempts != 1 || !strings.Contains(got.LastError, "451") ||
			wait < 50*time.Second || wait > mail.Backoff(0) {
			t.Fatalf("after refusal: %+v (retry in %s)", got, wait)
		}
		// Not due yet: nothing is tried.
		if sent, failed, _ := snd.SendDue(ctx); sent+failed != 0 || len(srv.Messages()) != 0 {
			t.Fatalf("retried before the backoff: %d %d", sent, failed)
		}
		// Two minutes later it is due, and the server now accepts it.
		s.Now = func() time.Time { return time.Now().Add(2 * time.Minute) }
		if sent, _, err := snd.SendDue(ctx); sent != 1 || err != nil {
			t.Fatalf("retry: %d sent, %v", sent, err)
		}
		got, _ = s.MessageByID(ctx, m.ID)
		if got.Status != model.OutboxSent || got.Attempts != 2 || got.LastError != "" || len(srv.Messages()) != 1 {
			t.Fatalf("after retry: %+v, %d delivered", got, len(srv.Messages()))
		}
	})
}

func TestGivesUpAfterMaxAttemptsAndResends(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := mailtest.Start(t, mailtest.Options{})
		m := queue(t, s, &store.Message{Kind: "welcome", To: "a@example.org", From: "coin@isp.test", Subject: "Hi", TextBody: "x"})
		srv.RefuseNext(mail.MaxAttempts)
		snd := sender(s, srv)
		clock := time.Now()
		for i := 0; i < mail.MaxAttempts; i++ {
			s.Now = func() time.Time { return clock }
			if _, failed, err := snd.SendDue(ctx); failed != 1 || err != nil {
				t.Fatalf("attempt %d: failed %d, %v", i+1, failed, err)
			}
			clock = clock.Add(7 * time.Hour)
		}
		got, _ := s.MessageByID(ctx, m.ID)
		if got.Status != model.OutboxFailed || got.Attempts != mail.MaxAttempts {
			t.Fatalf("after %d refusals: %+v", mail.MaxAttempts, got)
		}
		// Given up: not tried again.
		if sent, failed, _ := snd.SendDue(ctx); sent+failed != 0 {
			t.Fatal("a failed message was retried")
		}
		// "Send again" from the back office queues it afresh.
		s.Now = time.Now
		if err := s.RequeueMessage(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		if sent, _, _ := snd.SendDue(ctx); sent != 1 {
			t.Fatal("resent message not delivered")
		}
	})
}

func TestWrongPasswordIsRecordedAsError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		srv := mailtest.Start(t, mailtest.Options{TLS: true, Username: "coin", Password: "right"})
		m := queue(t, s, &store.Message{Kind: "welcome", To: "a@example.org", From: "coin@isp.test", Subject: "Hi", TextBody: "x"})
		snd := sender(s, srv)
		snd.SMTP.Password = "wrong"
		if _, failed, err := snd.SendDue(context.Background()); failed != 1 || err != nil {
			t.Fatalf("failed %d, %v", failed, err)
		}
		got, _ := s.MessageByID(context.Background(), m.ID)
		if got.Status != model.OutboxQueued || !strings.Contains(strings.ToLower(got.LastError), "auth") || len(srv.Messages()) != 0 {
			t.Fatalf("%+v", got)
		}
	})
}

func TestComposeUsesOverridesSendersAndHTML(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "email"), 0o755)
	os.WriteFile(filepath.Join(dir, "email", "welcome.en.txt"), []byte("Subject: Hey {{.Member.FirstName}}\n\nOur own words for {{.Member.FirstName}}.\n"), 0o644)
	id := ispdb.Identity{Name: "Rézo Libre", Email: "contact@isp.test", AdminEmail: "Bureau <bureau@isp.test>"}
	c := &mail.Composer{Templates: overrides.New(dir, quiet), From: "coin@localhost",
		Identity: func() ispdb.Identity { return id }}
	data := func() map[string]any {
		return map[string]any{"Member": &store.Member{FirstName: "Zoé", Login: "zoe"}, "Site": mail.Site{Name: "FAI"},
			"Link": "https://isp.test/"}
	}
	m, err := c.Compose("welcome", "en", "z@example.org", nil, data())
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Hey Zoé" || m.TextBody != "Our own words for Zoé.\n" || m.From != "Bureau <bureau@isp.test>" {
		t.Fatalf("override / administrative sender: %+v", m)
	}
	if !strings.Contains(m.HTMLBody, `href="https://isp.test/"`) {
		t.Fatalf("html alternative: %q", m.HTMLBody)
	}
	// Account mail comes from the contact address, named after the ISP,
	// never from coin@localhost; French is not overridden.
	m, _ = c.Compose("password_reset", "fr", "z@example.org", nil, data())
	if a, err := netmail.ParseAddress(m.From); err != nil || a.Address != "contact@isp.test" || a.Name != "Rézo Libre" {
		t.Fatalf("password reset from %q (%v)", m.From, err)
	}
	if !strings.Contains(m.TextBody, "nouveau mot de passe") || m.HTMLBody != "" {
		t.Fatalf("password reset: %+v", m)
	}
	// Invoices come from the administrative address, or the contact one.
	if from := c.Sender("invoice_new"); from != "Bureau <bureau@isp.test>" {
		t.Fatalf("invoice from %q", from)
	}
	id.AdminEmail = ""
	if from := c.Sender("invoice_new"); from != `"Rézo Libre" <contact@isp.test>` {
		t.Fatalf("invoice without an administrative address from %q", from)
	}
	// A configured sender wins over the record.
	c.Senders = mail.Senders{Account: "Accès <acces@isp.test>", Billing: "tresorerie@isp.test"}
	if m, _ = c.Compose("verify_email", "en", "z@example.org", nil, data()); m.From != "Accès <acces@isp.test>" {
		t.Fatalf("configured account sender: %q", m.From)
	}
	if from := c.Sender("payment_received"); from != "tresorerie@isp.test" {
		t.Fatalf("configured billing sender: %q", from)
	}
	// Without a record address or a configured one, mail.from signs.
	c.Senders, id.Email = mail.Senders{}, ""
	if m, _ = c.Compose("welcome", "fr", "z@example.org", nil, data()); m.From != "coin@localhost" {
		t.Fatalf("from %q", m.From)
	}
}

// TestEveryEmailTemplateRenders renders each built-in e-mail with the data
// its callers give, in both languages, so a typo in a default cannot reach
// a member.
func TestEveryEmailTemplateRenders(t *testing.T) {
	c := &mail.Composer{Templates: overrides.New("", quiet), From: "coin@isp.test"}
	member := &store.Member{ID: 7, Login: "zoe", FirstName: "Zoé", LastName: "Lefèvre", Email: "z@example.org"}
	site := mail.Site{Name: "FAI", URL: "https://isp.test/", IBAN: "FR76 3000 6000 0112 3456 7890 189", BIC: "AGRIFRPP"}
	data := map[string]map[string]any{
		"welcome":             {"Link": "https://isp.test/"},
		"verify_email":        {"Link": "https://isp.test/v/x", "ValidDays": 7},
		"password_reset":      {"Link": "https://isp.test/r/x", "ValidHours": 2},
		"signup_notification": {"Link": "https://isp.test/admin/members/7"},
		"fee_reminder": {"EndDate": "30/06/2026", "Expired": false, "EndsToday": false, "Offset": "-1m",
			"Amount": "15,00 €", "Reference": "ADH-7", "IBAN": site.IBAN, "BIC": site.BIC, "InfoURL": "https://isp.test/join",
			"Link": "https://isp.test/membership"},
		"invoice_new": {"Invoice": map[string]any{"Number": "2026-000042", "Total": "30,00 €", "DueDate": "31/07/2026",
			"Link": "https://isp.test/invoices/42"}},
		"payment_received": {"Payment": map[string]any{"Amount": "30,00 €", "Date": "01/07/2026", "Label": "VIR ADH-7"}},
		"payment_reminder": {"Invoices": []map[string]any{{"Number": "2026-000042", "DueDate": "31/07/2026",
			"Total": "30,00 €", "Remaining": "30,00 €", "Link": "https://isp.test/invoices/42"}}, "Total": "30,00 €",
			"Level": 45, "Last": true, "Reference": "2026-000042", "IBAN": site.IBAN, "BIC": site.BIC,
			"DirectDebit": false, "PaymentLink": "https://pay.isp.test/x", "Link": "https://isp.test/invoices"},
		"arrears_notice": {"Total": "90,00 €", "SuspendOn": "10/12/2026", "Reference": "2026-000042", "IBAN": site.IBAN,
			"BIC": site.BIC, "DirectDebit": true, "PaymentLink": "", "Link": "https://isp.test/invoices"},
	}
	for kind, d := range data {
		for _, lang := range []string{"fr", "en"} {
			d["Member"], d["Site"] = member, site
			m, err := c.Compose(kind, lang, member.Email, &member.ID, d)
			if err != nil {
				t.Fatalf("%s.%s: %v", kind, lang, err)
			}
			if strings.Contains(m.TextBody+m.HTMLBody+m.Subject, "<no value>") || strings.Contains(m.TextBody, "{{") {
				t.Fatalf("%s.%s: missing data:\n%s\n%s", kind, lang, m.TextBody, m.HTMLBody)
			}
			if !strings.Contains(m.Subject, "FAI") || !strings.Contains(m.TextBody, "zoe") && !strings.Contains(m.TextBody, "Zoé") {
				t.Fatalf("%s.%s: %q\n%s", kind, lang, m.Subject, m.TextBody)
			}
		}
	}
}
