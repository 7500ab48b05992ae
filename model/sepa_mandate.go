package model

// Sequence types of a mandate: the first collection is announced as such.
const (
	SeqFirst     = "FRST"
	SeqRecurring = "RCUR"
)
