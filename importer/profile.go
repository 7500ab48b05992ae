package importer

import (
	"sort"
	"strings"
)

// Kind is what a file holds.
type Kind string

const (
	Members       Kind = "members"
	Fees          Kind = "fees"
	Subscriptions Kind = "subscriptions"
)

// Kinds lists what can be imported, in the order to import them: fees and
// subscriptions name members imported before.
var Kinds = []Kind{Members, Fees, Subscriptions}

// The fields a line may give. ref is the line's id in the other system;
// memberRef and memberLogin name the member of a fee or subscription (the
// member's id in the same system, or their login).
const (
	fRef = "ref"

	fLogin, fPersonType, fFirstName, fLastName = "login", "person_type", "first_name", "last_name"
	fOrganization, fNickname, fEmail           = "organization_name", "nickname", "email"
	fPhone, fPhone2, fAddress, fAddress2       = "phone", "phone2", "address", "address2"
	fPostalCode, fCity, fCountry, fStatus      = "postal_code", "city", "country", "status"
	fLanguage, fComments, fJoined, fResign     = "language", "comments", "date_joined", "resign_date"
	fReminders                                 = "send_fee_reminders"

	fMemberRef, fMemberLogin, fAmount, fStart = "member_ref", "member_login", "amount", "start_date"
	fEnd, fMethod, fPaid, fReference          = "end_date", "payment_method", "payment_date", "reference"
	fOffer, fCommitment                       = "offer", "commitment_months"
)

// configPrefix starts the columns that give a subscription's configuration
// fields (cfg_login, cfg_ipv4_endpoint…), in every profile.
const configPrefix = "cfg_"

// Profile maps another system's export onto coin's fields.
type Profile struct {
	Name string
	// Source names the other system in import_refs: the same id from two
	// systems are two lines.
	Source string
	// Columns gives, per kind and field, the header titles that carry it
	// (compared without case or accents). A kind without columns cannot be
	// imported with this profile.
	Columns map[Kind]map[string][]string
	// Values turns the other system's codes into coin's, per field
	// (lower-cased source value → coin value). A value not listed is kept.
	Values map[string]map[string]string
}

var yesNo = map[string]string{"1": "true", "0": "false", "true": "true", "false": "false",
	"yes": "true", "no": "false", "oui": "true", "non": "false", "": ""}

var memberFields = map[string][]string{
	fRef: {"id"}, fLogin: {"login"}, fPersonType: {"person_type"}, fFirstName: {"first_name"},
	fLastName: {"last_name"}, fOrganization: {"organization_name"}, fNickname: {"nickname"},
	fEmail: {"email"}, fPhone: {"phone"}, fAddress: {"address"}, fPostalCode: {"postal_code"},
	fCity: {"city"}, fCountry: {"country"}, fStatus: {"status"}, fLanguage: {"language"},
	fComments: {"comments"}, fJoined: {"date_joined"}, fResign: {"resign_date"},
	fReminders: {"send_fee_reminders"},
}

var feeFields = map[string][]string{
	fRef: {"id"}, fMemberRef: {"member_id"}, fMemberLogin: {"member_login"}, fAmount: {"amount"},
	fStart: {"start_date"}, fEnd: {"end_date"}, fMethod: {"payment_method"}, fPaid: {"payment_date"},
	fReference: {"reference"},
}

var subscriptionFields = map[string][]string{
	fRef: {"id"}, fMemberRef: {"member_id"}, fMemberLogin: {"member_login"}, fOffer: {"offer"},
	fStart: {"start_date"}, fResign: {"resign_date"}, fCommitment: {"commitment_months"},
	fComments: {"comments"},
}

// renamed copies fields with the titles of ref and member_ref replaced.
func renamed(fields map[string][]string, titles map[string][]string) map[string][]string {
	out := make(map[string][]string, len(fields))
	for k, v := range fields {
		out[k] = v
	}
	for k, v := range titles {
		out[k] = v
	}
	return out
}

// profiles are the built-in profiles; README "Importing from another
// system" documents each layout.
var profiles = map[string]*Profile{
	// coin's own export (back office members list, Export CSV).
	"coin": {Name: "coin", Source: "coin",
		Columns: map[Kind]map[string][]string{Members: memberFields, Fees: feeFields, Subscriptions: subscriptionFields},
		Values:  map[string]map[string]string{fReminders: yesNo}},
	// The documented layout for a spreadsheet: coin's names, with
	// external_id for the line's id.
	"generic": {Name: "generic", Source: "generic",
		Columns: map[Kind]map[string][]string{
			Members:       renamed(memberFields, map[string][]string{fRef: {"external_id"}}),
			Fees:          renamed(feeFields, map[string][]string{fRef: {"external_id"}, fMemberRef: {"member_external_id"}}),
			Subscriptions: renamed(subscriptionFields, map[string][]string{fRef: {"external_id"}, fMemberRef: {"member_external_id"}}),
		},
		Values: map[string]map[string]string{fReminders: yesNo}},
	// COIN (Django): the admin's CSV export of members (model field
	// names), membership fees and offer subscriptions.
	"coin-django": {Name: "coin-django", Source: "coin-django",
		Columns: map[Kind]map[string][]string{
			Members: {fRef: {"id"}, fLogin: {"username"}, fPersonType: {"type"}, fFirstName: {"first_name"},
				fLastName: {"last_name"}, fOrganization: {"organization_name"}, fNickname: {"nickname"},
				fEmail: {"email"}, fPhone: {"home_phone_number"}, fPhone2: {"mobile_phone_number"},
				fAddress: {"address"}, fPostalCode: {"postal_code"}, fCity: {"city"}, fCountry: {"country"},
				fStatus: {"status"}, fComments: {"comments"}, fJoined: {"date_joined"}, fResign: {"resign_date"},
				fReminders: {"send_membership_fees_email"}},
			Fees: {fRef: {"id"}, fMemberRef: {"member"}, fAmount: {"amount"}, fStart: {"start_date"},
				fEnd: {"end_date"}, fMethod: {"payment_method"}, fPaid: {"payment_date"}, fReference: {"reference"}},
			Subscriptions: {fRef: {"id"}, fMemberRef: {"member"}, fOffer: {"offer"}, fStart: {"subscription_date"},
				fResign: {"resign_date"}, fCommitment: {"commitment"}, fComments: {"comments"}},
		},
		Values: map[string]map[string]string{
			fPersonType: {"natural_person": "natural", "legal_entity": "legal"},
			fReminders:  yesNo,
		}},
	// Galette: the members list's CSV export (database field names or
	// the French titles of its interface) and contributions.
	"galette": {Name: "galette", Source: "galette",
		Columns: map[Kind]map[string][]string{
			Members: {fRef: {"id_adh", "id"}, fLogin: {"login_adh", "identifiant"}, fLastName: {"nom_adh", "nom"},
				fFirstName: {"prenom_adh", "prénom"}, fNickname: {"pseudo_adh", "pseudo"},
				fOrganization: {"societe_adh", "société"}, fAddress: {"adresse_adh", "adresse"},
				fAddress2: {"adresse2_adh", "adresse (suite)"}, fPostalCode: {"cp_adh", "code postal"},
				fCity: {"ville_adh", "ville"}, fCountry: {"pays_adh", "pays"}, fPhone: {"tel_adh", "téléphone"},
				fPhone2: {"gsm_adh", "gsm", "portable"}, fEmail: {"email_adh", "e-mail", "email", "courriel"},
				fComments: {"info_adh", "informations"}, fJoined: {"date_crea_adh", "date de création"},
				fStatus: {"activite_adh", "actif", "compte actif"}, fLanguage: {"pref_lang", "langue"}},
			Fees: {fRef: {"id_cotis"}, fMemberRef: {"id_adh"}, fAmount: {"montant_cotis"},
				fMethod: {"type_paiement_cotis"}, fReference: {"info_cotis"}, fPaid: {"date_enreg"},
				fStart: {"date_debut_cotis"}, fEnd: {"date_fin_cotis"}},
		},
		Values: map[string]map[string]string{
			fStatus: {"1": "member", "0": "not_member", "oui": "member", "non": "not_member",
				"actif": "member", "inactif": "not_member"},
			fLanguage: {"fr_fr": "fr", "fr": "fr", "en_us": "en", "en_gb": "en", "en": "en", "français": "fr", "english": "en"},
			// Galette's payment types: 1 cash, 2 credit card, 3 cheque,
			// 4 transfer, 5 PayPal, 6 other.
			fMethod: {"1": "cash", "2": "card", "3": "check", "4": "transfer", "5": "other", "6": "other", "0": "other",
				"espèces": "cash", "carte bancaire": "card", "chèque": "check", "virement": "transfer", "paypal": "other", "autre": "other"},
		}},
}

// ProfileByName returns a built-in profile, or nil.
func ProfileByName(name string) *Profile { return profiles[strings.ToLower(strings.TrimSpace(name))] }

// ProfileNames lists the built-in profiles.
func ProfileNames() []string {
	out := make([]string, 0, len(profiles))
	for n := range profiles {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Reads tells whether p imports kind.
func (p *Profile) Reads(k Kind) bool { return len(p.Columns[k]) > 0 }

// value maps a source value of field through the profile's codes.
func (p *Profile) value(field, v string) string {
	if m, ok := p.Values[field]; ok {
		if out, ok := m[strings.ToLower(v)]; ok {
			return out
		}
	}
	return v
}

// ParseKind reads a kind's name.
func ParseKind(s string) (Kind, bool) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, true
		}
	}
	return "", false
}
