package receipt

import "testing"

func TestFrenchAmount(t *testing.T) {
	for cents, want := range map[int64]string{
		100:       "un euro",
		1500:      "quinze euros",
		2100:      "vingt et un euros",
		7100:      "soixante et onze euros",
		8000:      "quatre-vingts euros",
		8100:      "quatre-vingt-un euros",
		9700:      "quatre-vingt-dix-sept euros",
		20000:     "deux cents euros",
		20100:     "deux cent un euros",
		12050:     "cent vingt euros et cinquante centimes",
		100000:    "mille euros",
		280000:    "deux mille huit cents euros",
		8000000:   "quatre-vingt mille euros",
		100000000: "un million d'euros",
		1:         "zéro euro et un centime",
	} {
		if got := FrenchAmount(cents); got != want {
			t.Errorf("FrenchAmount(%d) = %q, want %q", cents, got, want)
		}
	}
}
