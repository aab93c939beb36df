package store

import (
	"context"
	"testing"

	"kuulu/internal/domain"
	"kuulu/internal/org"
)

func TestPeopleContract(t *testing.T) {
	EachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		var unit org.Unit
		err := db.Write(ctx, func(tx *Tx) error {
			a := org.ServiceArea{Slug: "terveys", Name: domain.Text{FI: "Terveys"}}
			if err := tx.SaveServiceArea(ctx, &a); err != nil {
				return err
			}
			unit = org.Unit{ServiceAreaID: a.ID, Slug: "asema", Name: domain.Text{FI: "Asema"}, Municipality: "Kajaani", Active: true}
			return tx.SaveUnit(ctx, &unit)
		})
		if err != nil {
			t.Fatal(err)
		}
		p := org.Person{Email: "a@b.example", Name: "A", Lang: domain.Finnish, Active: true, UnitID: unit.ID,
			Grants: []org.Grant{{Role: domain.RoleSupervisor, UnitID: unit.ID}, {Role: domain.RoleSupervisor, UnitID: unit.ID}, {Role: domain.RoleStaff}}}
		if err := db.Write(ctx, func(tx *Tx) error { return tx.SavePerson(ctx, &p) }); err != nil {
			t.Fatalf("save with a duplicate grant: %v", err)
		}
		var got org.Person
		db.Read(ctx, func(tx *Tx) error { got, err = tx.PersonByEmail(ctx, "A@B.example"); return err })
		if err != nil || len(got.Grants) != 2 || !got.CanLeadUnit(unit.ID) || got.CanLeadUnit(unit.ID+1) {
			t.Fatalf("person = %+v, %v", got, err)
		}
		dup := org.Person{Email: "a@b.example", Name: "B", Lang: domain.Finnish, Active: true}
		err = db.Write(ctx, func(tx *Tx) error { return tx.SavePerson(ctx, &dup) })
		if e := domain.AsError(err); e == nil || e.Code != domain.ECONFLICT || e.Fields["email"].Key != "err.email_taken" {
			t.Fatalf("duplicate email: %v", err)
		}
		got.Grants = []org.Grant{{Role: domain.RoleAdmin}}
		if err := db.Write(ctx, func(tx *Tx) error { return tx.SavePerson(ctx, &got) }); err != nil {
			t.Fatal(err)
		}
		db.Read(ctx, func(tx *Tx) error { got, err = tx.Person(ctx, got.ID); return err })
		if len(got.Grants) != 1 || !got.Has(domain.RoleAdmin) || got.Has(domain.RoleStaff) {
			t.Fatalf("grants not replaced: %+v", got.Grants)
		}
		if err := db.Read(ctx, func(tx *Tx) error { _, err := tx.Person(ctx, 999999); return err }); !domain.IsNotFound(err) {
			t.Fatalf("missing person: %v", err)
		}
	})
}
