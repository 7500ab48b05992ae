package demo

import (
	"context"
	"fmt"

	"coin/date"
	"coin/store"
)

// loadHardware stocks a small inventory: routers, ONT, cables and antennas
// in three places, some lent (one to the demo account "member"), some
// deployed in the network.
func loadHardware(ctx context.Context, tx *store.Store, members []*store.Member, today date.Date) error {
	types := map[string]*store.ItemType{}
	for _, name := range []string{"Routeur", "ONT", "Câble", "Antenne Wi-Fi"} {
		t := &store.ItemType{Name: name}
		if err := tx.CreateItemType(ctx, t); err != nil {
			return fmt.Errorf("demo item type %s: %w", name, err)
		}
		types[name] = t
	}
	places := map[string]*store.StoragePlace{}
	for _, p := range []struct{ name, notes string }{
		{"Local associatif", "12 rue Garibaldi, Lyon 7e — clé chez Sacha"},
		{"Cave de Sacha", "Sur rendez-vous"},
		{"Baie datacenter", "Rack B12, Lyon Part-Dieu"},
	} {
		sp := &store.StoragePlace{Name: p.name, Notes: p.notes}
		if err := tx.CreateStoragePlace(ctx, sp); err != nil {
			return fmt.Errorf("demo storage place %s: %w", p.name, err)
		}
		places[p.name] = sp
	}
	type item struct {
		designation, kind, place string
		serial                   string
		mac                      bool
		boughtMonthsAgo          int
		deployed                 bool
		comment                  string
	}
	stock := []item{
		{"Turris Omnia", "Routeur", "Local associatif", "TO-2019-0412", true, 40, false, ""},
		{"Turris Omnia", "Routeur", "Local associatif", "TO-2019-0413", true, 40, false, ""},
		{"TP-Link Archer C7", "Routeur", "Cave de Sacha", "2187341000912", true, 60, false, "Firmware OpenWrt 23.05"},
		{"TP-Link Archer C7", "Routeur", "Cave de Sacha", "2187341000937", true, 60, false, ""},
		{"Raspberry Pi 4 (boîtier VPN)", "Routeur", "Local associatif", "RPI4-8G-0031", true, 20, false, "Carte SD préparée pour le VPN"},
		{"Huawei HG8010H", "ONT", "Local associatif", "48575443A1B2C3D4", true, 18, false, ""},
		{"Huawei HG8010H", "ONT", "Baie datacenter", "48575443A1B2C3E9", true, 18, true, "Raccordement du PM de Gerland"},
		{"Nokia G-010G-P", "ONT", "Local associatif", "ALCLB1C2D3E4", true, 10, false, ""},
		{"Jarretière fibre SC/APC 3 m", "Câble", "Local associatif", "", false, 12, false, "Lot de 10"},
		{"Jarretière fibre SC/APC 3 m", "Câble", "Local associatif", "", false, 12, false, ""},
		{"Câble RJ45 cat. 6 5 m", "Câble", "Cave de Sacha", "", false, 30, false, ""},
		{"Câble RJ45 cat. 6 5 m", "Câble", "Cave de Sacha", "", false, 30, false, ""},
		{"Ubiquiti NanoStation M5", "Antenne Wi-Fi", "Baie datacenter", "UBNT-NSM5-7781", true, 48, true, "Point haut de la Croix-Rousse"},
		{"Ubiquiti NanoStation M5", "Antenne Wi-Fi", "Cave de Sacha", "UBNT-NSM5-7782", true, 48, false, "Alimentation PoE à changer"},
		{"Ubiquiti LiteBeam 5AC", "Antenne Wi-Fi", "Local associatif", "UBNT-LB5-0204", true, 8, false, ""},
	}
	items := make([]*store.Item, len(stock))
	for i, s := range stock {
		storage := places[s.place].ID
		it := &store.Item{Designation: s.designation, TypeID: types[s.kind].ID, Serial: s.serial,
			BuyDate: today.AddMonths(-s.boughtMonthsAgo).FirstOfMonth(), StorageID: &storage,
			Deployed: s.deployed, Comment: s.comment}
		if s.mac {
			// Locally administered addresses: they belong to no real vendor.
			it.MAC = fmt.Sprintf("02:c0:1a:00:%02x:%02x", i/256, i%256+16)
		}
		if err := tx.CreateItem(ctx, it); err != nil {
			return fmt.Errorf("demo item %s: %w", s.designation, err)
		}
		items[i] = it
	}
	// A member's own router, kept at the association's premises.
	owned := &store.Item{Designation: "Routeur personnel (Omnia)", TypeID: types["Routeur"].ID,
		MAC: "02:c0:1a:00:01:01", OwnerID: &members[10].ID, StorageID: &places["Local associatif"].ID,
		Comment: "Hébergé au local pour le raccordement de son immeuble"}
	if err := tx.CreateItem(ctx, owned); err != nil {
		return fmt.Errorf("demo owned item: %w", err)
	}
	loans := []struct {
		item, member    int
		monthsAgo       int
		returnedAfterMo int // 0: still out
		notes           string
	}{
		{0, 3, 3, 0, "Avec son alimentation et un câble RJ45"}, // the demo account "member"
		{5, 3, 14, 6, "Remplacé par le Turris"},
		{2, 7, 8, 0, ""},
		{7, 12, 2, 0, "Raccordement FTTH en cours"},
		{9, 12, 2, 0, ""},
		{14, 18, 1, 0, "Test de liaison radio"},
		{1, 21, 20, 9, ""},
	}
	for _, l := range loans {
		m := members[l.member]
		loan := &store.Loan{ItemID: items[l.item].ID, MemberID: m.ID, StartDate: today.AddMonths(-l.monthsAgo), Notes: l.notes}
		if err := tx.LendItem(ctx, loan); err != nil {
			return fmt.Errorf("demo loan of %s to %s: %w", stock[l.item].designation, m.Login, err)
		}
		if l.returnedAfterMo > 0 {
			if _, err := tx.ReturnItem(ctx, loan.ItemID, loan.StartDate.AddMonths(l.returnedAfterMo)); err != nil {
				return fmt.Errorf("demo return: %w", err)
			}
		}
	}
	return nil
}
