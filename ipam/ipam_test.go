package ipam_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"time"

	"go4.org/netipx"

	"coin/backend"
	"coin/config"
	"coin/date"
	"coin/form"
	"coin/ipam"
	"coin/model"
	"coin/provision"
	"coin/store"
	"coin/store/storetest"
	"coin/subscription"
)

func newAllocator(t testing.TB, s *store.Store) *ipam.Allocator {
	t.Helper()
	cfg := config.Default()
	a, err := ipam.New(s, &cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func newPool(t testing.TB, a *ipam.Allocator, name, cidr, length, reserved string) *store.IPPool {
	t.Helper()
	p := &store.IPPool{}
	errs, err := a.SavePool(context.Background(), p, ipam.PoolForm{Name: name, CIDR: cidr, SubnetLength: length, Reserved: reserved})
	if err != nil || errs.Any() {
		t.Fatalf("pool %s: %v %v", name, err, errs)
	}
	return p
}

// fixture is a member with an offer, to hang subscriptions on.
type fixture struct {
	member *store.Member
	offer  *store.Offer
}

func newFixture(t testing.TB, s *store.Store, backendName string) fixture {
	t.Helper()
	ctx := context.Background()
	m := &store.Member{Login: "alice", Role: model.RoleMember, PersonType: model.NaturalPerson,
		FirstName: "Alice", LastName: "Test", Email: "alice@example.org", Status: model.StatusMember}
	if err := s.CreateMember(ctx, m); err != nil {
		t.Fatal(err)
	}
	o := &store.Offer{Name: "VPN", Reference: "VPN", Backend: backendName, BillingPeriodMonths: 1, Open: true}
	if err := s.CreateOffer(ctx, o); err != nil {
		t.Fatal(err)
	}
	return fixture{member: m, offer: o}
}

func (f fixture) subscription(t testing.TB, s *store.Store) *store.Subscription {
	t.Helper()
	sub := &store.Subscription{MemberID: f.member.ID, OfferID: f.offer.ID, StartDate: date.MustParse("2026-01-01")}
	if err := s.CreateSubscription(context.Background(), sub); err != nil {
		t.Fatal(err)
	}
	return sub
}

func allocate(t testing.TB, s *store.Store, a *ipam.Allocator, poolID, subID int64) (netip.Prefix, error) {
	t.Helper()
	var got netip.Prefix
	err := s.Tx(context.Background(), func(tx *store.Store) error {
		_, al, err := a.Allocate(context.Background(), tx, poolID, subID)
		if err == nil {
			got = al.Prefix
		}
		return err
	})
	return got, err
}

func countAllocations(t testing.TB, s *store.Store, poolID int64) int {
	t.Helper()
	_, n, err := s.ListIPAllocations(context.Background(), store.IPAllocationFilter{PoolID: poolID, Reserved: true, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAllocatesFirstFreeThenRefusesWhenFull(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAllocator(t, s)
		pool := newPool(t, a, "VPN IPv4", "198.51.100.0/29", "32", "198.51.100.0, 198.51.100.1\n198.51.100.4")
		var got []string
		for range 5 {
			p, err := allocate(t, s, a, pool.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, p.String())
		}
		want := []string{"198.51.100.2/32", "198.51.100.3/32", "198.51.100.5/32", "198.51.100.6/32", "198.51.100.7/32"}
		if len(got) != len(want) {
			t.Fatalf("got %v", got)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("allocation %d: got %s, want %s (all: %v)", i, got[i], want[i], got)
			}
		}
		before := countAllocations(t, s, pool.ID)
		_, err := allocate(t, s, a, pool.ID, 0)
		var full *ipam.PoolFullError
		if !errors.As(err, &full) || full.Pool != "VPN IPv4" {
			t.Fatalf("full pool: got %v", err)
		}
		if after := countAllocations(t, s, pool.ID); after != before {
			t.Fatalf("a full pool wrote something: %d → %d", before, after)
		}
	})
}

func TestIPv6AllocationsAreAlignedAndSkipReservedRanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAllocator(t, s)
		// The first /56 is the association's own; one address of the
		// third is kept out too: both /56 are skipped whole.
		pool := newPool(t, a, "VPN IPv6", "2001:db8::/32", "56", "2001:db8::/56\n2001:db8:0:200::1")
		for _, want := range []string{"2001:db8:0:100::/56", "2001:db8:0:300::/56", "2001:db8:0:400::/56"} {
			p, err := allocate(t, s, a, pool.ID, 0)
			if err != nil || p.String() != want {
				t.Fatalf("got %s %v, want %s", p, err, want)
			}
		}
	})
}

func TestConcurrentAllocationsNeverOverlap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAllocator(t, s)
		f := newFixture(t, s, "vpn")
		pool := newPool(t, a, "VPN IPv6", "2001:db8::/48", "56", "")
		// 60 requests for 50 free subnets (one is reserved by hand first).
		small := newPool(t, a, "tight", "198.51.100.0/26", "32", "198.51.100.0/28")
		subs := make([]*store.Subscription, 50)
		for i := range subs {
			subs[i] = f.subscription(t, s)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var got []netip.Prefix
		var full int
		for i := range 60 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p, err := allocate(t, s, a, pool.ID, subs[i%50].ID)
				q, err2 := allocate(t, s, a, small.ID, 0)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Errorf("allocation %d: %v", i, err)
					return
				}
				got = append(got, p)
				switch {
				case errors.Is(err2, ipam.ErrPoolFull):
					full++
				case err2 != nil:
					t.Errorf("small pool allocation %d: %v", i, err2)
				default:
					got = append(got, q)
				}
			}()
		}
		wg.Wait()
		if len(got) != 60+48 || full != 12 {
			t.Fatalf("%d subnets, %d refusals; want 108 and 12", len(got), full)
		}
		for i := range got {
			for j := i + 1; j < len(got); j++ {
				if got[i].Overlaps(got[j]) {
					t.Fatalf("%s overlaps %s", got[i], got[j])
				}
			}
		}
		if n := countAllocations(t, s, pool.ID); n != 60 {
			t.Fatalf("%d rows in the pool, want 60", n)
		}
	})
}

func TestClaimRefusesTakenAndOutsideSubnets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAllocator(t, s)
		pool := newPool(t, a, "VPN IPv4", "198.51.100.0/24", "32", "198.51.100.0")
		p, _ := allocate(t, s, a, pool.ID, 0)
		claim := func(cidr string) error {
			return s.Tx(context.Background(), func(tx *store.Store) error {
				_, _, err := a.Claim(context.Background(), tx, pool.ID, netip.MustParsePrefix(cidr), 0, model.AllocManual, "")
				return err
			})
		}
		var taken *ipam.TakenError
		if err := claim(p.String()); !errors.As(err, &taken) || taken.Holder.Prefix != p {
			t.Fatalf("claim of an allocated subnet: %v", err)
		}
		if err := claim("198.51.100.0/30"); !errors.As(err, &taken) {
			t.Fatalf("claim of a prefix over allocations: %v", err)
		}
		if err := claim("198.51.101.7/32"); !errors.Is(err, ipam.ErrOutside) {
			t.Fatalf("claim outside the pool: %v", err)
		}
		if err := claim("198.51.100.64/26"); err != nil {
			t.Fatalf("claim of a free /26: %v", err)
		}
		// The allocator goes around it.
		for range 62 {
			if _, err := allocate(t, s, a, pool.ID, 0); err != nil {
				t.Fatal(err)
			}
		}
		if q, _ := allocate(t, s, a, pool.ID, 0); q.String() != "198.51.100.128/32" {
			t.Fatalf("after the manual /26: %s", q)
		}
	})
}

func TestReleasedSubnetsWaitForTheGracePeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := newAllocator(t, s)
		f := newFixture(t, s, "vpn")
		pool := newPool(t, a, "VPN IPv4", "198.51.100.0/30", "32", "")
		sub := f.subscription(t, s)
		first, _ := allocate(t, s, a, pool.ID, sub.ID)
		second, _ := allocate(t, s, a, pool.ID, 0)
		err := s.Tx(ctx, func(tx *store.Store) error {
			err := a.Release(ctx, tx, provision.Target{Subscription: sub, Member: f.member, Offer: f.offer, Reference: "VPN-1"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// Held during the grace period: the next ones come after.
		third, _ := allocate(t, s, a, pool.ID, 0)
		fourth, _ := allocate(t, s, a, pool.ID, 0)
		if first.String() != "198.51.100.0/32" || second.String() != "198.51.100.1/32" ||
			third.String() != "198.51.100.2/32" || fourth.String() != "198.51.100.3/32" {
			t.Fatalf("got %s %s %s %s", first, second, third, fourth)
		}
		if _, err := allocate(t, s, a, pool.ID, 0); !errors.Is(err, ipam.ErrPoolFull) {
			t.Fatalf("pool with a released subnet in its grace period: %v", err)
		}
		// 31 days later it is free again, and the first one found.
		later := time.Now().Add(31 * 24 * time.Hour)
		s.Now = func() time.Time { return later }
		if again, err := allocate(t, s, a, pool.ID, 0); err != nil || again != first {
			t.Fatalf("after the grace period: %s %v, want %s", again, err, first)
		}
		log, err := s.IPAllocationLog(ctx, pool.ID, 10)
		if err != nil || len(log) != 1 || log[0].Action != "release" ||
			log[0].Message != "Released 198.51.100.0/32 (VPN IPv4) for alice, subscription VPN-1" {
			t.Fatalf("history: %v %+v", err, log)
		}
	})
}

func TestOverlappingPoolsAreRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAllocator(t, s)
		newPool(t, a, "VPN IPv4", "198.51.100.0/24", "32", "")
		newPool(t, a, "VPN IPv6", "2001:db8::/32", "56", "")
		for _, c := range []struct{ cidr, length, field, want string }{
			{"198.51.100.128/25", "32", "cidr", "ipam.err.pool_overlap?Pool=VPN+IPv4"},
			{"198.51.0.0/16", "32", "cidr", "ipam.err.pool_overlap?Pool=VPN+IPv4"},
			{"2001:db8:1::/48", "56", "cidr", "ipam.err.pool_overlap?Pool=VPN+IPv6"},
			{"198.51.100.7/24", "32", "cidr", "ipam.err.cidr_host_bits?Network=198.51.100.0%2F24"},
			{"::ffff:10.0.0.0/104", "128", "cidr", "ipam.err.cidr_invalid?Network=%3A%3Affff%3A10.0.0.0%2F104"},
			{"203.0.113.0/24", "20", "subnet_length", "ipam.err.length_invalid"},
		} {
			errs, err := a.SavePool(context.Background(), &store.IPPool{}, ipam.PoolForm{Name: "other", CIDR: c.cidr, SubnetLength: c.length})
			if err != nil || errs.Get(c.field) != c.want {
				t.Fatalf("%s: %v %v, want %s", c.cidr, err, errs, c.want)
			}
		}
		pools, _ := s.ListIPPools(context.Background())
		if len(pools) != 2 {
			t.Fatalf("%d pools after refusals", len(pools))
		}
		newPool(t, a, "VPS", "203.0.113.0/24", "32", "")
	})
}

func TestSubscriptionGetsItsEndpointsFromTheOfferPools(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := newAllocator(t, s)
		f := newFixture(t, s, "vpn")
		v4 := newPool(t, a, "VPN IPv4", "198.51.100.0/30", "32", "198.51.100.0")
		v6 := newPool(t, a, "VPN IPv6", "2001:db8::/32", "56", "2001:db8::/56")
		for _, p := range []*store.IPPool{v4, v6} {
			if err := s.LinkIPPoolOffer(ctx, p.ID, f.offer.ID, 1); err != nil {
				t.Fatal(err)
			}
		}
		cfg := config.Default()
		svc := &subscription.Service{Store: s, Cfg: &cfg, Backends: backend.NewRegistry(), Allocator: a,
			Hooks: &provision.Runner{Store: s, Services: &cfg.Services, Log: a.Log}, Log: a.Log}
		create := func(login, ipv4 string) (*subscription.Result, form.Errors) {
			res, errs, err := svc.Create(ctx, subscription.Form{MemberID: itoa(f.member.ID), OfferID: itoa(f.offer.ID),
				StartDate: "2026-01-01", Config: backend.Values{"login": login, "ipv4_endpoint": ipv4}})
			if err != nil {
				t.Fatal(err)
			}
			return res, errs
		}
		res, errs := create("alice-1", "")
		if errs.Any() {
			t.Fatal(errs)
		}
		c, _ := s.ConfigurationOf(ctx, res.Subscription.ID)
		if c.Data["ipv4_endpoint"] != "198.51.100.1/32" || c.Data["ipv6_endpoint"] != "2001:db8:0:100::/56" {
			t.Fatalf("endpoints: %v", c.Data)
		}
		// Typed by staff: checked and recorded, the IPv4 pool is not asked.
		if _, errs = create("alice-2", "198.51.100.1"); errs.Get("cfg_ipv4_endpoint") != "ipam.err.taken?Subnet=198.51.100.1%2F32" {
			t.Fatalf("taken address: %v", errs)
		}
		res, errs = create("alice-3", "198.51.100.3")
		if errs.Any() {
			t.Fatal(errs)
		}
		list, _ := s.SubscriptionIPAllocations(ctx, res.Subscription.ID)
		if len(list) != 2 || list[0].Kind != model.AllocManual || list[1].Prefix.String() != "2001:db8:0:200::/56" {
			t.Fatalf("allocations: %+v", list)
		}
		// An address outside every pool is the staff's business.
		if _, errs = create("alice-4", "192.0.2.1"); errs.Any() {
			t.Fatal(errs)
		}
		// Last IPv4 taken; the next creation is refused whole.
		create("alice-5", "")
		n, _, _ := s.ListSubscriptions(ctx, store.SubscriptionFilter{})
		_, errs = create("alice-6", "")
		if errs.Get("cfg_ipv4_endpoint") != "ipam.err.pool_full?Length=32&Pool=VPN+IPv4" {
			t.Fatalf("full pool: %v", errs)
		}
		m, _, _ := s.ListSubscriptions(ctx, store.SubscriptionFilter{})
		if len(m) != len(n) || countAllocations(t, s, v6.ID) != 5 {
			t.Fatalf("a refused creation wrote: %d → %d subscriptions, %d IPv6 rows", len(n), len(m), countAllocations(t, s, v6.ID))
		}
	})
}

func TestUsageCountsFreeSubnetsPerSize(t *testing.T) {
	pool := netip.MustParsePrefix("198.51.100.0/24")
	taken := []netip.Prefix{netip.MustParsePrefix("198.51.100.0/32"), netip.MustParsePrefix("198.51.100.1/32"),
		netip.MustParsePrefix("198.51.100.64/26"), netip.MustParsePrefix("198.51.100.255/32")}
	u := ipam.ComputeUsage(pool, 32, taken)
	if u.Sizes[0].Length != 32 || u.Sizes[0].Taken != 3 || u.Sizes[0].Free.Int64() != 256-64-3 {
		t.Fatalf("/32: %+v", u.Sizes[0])
	}
	if u.Sizes[1].Length != 26 || u.Sizes[1].Taken != 1 || u.Sizes[1].Free.Int64() != 1 {
		t.Fatalf("/26: %+v", u.Sizes[1])
	}
	if u.Percent < 26 || u.Percent > 26.2 {
		t.Fatalf("percent %f", u.Percent)
	}
	big := ipam.ComputeUsage(netip.MustParsePrefix("2001:db8::/32"), 56, nil)
	if big.Sizes[0].Free.Int64() != 1<<24 {
		t.Fatalf("free /56 in a /32: %s", big.Sizes[0].Free)
	}
	last := ipam.ComputeUsage(pool, 32, []netip.Prefix{pool})
	if last.Sizes[0].Free.Sign() != 0 || netipx.PrefixLastIP(pool).String() != "198.51.100.255" {
		t.Fatalf("full: %+v", last.Sizes[0])
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestDeprovisionReleasesAndReclaimGivesBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := newAllocator(t, s)
		f := newFixture(t, s, "vpn")
		v4 := newPool(t, a, "VPN IPv4", "198.51.100.0/30", "32", "")
		if err := s.LinkIPPoolOffer(ctx, v4.ID, f.offer.ID, 1); err != nil {
			t.Fatal(err)
		}
		cfg := config.Default()
		svc := &subscription.Service{Store: s, Cfg: &cfg, Backends: backend.NewRegistry(), Allocator: a,
			Hooks: &provision.Runner{Store: s, Services: &cfg.Services, Log: a.Log}, Log: a.Log}
		res, errs, err := svc.Create(ctx, subscription.Form{MemberID: itoa(f.member.ID), OfferID: itoa(f.offer.ID),
			StartDate: "2026-01-01", ResignDate: "2026-03-01", Config: backend.Values{"login": "alice-vpn"}})
		if err != nil || errs.Any() {
			t.Fatal(err, errs)
		}
		if _, err := svc.DeprovisionDue(ctx, date.MustParse("2026-02-28")); err != nil {
			t.Fatal(err)
		}
		list, _ := s.SubscriptionIPAllocations(ctx, res.Subscription.ID)
		if len(list) != 1 || list[0].Released() {
			t.Fatalf("released before the resign date: %+v", list)
		}
		if _, err := svc.DeprovisionDue(ctx, date.MustParse("2026-03-01")); err != nil {
			t.Fatal(err)
		}
		list, _ = s.SubscriptionIPAllocations(ctx, res.Subscription.ID)
		if len(list) != 1 || !list[0].Released() || list[0].ReusableAfter.Sub(*list[0].ReleasedAt) != 30*24*time.Hour {
			t.Fatalf("after the resign date: %+v", list[0])
		}
		// The resignation is withdrawn within the grace period: the
		// subscription gets its address back.
		if _, errs, err := svc.Update(ctx, res.Subscription.ID, subscription.Form{StartDate: "2026-01-01"}); err != nil || errs.Any() {
			t.Fatal(err, errs)
		}
		list, _ = s.SubscriptionIPAllocations(ctx, res.Subscription.ID)
		if list[0].Released() {
			t.Fatal("not reclaimed")
		}
		log, _ := s.IPAllocationLog(ctx, v4.ID, 10)
		if len(log) != 3 || log[0].Action != "reclaim" || log[1].Action != "release" || log[2].Action != "allocate" {
			t.Fatalf("history: %+v", log)
		}
	})
}

func TestEditingAPoolKeepsItsReservedNamesAndRefusesTakenRanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := newAllocator(t, s)
		pool := newPool(t, a, "VPN IPv4", "198.51.100.0/24", "32", "198.51.100.254")
		gw, _ := s.ReservedIPAllocations(ctx, pool.ID)
		if errs, err := ipam.SetPTR(ctx, s, gw[0], ipam.PTRForm{Address: "198.51.100.254", Name: "gw.isp.example"}); err != nil || errs.Any() {
			t.Fatal(err, errs)
		}
		taken, _ := allocate(t, s, a, pool.ID, 0)
		f := ipam.FormOf(pool)
		f.Reserved = "198.51.100.254\n198.51.100.255"
		if errs, err := a.SavePool(ctx, pool, f); err != nil || errs.Any() {
			t.Fatal(err, errs)
		}
		if ptrs, _ := s.IPPTRs(ctx, 0, pool.ID); len(ptrs) != 1 || ptrs[0].Name != "gw.isp.example" {
			t.Fatalf("the gateway lost its name: %v", ptrs)
		}
		f.Reserved = taken.String()
		errs, err := a.SavePool(ctx, pool, f)
		if err != nil || errs.Get("reserved") != "ipam.err.reserved_taken?Subnet=198.51.100.0%2F32" {
			t.Fatalf("reserving an allocated address: %v %v", err, errs)
		}
		if list, _ := s.ReservedIPAllocations(ctx, pool.ID); len(list) != 1 || list[0].Prefix.String() != "198.51.100.254/31" {
			t.Fatalf("a refused edit changed the reserved ranges: %d", len(list))
		}
	})
}

// TestReclaimAfterTheGracePeriod: a subscription whose resignation is
// withdrawn after its address went to someone else gets a free one, and
// its configuration says which; no two live configurations share one.
func TestReclaimAfterTheGracePeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := newAllocator(t, s)
		a.Grace = 0
		f := newFixture(t, s, "vpn")
		v4 := newPool(t, a, "VPN IPv4", "198.51.100.0/30", "32", "198.51.100.0")
		if err := s.LinkIPPoolOffer(ctx, v4.ID, f.offer.ID, 1); err != nil {
			t.Fatal(err)
		}
		cfg := config.Default()
		svc := &subscription.Service{Store: s, Cfg: &cfg, Backends: backend.NewRegistry(), Allocator: a,
			Hooks: &provision.Runner{Store: s, Services: &cfg.Services, Log: a.Log}, Log: a.Log}
		create := func(login, resign string) int64 {
			res, errs, err := svc.Create(ctx, subscription.Form{MemberID: itoa(f.member.ID), OfferID: itoa(f.offer.ID),
				StartDate: "2026-01-01", ResignDate: resign, Config: backend.Values{"login": login}})
			if err != nil || errs.Any() {
				t.Fatal(login, err, errs)
			}
			return res.Subscription.ID
		}
		endpoint := func(id int64) string {
			c, err := s.ConfigurationOf(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return c.Data["ipv4_endpoint"]
		}
		gone := create("gone", "2026-03-01")
		if endpoint(gone) != "198.51.100.1/32" {
			t.Fatalf("first address: %q", endpoint(gone))
		}
		if _, err := svc.DeprovisionDue(ctx, date.MustParse("2026-03-01")); err != nil {
			t.Fatal(err)
		}
		// The grace period is over: the next subscription gets .1.
		next := create("next", "")
		if endpoint(next) != "198.51.100.1/32" {
			t.Fatalf("reused address: %q", endpoint(next))
		}
		if _, errs, err := svc.Update(ctx, gone, subscription.Form{StartDate: "2026-01-01"}); err != nil || errs.Any() {
			t.Fatal(err, errs)
		}
		if got := endpoint(gone); got != "198.51.100.2/32" {
			t.Fatalf("after the withdrawal: %q (the other holds %q)", got, endpoint(next))
		}
		list, _ := s.SubscriptionIPAllocations(ctx, gone)
		if len(list) != 1 || list[0].Released() || list[0].Prefix.String() != "198.51.100.2/32" {
			t.Fatalf("allocations after the withdrawal: %+v", list)
		}
		log, _ := s.IPAllocationLog(ctx, v4.ID, 1)
		if len(log) != 1 || log[0].Action != "allocate" || log[0].Subnet != "198.51.100.2/32" {
			t.Fatalf("history: %+v", log)
		}
	})
}
