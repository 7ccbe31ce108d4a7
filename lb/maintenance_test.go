package lb

import "testing"

func yes() *bool { v := true; return &v }
func no() *bool  { v := false; return &v }

// Maintenance is a setting of its own: set_maintenance and set_weights change it on the members
// they name, it shows in the diff, a new member may start in it, a replace keeps it unless the
// entry says otherwise, and a revert gives it back.
func TestMaintenance(t *testing.T) {
	t.Parallel()
	t.Run("SetMaintenanceChangesOnlyMaintenance", func(t *testing.T) {
		res, err := Plan(fixture(), Batch{Action: ActionSetMaintenance, New: []Spec{{MemberID: "m-2", Maintenance: yes()}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Diff.Changed) != 1 {
			t.Fatalf("diff %+v; want one change", res.Diff)
		}
		c := res.Diff.Changed[0]
		if c.Before.Maintenance || !c.After.Maintenance || c.After.Weight != c.Before.Weight || c.After.Updated != now {
			t.Errorf("change %+v → %+v; want maintenance on, weight kept, updated now", c.Before, c.After)
		}
	})
	t.Run("AlreadyInMaintenanceChangesNothing", func(t *testing.T) {
		tg := fixture()
		tg.Members[1].Maintenance = true
		res, err := Plan(tg, Batch{Action: ActionSetMaintenance, New: []Spec{{MemberID: "m-2", Maintenance: yes()}}})
		if err != nil || !res.Diff.Empty() {
			t.Errorf("diff %+v, %v; want nothing to change", res.Diff, err)
		}
	})
	t.Run("ErrNothingToSet", func(t *testing.T) {
		_, err := Plan(fixture(), Batch{Action: ActionSetMaintenance, New: []Spec{{MemberID: "m-2"}}})
		if ErrorKind(err) != KindInvalid {
			t.Errorf("err = %v; want invalid", err)
		}
	})
	t.Run("NewMemberInMaintenance", func(t *testing.T) {
		res, err := Plan(fixture(), Batch{Action: ActionAdd, New: []Spec{{ServerID: "i-web3", Port: 80, Maintenance: yes()}}})
		if err != nil || len(res.Diff.Added) != 1 || !res.Diff.Added[0].Maintenance {
			t.Errorf("added %+v, %v; want one member in maintenance", res.Diff.Added, err)
		}
	})
	t.Run("ReplaceAllKeepsMaintenanceUnlessGiven", func(t *testing.T) {
		tg := fixture()
		tg.Members[1].Maintenance = true
		keep := []Spec{{Address: "10.0.1.12", Port: 80}, {Address: "10.0.1.11", Port: 8080, Maintenance: yes()}}
		res, err := Plan(tg, Batch{Action: ActionUpsert, New: keep})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range res.Members {
			want := m.ID == "m-2" || m.ID == "m-3"
			if m.Maintenance != want {
				t.Errorf("member %s maintenance %v; want %v", m.ID, m.Maintenance, want)
			}
		}
		res, err = Plan(tg, Batch{Action: ActionUpsert, New: []Spec{{Address: "10.0.1.12", Port: 80, Maintenance: no()}}})
		if err != nil || len(res.Diff.Changed) != 1 || res.Diff.Changed[0].After.Maintenance {
			t.Errorf("diff %+v, %v; want m-2 out of maintenance", res.Diff, err)
		}
	})
	t.Run("RevertGivesMaintenanceBack", func(t *testing.T) {
		tg := fixture()
		res, err := Plan(tg, Batch{Action: ActionSetMaintenance, New: []Spec{{MemberID: "m-2", Maintenance: yes()}}})
		if err != nil {
			t.Fatal(err)
		}
		tg.Members = res.Members
		back, err := PlanRevert(tg, res.Diff.Before(), res.Diff.After())
		if err != nil || len(back.Diff.Changed) != 1 || back.Diff.Changed[0].After.Maintenance {
			t.Errorf("revert %+v, %v; want m-2 out of maintenance", back.Diff, err)
		}
	})
	t.Run("RevertRefusedWhenMaintenanceChangedSince", func(t *testing.T) {
		tg := fixture()
		res, err := Plan(tg, Batch{Action: ActionSetWeights, New: []Spec{{MemberID: "m-2", Weight: new(int)}}})
		if err != nil {
			t.Fatal(err)
		}
		tg.Members = res.Members
		tg.Members[1].Maintenance = true
		if _, err := PlanRevert(tg, res.Diff.Before(), res.Diff.After()); ErrorKind(err) != KindConflict {
			t.Errorf("err = %v; want a conflict: the member went into maintenance since", err)
		}
	})
}
