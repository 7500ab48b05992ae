package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"coin/date"
	"coin/model"
	"coin/store"
	"coin/store/storetest"
)

// inventory is a small stock: a type, a place, two members, two items.
type inventory struct {
	router      *store.ItemType
	cellar      *store.StoragePlace
	alice, bob  *store.Member
	box, dongle *store.Item
}

func newInventory(t *testing.T, s *store.Store) *inventory {
	t.Helper()
	ctx := context.Background()
	inv := &inventory{router: &store.ItemType{Name: "Routeur"}, cellar: &store.StoragePlace{Name: "Cave"},
		alice: newMember("alice", "Alice", "A"), bob: newMember("bob", "Bob", "B")}
	for _, err := range []error{s.CreateItemType(ctx, inv.router), s.CreateStoragePlace(ctx, inv.cellar),
		s.CreateMember(ctx, inv.alice), s.CreateMember(ctx, inv.bob)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	inv.box = &store.Item{Designation: "Turris Omnia", TypeID: inv.router.ID, MAC: "00:1a:2b:3c:4d:5e",
		Serial: "TO-1", BuyDate: date.MustParse("2023-04-01"), StorageID: &inv.cellar.ID}
	inv.dongle = &store.Item{Designation: "Clé 4G", TypeID: inv.router.ID, OwnerID: &inv.bob.ID}
	for _, it := range []*store.Item{inv.box, inv.dongle} {
		if err := s.CreateItem(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	return inv
}

func TestItemRoundTripAndUniqueness(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		inv := newInventory(t, s)
		got, err := s.ItemByID(ctx, inv.box.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Designation != "Turris Omnia" || got.TypeName != "Routeur" || got.MAC != "00:1a:2b:3c:4d:5e" ||
			got.StorageName != "Cave" || got.Owner != nil || got.BuyDate.String() != "2023-04-01" ||
			got.State() != model.ItemAvailable || got.Loan != nil {
			t.Fatalf("got %+v", got)
		}
		dongle, _ := s.ItemByID(ctx, inv.dongle.ID)
		if dongle.Owner == nil || dongle.Owner.Login != "bob" || dongle.Owner.DisplayName() != "Bob B" || dongle.StorageID != nil {
			t.Fatalf("owner: %+v", dongle)
		}
		// The same MAC address or serial number twice is refused.
		for _, dup := range []*store.Item{
			{Designation: "x", TypeID: inv.router.ID, MAC: "00:1a:2b:3c:4d:5e"},
			{Designation: "y", TypeID: inv.router.ID, Serial: "TO-1"}} {
			if field, _ := s.ItemDuplicate(ctx, dup); field == "" {
				t.Errorf("ItemDuplicate(%+v) found nothing", dup)
			}
			if err := s.CreateItem(ctx, dup); !errors.Is(err, store.ErrConflict) {
				t.Errorf("duplicate created: %v", err)
			}
		}
		// Items without MAC or serial do not collide.
		if err := s.CreateItem(ctx, &store.Item{Designation: "Câble", TypeID: inv.router.ID}); err != nil {
			t.Fatal(err)
		}
		if field, _ := s.ItemDuplicate(ctx, got); field != "" {
			t.Fatalf("an item collides with itself on %s", field)
		}
		// A type or place in use cannot be deleted.
		if err := s.DeleteItemType(ctx, inv.router.ID); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("delete used type: %v", err)
		}
		if err := s.DeleteStoragePlace(ctx, inv.cellar.ID); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("delete used place: %v", err)
		}
		types, _ := s.ItemTypes(ctx)
		if len(types) != 1 || types[0].Items != 3 {
			t.Fatalf("types %+v", types[0])
		}
	})
}

func TestDoubleLendingIsRefusedByTheDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		inv := newInventory(t, s)
		start := date.MustParse("2026-01-05")
		if err := s.LendItem(ctx, &store.Loan{ItemID: inv.box.ID, MemberID: inv.alice.ID, StartDate: start}); err != nil {
			t.Fatal(err)
		}
		err := s.LendItem(ctx, &store.Loan{ItemID: inv.box.ID, MemberID: inv.bob.ID, StartDate: start})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second loan: got %v, want ErrConflict", err)
		}
		// Not only the store: the database itself refuses a second open loan.
		_, err = s.DB().ExecContext(ctx, rebind(s, `INSERT INTO loans (item_id, member_id, start_date, notes,
			created_at, updated_at) VALUES (?, ?, ?, '', ?, ?)`), inv.box.ID, inv.bob.ID, start, s.Now(), s.Now())
		if err == nil {
			t.Fatal("the database accepted a second open loan of the same item")
		}
		it, _ := s.ItemByID(ctx, inv.box.ID)
		if it.State() != model.ItemLent || it.Loan.Member.Login != "alice" {
			t.Fatalf("item %+v", it)
		}
		// Lent items are neither deleted nor deployed.
		if err := s.DeleteItem(ctx, inv.box.ID); !errors.Is(err, store.ErrItemLent) {
			t.Fatalf("delete lent item: %v", err)
		}
		it.Deployed = true
		if err := s.UpdateItem(ctx, it); !errors.Is(err, store.ErrItemLent) {
			t.Fatalf("deploy lent item: %v", err)
		}
		// Taken back, it can go out again; the history keeps both.
		back, err := s.ReturnItem(ctx, inv.box.ID, date.MustParse("2026-02-01"))
		if err != nil || back.EndDate.String() != "2026-02-01" {
			t.Fatalf("return: %v %+v", err, back)
		}
		if _, err := s.ReturnItem(ctx, inv.box.ID, date.MustParse("2026-02-01")); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second return: %v", err)
		}
		if err := s.LendItem(ctx, &store.Loan{ItemID: inv.box.ID, MemberID: inv.bob.ID, StartDate: date.MustParse("2026-02-02"), Notes: "avec alim"}); err != nil {
			t.Fatal(err)
		}
		hist, err := s.ItemLoans(ctx, inv.box.ID)
		if err != nil || len(hist) != 2 || !hist[0].Open() || hist[0].Member.Login != "bob" || hist[1].Member.Login != "alice" {
			t.Fatalf("history: %v %+v", err, hist)
		}
		// A deployed item is not lent.
		dongle, _ := s.ItemByID(ctx, inv.dongle.ID)
		dongle.Deployed = true
		if err := s.UpdateItem(ctx, dongle); err != nil {
			t.Fatal(err)
		}
		if err := s.LendItem(ctx, &store.Loan{ItemID: dongle.ID, MemberID: inv.alice.ID, StartDate: start}); !errors.Is(err, store.ErrItemDeployed) {
			t.Fatalf("lend deployed: %v", err)
		}
	})
}

func TestConcurrentLendingLetsOneWin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		inv := newInventory(t, s)
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m := inv.alice.ID
				if i%2 == 1 {
					m = inv.bob.ID
				}
				errs[i] = s.LendItem(ctx, &store.Loan{ItemID: inv.box.ID, MemberID: m, StartDate: date.MustParse("2026-01-05")})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, store.ErrConflict):
				t.Errorf("unexpected error: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d concurrent loans of one item succeeded", won)
		}
	})
}

func TestInventoryFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		inv := newInventory(t, s)
		ont := &store.ItemType{Name: "ONT"}
		s.CreateItemType(ctx, ont)
		fibre := &store.Item{Designation: "ONT Huawei", TypeID: ont.ID, Deployed: true, Comment: "baie 2"}
		s.CreateItem(ctx, fibre)
		s.LendItem(ctx, &store.Loan{ItemID: inv.dongle.ID, MemberID: inv.alice.ID, StartDate: date.MustParse("2026-01-05")})
		names := func(f store.ItemFilter) []string {
			t.Helper()
			items, total, err := s.ListItems(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, it := range items {
				out = append(out, it.Designation)
			}
			if total != len(out) && f.Limit == 0 {
				t.Fatalf("total %d for %d items", total, len(out))
			}
			return out
		}
		for _, c := range []struct {
			f    store.ItemFilter
			want string
		}{
			{store.ItemFilter{}, "[ONT Huawei Clé 4G Turris Omnia]"},
			{store.ItemFilter{State: model.ItemAvailable}, "[Turris Omnia]"},
			{store.ItemFilter{State: model.ItemLent}, "[Clé 4G]"},
			{store.ItemFilter{State: model.ItemDeployed}, "[ONT Huawei]"},
			{store.ItemFilter{TypeID: ont.ID}, "[ONT Huawei]"},
			{store.ItemFilter{StorageID: inv.cellar.ID}, "[Turris Omnia]"},
			{store.ItemFilter{Search: "4D:5E"}, "[Turris Omnia]"},
			{store.ItemFilter{Search: "baie"}, "[ONT Huawei]"},
			{store.ItemFilter{Search: "50%_"}, "[]"},
			{store.ItemFilter{Limit: 1, Offset: 1}, "[Clé 4G]"},
		} {
			if got := fmtList(names(c.f)); got != c.want {
				t.Errorf("%+v: got %s, want %s", c.f, got, c.want)
			}
		}
		items, _, _ := s.ListItems(ctx, store.ItemFilter{State: model.ItemLent})
		if items[0].Loan == nil || items[0].Loan.Member.DisplayName() != "Alice A" {
			t.Fatalf("lent item without its loan: %+v", items[0])
		}
	})
}

func TestMemberSeesOnlyTheirLoans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		inv := newInventory(t, s)
		s.LendItem(ctx, &store.Loan{ItemID: inv.box.ID, MemberID: inv.alice.ID, StartDate: date.MustParse("2025-01-05")})
		s.ReturnItem(ctx, inv.box.ID, date.MustParse("2025-06-01"))
		s.LendItem(ctx, &store.Loan{ItemID: inv.dongle.ID, MemberID: inv.alice.ID, StartDate: date.MustParse("2026-01-05")})
		s.LendItem(ctx, &store.Loan{ItemID: inv.box.ID, MemberID: inv.bob.ID, StartDate: date.MustParse("2026-01-06")})
		loans, err := s.MemberLoans(ctx, inv.alice.ID)
		if err != nil || len(loans) != 2 {
			t.Fatalf("%v %+v", err, loans)
		}
		if !loans[0].Open() || loans[0].Item.Designation != "Clé 4G" || loans[1].Open() || loans[1].Item.MAC != "00:1a:2b:3c:4d:5e" {
			t.Fatalf("alice's loans: %+v %+v", loans[0], loans[1])
		}
		for _, l := range loans {
			if l.MemberID != inv.alice.ID {
				t.Fatalf("alice sees loan %d of member %d", l.ID, l.MemberID)
			}
		}
		// Deleting a member takes their loans with them; their items fall to the association.
		if err := s.DeleteMember(ctx, inv.bob.ID); err != nil {
			t.Fatal(err)
		}
		dongle, _ := s.ItemByID(ctx, inv.dongle.ID)
		box, _ := s.ItemByID(ctx, inv.box.ID)
		if dongle.OwnerID != nil || box.State() != model.ItemAvailable {
			t.Fatalf("after delete: dongle owner %v, box %s", dongle.OwnerID, box.State())
		}
	})
}

func fmtList(s []string) string {
	out := "["
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out + "]"
}

// rebind turns ? into $n for raw SQL sent around the store in tests.
func rebind(s *store.Store, q string) string {
	if s.Dialect() != store.Postgres {
		return q
	}
	out, n := "", 0
	for _, c := range q {
		if c == '?' {
			n++
			out += "$" + string(rune('0'+n))
			continue
		}
		out += string(c)
	}
	return out
}
