package mail_test

import (
	"context"
	"strings"
	"testing"

	"coin/mail/mailtest"
	"coin/store"
	"coin/store/storetest"
)

// TestSendsAttachments: a file stored with a queued message (the reminder
// letter) goes out attached to it.
func TestSendsAttachments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := mailtest.Start(t, mailtest.Options{TLS: true, Username: "coin", Password: "s3cret"})
		m := queue(t, s, &store.Message{Kind: "payment_reminder", To: "zoe@example.org", From: "asso@isp.test",
			Subject: "Relance", TextBody: "Bonjour,\n"})
		if err := s.AttachToMessage(ctx, m.ID, store.Attachment{Filename: "relance-2026-12-03.pdf",
			ContentType: "application/pdf", Data: []byte("%PDF-1.4 letter")}); err != nil {
			t.Fatal(err)
		}
		sent, _, err := sender(s, srv).SendDue(ctx)
		if err != nil || sent != 1 {
			t.Fatalf("SendDue: %d, %v", sent, err)
		}
		raw := string(srv.Messages()[0].Data)
		if !strings.Contains(raw, `relance-2026-12-03.pdf`) || !strings.Contains(raw, "application/pdf") {
			t.Fatalf("no attachment:\n%s", raw)
		}
	})
}
