package receipt

import "strings"

// The tax receipt writes its amount in words, in French (the cerfa is a
// French form): "cent vingt euros et cinquante centimes".

var units = []string{"zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
	"onze", "douze", "treize", "quatorze", "quinze", "seize"}

var tens = map[int]string{2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}

// below100 writes 0 < n < 100; final says nothing follows (quatre-vingts).
func below100(n int, final bool) string {
	switch {
	case n <= 16:
		return units[n]
	case n < 20:
		return "dix-" + units[n-10]
	case n < 70:
		t, u := tens[n/10], n%10
		switch u {
		case 0:
			return t
		case 1:
			return t + " et un"
		}
		return t + "-" + units[u]
	case n < 80:
		if n == 71 {
			return "soixante et onze"
		}
		return "soixante-" + below100(n-60, final)
	}
	if n == 80 {
		if final {
			return "quatre-vingts"
		}
		return "quatre-vingt"
	}
	return "quatre-vingt-" + below100(n-80, final)
}

// below1000 writes 0 < n < 1000.
func below1000(n int, final bool) string {
	h, r := n/100, n%100
	var parts []string
	switch {
	case h == 1:
		parts = append(parts, "cent")
	case h > 1:
		c := units[h] + " cent"
		if r == 0 && final {
			c += "s"
		}
		parts = append(parts, c)
	}
	if r > 0 {
		parts = append(parts, below100(r, final))
	}
	return strings.Join(parts, " ")
}

// frenchNumber writes 0 <= n < 10^12 in words.
func frenchNumber(n int64) string {
	if n == 0 {
		return "zéro"
	}
	var parts []string
	billions, millions, thousands, rest := n/1_000_000_000, n/1_000_000%1000, n/1000%1000, int(n%1000)
	if billions > 0 {
		w := below1000(int(billions), true) + " milliard"
		if billions > 1 {
			w += "s"
		}
		parts = append(parts, w)
	}
	if millions > 0 {
		w := below1000(int(millions), true) + " million"
		if millions > 1 {
			w += "s"
		}
		parts = append(parts, w)
	}
	if thousands == 1 {
		parts = append(parts, "mille")
	} else if thousands > 1 {
		parts = append(parts, below1000(int(thousands), false)+" mille")
	}
	if rest > 0 {
		parts = append(parts, below1000(rest, true))
	}
	return strings.Join(parts, " ")
}

// FrenchAmount writes cents of euros in words.
func FrenchAmount(cents int64) string {
	euros, c := cents/100, cents%100
	w := frenchNumber(euros)
	switch {
	case euros > 1 && (euros%1_000_000 == 0):
		w += " d'euros"
	case euros > 1:
		w += " euros"
	default:
		w += " euro"
	}
	if c > 0 {
		w += " et " + frenchNumber(c) + " centime"
		if c > 1 {
			w += "s"
		}
	}
	return w
}
