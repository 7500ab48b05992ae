package importer_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"coin/backend"
	"coin/config"
	"coin/csvsafe"
	"coin/fees"
	"coin/importer"
	"coin/member"
	"coin/store"
	"coin/store/storetest"
	"coin/subscription"
)

func newService(t *testing.T, st *store.Store) *importer.Service {
	t.Helper()
	cfg := config.Default()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	fs := &fees.Service{Store: st, Cfg: &cfg, Log: quiet}
	return &importer.Service{Store: st, Log: quiet, Fees: fs,
		Members: &member.Service{Store: st, Fees: fs, Log: quiet},
		Subs:    &subscription.Service{Store: st, Cfg: &cfg, Backends: backend.NewRegistry(), Log: quiet}}
}

func mustImport(t *testing.T, svc *importer.Service, kind importer.Kind, profile, data string, opt importer.Options) *importer.Result {
	t.Helper()
	res, err := svc.Import(context.Background(), kind, profile, []byte(data), opt)
	if err != nil {
		t.Fatalf("import %s/%s: %v", kind, profile, err)
	}
	return res
}

// counts reads how many rows the tables an import writes hold.
func counts(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"members", "membership_fees", "subscriptions", "configurations", "accounting_log", "import_refs"} {
		var n int
		if err := st.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func offer(t *testing.T, st *store.Store, ref, backendName string) {
	t.Helper()
	if err := st.CreateOffer(context.Background(), &store.Offer{Name: "Offre " + ref, Reference: ref, Backend: backendName,
		BillingPeriodMonths: 1, PeriodFeeCents: 500, Open: true}); err != nil {
		t.Fatal(err)
	}
}

// Written from README's generic layout.
const genericMembers = "external_id;login;first_name;last_name;organization_name;person_type;email;phone;address;postal_code;city;country;status;language;date_joined;resign_date;comments\n" +
	"A1;alix;Alix;Martin;;natural;alix@example.org;+33 6 12 34 56 78;1 rue de la Paix;75002;Paris;FR;member;fr;2019-03-01;;\n" +
	"A2;;Zoé;Lune;;;zoe@example.org;;;;Besançon;;not_member;en;01/09/2020;2024-01-31;arrived from the old system\n" +
	"A3;asso;;;Les Amis du Net;legal;contact@amis.example;;;;;;;;;;\n"

const genericFees = "external_id;member_external_id;member_login;amount;start_date;end_date;payment_method;payment_date;reference\n" +
	"F1;A1;;15,00;2024-01-01;2024-12-31;transfer;2024-01-05;ADH-1\n" +
	"F2;;alix;15.00;2025-01-01;;check;;\n"

const genericSubscriptions = "external_id;member_external_id;member_login;offer;start_date;resign_date;commitment_months;comments;cfg_login;cfg_ipv4_endpoint\n" +
	"S1;A1;;VPN;2023-05-01;;12;;alix-vpn;198.51.100.7\n"

func TestSameFileTwiceChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := newService(t, st)
		offer(t, st, "VPN", "vpn")
		files := []struct {
			kind importer.Kind
			data string
			n    int
		}{{importer.Members, genericMembers, 3}, {importer.Fees, genericFees, 2}, {importer.Subscriptions, genericSubscriptions, 1}}
		for _, f := range files {
			res := mustImport(t, svc, f.kind, "generic", f.data, importer.Options{})
			if !res.Written || res.Counts[importer.Create] != f.n || len(res.Bad()) != 0 {
				t.Fatalf("%s: first import %+v", f.kind, res)
			}
		}
		before := counts(t, st)
		if before["members"] != 3 || before["membership_fees"] != 2 || before["subscriptions"] != 1 || before["import_refs"] != 6 {
			t.Fatalf("after the first import: %v", before)
		}
		alix, _ := st.MemberByLogin(context.Background(), "alix")
		for _, f := range files {
			res := mustImport(t, svc, f.kind, "generic", f.data, importer.Options{})
			if res.Counts[importer.Unchanged] != f.n || len(res.Lines) != f.n {
				t.Fatalf("%s: second import %+v", f.kind, res.Counts)
			}
		}
		if after := counts(t, st); !equal(before, after) {
			t.Fatalf("the second import changed the tables: %v then %v", before, after)
		}
		again, _ := st.MemberByLogin(context.Background(), "alix")
		if !again.UpdatedAt.Equal(alix.UpdatedAt) {
			t.Fatal("the second import rewrote a member")
		}
		// A changed line updates its member, and only it.
		changed := strings.Replace(genericMembers, "75002;Paris", "69001;Lyon", 1)
		res := mustImport(t, svc, importer.Members, "generic", changed, importer.Options{})
		if res.Counts[importer.Update] != 1 || res.Counts[importer.Unchanged] != 2 {
			t.Fatalf("changed file: %v", res.Counts)
		}
		again, _ = st.MemberByLogin(context.Background(), "alix")
		if again.City != "Lyon" || again.Phone != "+33 6 12 34 56 78" {
			t.Fatalf("updated member %+v", again)
		}
		zoe, err := st.MemberByLogin(context.Background(), "zoe.lune")
		if err != nil || zoe.DateJoined.String() != "2020-09-01" || zoe.City != "Besançon" || zoe.Status != "not_member" {
			t.Fatalf("member without a login: %+v %v", zoe, err)
		}
	})
}

func equal(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestOneBadLineWritesNothingAndNamesIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		svc := newService(t, st)
		bad := strings.Replace(genericMembers, "zoe@example.org", "zoe at example", 1)
		res := mustImport(t, svc, importer.Members, "generic", bad, importer.Options{})
		if res.Written || len(res.Bad()) != 1 {
			t.Fatalf("a file with a bad line: %+v", res)
		}
		l := res.Bad()[0]
		if l.Line != 3 || len(l.Errors) != 1 || l.Errors[0].Column != "email" || l.Errors[0].Key != "err.email_invalid" {
			t.Fatalf("bad line reported as %+v", l)
		}
		if n := counts(t, st)["members"]; n != 0 {
			t.Fatalf("%d members written from a file with a bad line", n)
		}
		// The dry run says what would be created and writes nothing either.
		dry := mustImport(t, svc, importer.Members, "generic", genericMembers, importer.Options{DryRun: true})
		if dry.Written || dry.Counts[importer.Create] != 3 || counts(t, st)["members"] != 0 {
			t.Fatalf("dry run: %+v", dry)
		}
		// Skipping the bad line writes the others.
		res = mustImport(t, svc, importer.Members, "generic", bad, importer.Options{SkipBad: true})
		if !res.Written || res.Counts[importer.Create] != 2 || counts(t, st)["members"] != 2 {
			t.Fatalf("skip-bad: %+v", res.Counts)
		}
		// A fee of an unknown member, or overlapping the one before, is bad.
		fees := "external_id;member_login;amount;start_date;end_date\nX1;nobody;15;2024-01-01;\nX2;alix;15;2024-01-01;\nX3;alix;15;2024-06-01;\n"
		res = mustImport(t, svc, importer.Fees, "generic", fees, importer.Options{})
		if res.Written || len(res.Bad()) != 2 || res.Bad()[0].Line != 2 || res.Bad()[0].Errors[0].Key != "import.err_member_unknown" ||
			res.Bad()[1].Line != 4 || res.Bad()[1].Errors[0].Key != "fees.err_overlap" {
			t.Fatalf("fees: %+v", res.Lines)
		}
		if n := counts(t, st)["membership_fees"]; n != 0 {
			t.Fatalf("%d fees written from a file with bad lines", n)
		}
		// A file without the e-mail column is refused whole.
		if _, err := svc.Import(context.Background(), importer.Members, "generic", []byte("login;first_name\nx;y\n"), importer.Options{}); err == nil ||
			!strings.Contains(err.Error(), "import.err_missing_column") {
			t.Fatalf("missing column: %v", err)
		}
	})
}

func TestExportReimportedGivesTheSameMembers(t *testing.T) {
	src := storetest.SQLite(t)
	ctx := context.Background()
	msvc := newService(t, src).Members
	forms := []member.Form{
		{Login: "alix", PersonType: "natural", FirstName: "Alix", LastName: "Martin", Email: "alix@example.org",
			Phone: "+33 6 12 34 56 78", Address: "1 rue de la Paix\nBâtiment B", PostalCode: "75002", City: "Paris",
			Country: "FR", Status: "member", Language: "fr", DateJoined: "2019-03-01", SendFeeReminders: true,
			Comments: "=HYPERLINK(\"x\"); a \"quoted\" note, with commas"},
		{Login: "amis", PersonType: "legal", OrganizationName: "Les Amis du Net", Email: "contact@amis.example",
			Status: "not_member", DateJoined: "2020-01-01", ResignDate: "2024-06-30"},
		{Login: "zoe", PersonType: "natural", FirstName: "Zoé", LastName: "Lune-Çà", Nickname: "zozo", Email: "zoe@example.org",
			Status: "pending", Language: "en", DateJoined: "2021-02-03"},
	}
	for _, f := range forms {
		if _, errs, err := msvc.Create(ctx, f, member.Staff, nil); err != nil || errs.Any() {
			t.Fatalf("create %s: %v %v", f.Login, errs, err)
		}
	}
	all, _, err := src.ListMembers(ctx, store.MemberFilter{Limit: 100, Sort: "id"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := csvsafe.NewWriter(&buf)
	if err := importer.WriteMembers(w, all); err != nil || w.Flush() != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, dst *store.Store) {
		res := mustImport(t, newService(t, dst), importer.Members, "coin", buf.String(), importer.Options{})
		if !res.Written || res.Counts[importer.Create] != 3 {
			t.Fatalf("re-import: %+v", res)
		}
		for _, want := range all {
			got, err := dst.MemberByLogin(ctx, want.Login)
			if err != nil {
				t.Fatal(err)
			}
			if got.PersonType != want.PersonType || got.FirstName != want.FirstName || got.LastName != want.LastName ||
				got.OrganizationName != want.OrganizationName || got.Nickname != want.Nickname || got.Email != want.Email ||
				got.Phone != want.Phone || got.Address != want.Address || got.PostalCode != want.PostalCode ||
				got.City != want.City || got.Country != want.Country || got.Status != want.Status ||
				got.Language != want.Language || got.Comments != want.Comments || got.DateJoined != want.DateJoined ||
				got.ResignDate != want.ResignDate || got.SendFeeReminders != want.SendFeeReminders {
				t.Errorf("re-imported\n%+v\nwant\n%+v", got, want)
			}
		}
	})
}

func latin(t *testing.T, enc *charmap.Charmap, s string) string {
	t.Helper()
	out, err := enc.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEachProfileReadsItsLayout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		svc := newService(t, st)
		offer(t, st, "DSL", "dsl")
		// COIN (Django) admin export: comma, UTF-8 with a byte order mark,
		// Django's date-times, its person types.
		django := "\ufeffid,username,first_name,last_name,organization_name,nickname,email,home_phone_number,mobile_phone_number,address,postal_code,city,country,type,status,date_joined,resign_date,comments,send_membership_fees_email\n" +
			"7,jdupont,Jean,Dupont,,,jean@example.org,,06 11 22 33 44,\"3 place du Marché\",38000,Grenoble,France,natural_person,member,2014-05-12 10:22:01,,,True\n" +
			"9,ffdn,,,Fédération FDN,,bureau@ffdn.example,01 02 03 04 05,,,,,,legal_entity,member,2015-01-01 00:00:00,,,False\n"
		res := mustImport(t, svc, importer.Members, "coin-django", django, importer.Options{})
		if !res.Written || res.Counts[importer.Create] != 2 || res.Encoding != "utf-8" || res.Separator != "," {
			t.Fatalf("coin-django: %+v", res)
		}
		jd, err := st.MemberByLogin(ctx, "jdupont")
		if err != nil || jd.Phone != "06 11 22 33 44" || jd.DateJoined.String() != "2014-05-12" || jd.Address != "3 place du Marché" || !jd.SendFeeReminders {
			t.Fatalf("coin-django member %+v %v", jd, err)
		}
		if fd, _ := st.MemberByLogin(ctx, "ffdn"); fd == nil || fd.PersonType != "legal" || fd.OrganizationName != "Fédération FDN" || fd.SendFeeReminders {
			t.Fatalf("coin-django legal entity %+v", fd)
		}
		djangoFees := "id,member,amount,start_date,end_date,payment_method,reference,payment_date\n31,7,20.00,2014-05-12,2015-05-11,check,chq 1234,2014-05-12\n"
		if res := mustImport(t, svc, importer.Fees, "coin-django", djangoFees, importer.Options{}); res.Counts[importer.Create] != 1 {
			t.Fatalf("coin-django fees: %+v", res.Lines)
		}
		djangoSubs := "id,member,offer,subscription_date,resign_date,commitment,comments\n12,7,DSL,2014-06-01,,12,\n"
		if res := mustImport(t, svc, importer.Subscriptions, "coin-django", djangoSubs, importer.Options{}); res.Written || len(res.Bad()) != 1 ||
			res.Bad()[0].Errors[0].Column != "cfg_line_number" {
			// A DSL line needs its configuration: the error names it.
			t.Fatalf("coin-django subscription without configuration: %+v", res.Lines)
		}
		djangoSubs = "id,member,offer,subscription_date,resign_date,commitment,comments,cfg_line_number,cfg_login\n12,7,DSL,2014-06-01,,12,,0476000000,jdupont-dsl\n"
		if res := mustImport(t, svc, importer.Subscriptions, "coin-django", djangoSubs, importer.Options{}); res.Counts[importer.Create] != 1 {
			t.Fatalf("coin-django subscription: %+v", res.Lines)
		}

		// Galette: semicolon, Windows-1252, French dates, database names.
		galette := latin(t, charmap.Windows1252, "id_adh;nom_adh;prenom_adh;pseudo_adh;societe_adh;adresse_adh;adresse2_adh;cp_adh;ville_adh;pays_adh;tel_adh;gsm_adh;email_adh;login_adh;info_adh;date_crea_adh;activite_adh;pref_lang\n"+
			"3;Lefèvre;Chloé;;;12 rue d'Œuf;Appt 4;69003;Lyon;France;;07 00 00 00 00;chloe@example.org;chloe;payé en espèces – 2€;15/02/2018;1;fr_FR\n"+
			"4;Martin;Paul;;;;;;;;;;paul@example.org;;;01/03/2019;0;en_US\n")
		res = mustImport(t, svc, importer.Members, "galette", galette, importer.Options{})
		if !res.Written || res.Counts[importer.Create] != 2 || res.Encoding != "windows-1252" || res.Separator != ";" {
			t.Fatalf("galette: %+v", res)
		}
		ch, _ := st.MemberByLogin(ctx, "chloe")
		if ch == nil || ch.LastName != "Lefèvre" || ch.Address != "12 rue d'Œuf\nAppt 4" || ch.Comments != "payé en espèces – 2€" ||
			ch.DateJoined.String() != "2018-02-15" || ch.Status != "member" || ch.Language != "fr" {
			t.Fatalf("galette member %+v", ch)
		}
		if pm, _ := st.MemberByLogin(ctx, "paul.martin"); pm == nil || pm.Status != "not_member" || pm.Language != "en" {
			t.Fatalf("galette member without login %+v", pm)
		}
		galetteFees := "id_cotis;id_adh;id_type_cotis;montant_cotis;type_paiement_cotis;info_cotis;date_enreg;date_debut_cotis;date_fin_cotis\n" +
			"50;3;1;20,00;1;;15/02/2018;15/02/2018;14/02/2019\n51;3;1;20,00;4;;20/02/2019;15/02/2019;14/02/2020\n"
		res = mustImport(t, svc, importer.Fees, "galette", galetteFees, importer.Options{})
		if res.Counts[importer.Create] != 2 {
			t.Fatalf("galette fees: %+v", res.Lines)
		}
		chFees, _ := st.MembershipFeesOfMember(ctx, ch.ID)
		if len(chFees) != 2 || chFees[0].Amount != 2000 {
			t.Fatalf("galette fees stored: %+v", chFees)
		}
		methods := map[string]bool{}
		for _, f := range chFees {
			methods[f.PaymentMethod] = true
		}
		if !methods["cash"] || !methods["transfer"] {
			t.Fatalf("galette payment types read as %v", methods)
		}
		if _, err := svc.Import(ctx, importer.Subscriptions, "galette", []byte("x\n"), importer.Options{}); err == nil {
			t.Fatal("galette has no subscriptions, yet its profile read some")
		}
		// Galette's export with its French column titles reads too.
		galetteFR := latin(t, charmap.ISO8859_1, "Nom;Prénom;Pseudo;E-Mail;Ville;Date de création\nBérard;Léa;;lea@example.org;Nîmes;2017-09-30\n")
		res = mustImport(t, svc, importer.Members, "galette", galetteFR, importer.Options{})
		if res.Counts[importer.Create] != 1 || res.Encoding != "windows-1252" {
			t.Fatalf("galette with French titles: %+v", res)
		}
		if lb, _ := st.MemberByLogin(ctx, "lea.berard"); lb == nil || lb.City != "Nîmes" {
			t.Fatalf("galette French titles: %+v", lb)
		}

		// Generic: tab separated, ISO-8859-1 with a byte Windows-1252 lacks.
		generic := latin(t, charmap.ISO8859_1, "external_id\temail\tfirst_name\tlast_name\tcity\n") + "G1\tnoe@example.org\tNo\xeb\tPr\xe9\t\x90Ville\n"
		res = mustImport(t, svc, importer.Members, "generic", generic, importer.Options{})
		if res.Counts[importer.Create] != 1 || res.Encoding != "iso-8859-1" || res.Separator != "\t" {
			t.Fatalf("generic: %+v", res)
		}
		// coin's own layout is tested by the export round trip; an unknown
		// profile is refused.
		if _, err := svc.Import(ctx, importer.Members, "dolibarr", []byte("email\n"), importer.Options{}); err == nil {
			t.Fatal("unknown profile accepted")
		}
	})
}
