package ipam

import (
	"math"
	"math/big"
	"net/netip"
	"slices"

	"go4.org/netipx"
)

// SizeUsage counts, for one subnet size, the subnets taken and how many
// more could be allocated from what is left.
type SizeUsage struct {
	Length int
	Taken  int
	Free   *big.Int // an IPv6 pool holds more /64s than an int64 counts
}

// Usage is how full a pool is.
type Usage struct {
	Sizes []SizeUsage // the pool's size first, then the others taken, largest first
	// Percent of the pool's addresses taken (reserved ones included).
	Percent float64
	Taken   int
}

// FreeOfSize returns the count of free subnets of the pool's own size.
func (u Usage) FreeOfSize(length int) *big.Int {
	for _, s := range u.Sizes {
		if s.Length == length {
			return s.Free
		}
	}
	return new(big.Int)
}

// ComputeUsage measures a pool from its taken subnets, in address order.
func ComputeUsage(pool netip.Prefix, length int, taken []netip.Prefix) Usage {
	u := Usage{Taken: len(taken)}
	counts := map[int]int{}
	for _, t := range taken {
		counts[t.Bits()]++
		u.Percent += 100 * math.Ldexp(1, pool.Bits()-t.Bits())
	}
	lengths := []int{length}
	for l := range counts {
		if l != length {
			lengths = append(lengths, l)
		}
	}
	slices.Sort(lengths[1:])
	gaps := freeRanges(pool, taken)
	for _, l := range lengths {
		u.Sizes = append(u.Sizes, SizeUsage{Length: l, Taken: counts[l], Free: countBlocks(gaps, l)})
	}
	return u
}

// freeRanges returns the gaps between the taken subnets of a pool.
func freeRanges(pool netip.Prefix, taken []netip.Prefix) []netipx.IPRange {
	var out []netipx.IPRange
	next := pool.Addr()
	last := netipx.PrefixLastIP(pool)
	for _, t := range taken {
		if next.IsValid() && next.Less(t.Addr()) {
			out = append(out, netipx.IPRangeFrom(next, t.Addr().Prev()))
		}
		if n := netipx.PrefixLastIP(t).Next(); !next.IsValid() || next.Less(n) || !n.IsValid() {
			next = n
		}
	}
	if next.IsValid() && !last.Less(next) && pool.Contains(next) {
		out = append(out, netipx.IPRangeFrom(next, last))
	}
	return out
}

// countBlocks counts the aligned blocks of a prefix length that fit in gaps.
func countBlocks(gaps []netipx.IPRange, length int) *big.Int {
	n := new(big.Int)
	for _, g := range gaps {
		for _, p := range g.Prefixes() {
			if p.Bits() <= length {
				n.Add(n, new(big.Int).Lsh(big.NewInt(1), uint(length-p.Bits())))
			}
		}
	}
	return n
}
