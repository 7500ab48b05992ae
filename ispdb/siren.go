package ispdb

// ValidSIREN tells whether s is a SIREN: the 9 digits INSEE gives a French
// company or association registered with SIRENE, whose last digit is a
// Luhn check digit (the Luhn sum of the 9 digits is a multiple of 10).
func ValidSIREN(s string) bool {
	if len(s) != 9 {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if i%2 == 1 { // every second digit from the left, as the rightmost is the check digit
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
