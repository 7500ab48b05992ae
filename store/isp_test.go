package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"coin/date"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

func TestISPRecordRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := s.ISP(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("empty database: got %v, want ErrNotFound", err)
		}
		lat, lon := 45.7578, 4.8320
		r := &store.ISP{Name: "Rézo Lyonnais", ShortName: "Rézo", Email: "contact@rezo.example",
			Website: "https://rezo.example/", CreationDate: "2011-03",
			ProgressStatus: 7, Latitude: &lat, Longitude: &lon,
			OtherWebsites: []store.ISPWebsite{{Name: "wiki", URL: "https://wiki.rezo.example/"}},
			Chatrooms:     []string{"irc://irc.example.org/#rezo"},
			CoveredAreas: []store.CoveredArea{{Name: "Croix-Rousse", Technologies: []string{"wifi", "dsl"},
				Area: json.RawMessage(`{"type":"Polygon","coordinates":[[[4.8,45.7],[4.9,45.7],[4.9,45.8],[4.8,45.7]]]}`)}},
			Office: store.Office{StreetAddress: "3 rue du Bœuf", PostalCode: "69005", Locality: "Lyon",
				Region: "Auvergne-Rhône-Alpes", CountryName: "France"},
			IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP", LegalMentions: "Association loi 1901"}
		if err := s.SaveISP(ctx, r); err != nil {
			t.Fatal(err)
		}
		got, err := s.ISP(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Rézo Lyonnais" || got.CreationDate != "2011-03" || got.FFDNMemberSince != "" ||
			got.ProgressStatus != 7 || *got.Latitude != lat || *got.Longitude != lon || got.Office != r.Office ||
			got.IBAN != r.IBAN || got.UpdatedAt.IsZero() {
			t.Fatalf("got %+v", got)
		}
		if len(got.CoveredAreas) != 1 || got.CoveredAreas[0].Technologies[1] != "dsl" ||
			!bytes.Contains(got.CoveredAreas[0].Area, []byte(`"Polygon"`)) ||
			got.OtherWebsites[0].URL != "https://wiki.rezo.example/" || got.Chatrooms[0] != "irc://irc.example.org/#rezo" {
			t.Fatalf("lists: %+v %+v %+v", got.CoveredAreas, got.OtherWebsites, got.Chatrooms)
		}
		// Saving again replaces the one row; emptied fields become empty.
		got.Latitude, got.Longitude, got.CoveredAreas, got.CreationDate = nil, nil, nil, ""
		if err := s.SaveISP(ctx, got); err != nil {
			t.Fatal(err)
		}
		again, _ := s.ISP(ctx)
		if again.Latitude != nil || len(again.CoveredAreas) != 0 ||
			again.CreationDate != "" || again.Name != "Rézo Lyonnais" {
			t.Fatalf("after second save: %+v", again)
		}
		var rows int
		s.DB().QueryRow(`SELECT COUNT(*) FROM isp`).Scan(&rows)
		if rows != 1 {
			t.Fatalf("%d rows", rows)
		}
	})
}

func TestISPLogo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := s.ISPLogo(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("no logo: %v", err)
		}
		png := []byte("\x89PNG\r\n\x1a\n\x00binary\xff")
		// Without a record, the logo creates an empty one.
		if err := s.SetISPLogo(ctx, &store.Logo{ContentType: "image/png", Hash: "abc123", Body: png}); err != nil {
			t.Fatal(err)
		}
		l, err := s.ISPLogo(ctx)
		if err != nil || !bytes.Equal(l.Body, png) || l.ContentType != "image/png" || l.Hash != "abc123" {
			t.Fatalf("logo: %v %+v", err, l)
		}
		r, err := s.ISP(ctx)
		if err != nil || r.LogoHash != "abc123" || r.Name != "" {
			t.Fatalf("record: %v %+v", err, r)
		}
		// Saving the record keeps the logo.
		r.Name = "FAI"
		if err := s.SaveISP(ctx, r); err != nil {
			t.Fatal(err)
		}
		if l, err := s.ISPLogo(ctx); err != nil || !bytes.Equal(l.Body, png) {
			t.Fatalf("logo lost on save: %v", err)
		}
		if err := s.SetISPLogo(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ISPLogo(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("removed logo: %v", err)
		}
		if r, _ := s.ISP(ctx); r.LogoHash != "" || r.Name != "FAI" {
			t.Fatalf("after removal: %+v", r)
		}
	})
}

func TestCountMembersForISPDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for i, st := range []string{model.StatusMember, model.StatusMember, model.StatusPending, model.StatusNotMember} {
			m := newMember("m"+string(rune('a'+i)), "M", "X")
			m.Status = st
			if err := s.CreateMember(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.CountMembers(ctx, model.StatusMember); err != nil || n != 2 {
			t.Fatalf("members: %d %v", n, err)
		}
		if n, err := s.CountActiveSubscriptions(ctx, date.MustParse("2026-01-01")); err != nil || n != 0 {
			t.Fatalf("subscriptions: %d %v", n, err)
		}
	})
}
