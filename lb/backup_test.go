package lb

import "testing"

// Backup is a setting of its own, as maintenance is: set_backup changes it alone, a new member
// may start as one, a replace keeps it unless the entry says otherwise, and a revert gives it
// back, refusing when it changed since.
func TestBackup(t *testing.T) {
	t.Parallel()
	t.Run("SetBackupChangesOnlyBackup", func(t *testing.T) {
		res, err := Plan(fixture(), Batch{Action: ActionSetBackup, New: []Spec{{MemberID: "m-2", Backup: yes()}}})
		if err != nil || len(res.Diff.Changed) != 1 {
			t.Fatalf("diff %+v, %v; want one change", res.Diff, err)
		}
		c := res.Diff.Changed[0]
		if c.Before.Backup || !c.After.Backup || c.After.Weight != c.Before.Weight || c.After.Maintenance != c.Before.Maintenance {
			t.Errorf("change %+v → %+v; want backup on, weight and maintenance kept", c.Before, c.After)
		}
	})
	t.Run("NewMemberAsABackup", func(t *testing.T) {
		res, err := Plan(fixture(), Batch{Action: ActionAdd, New: []Spec{{ServerID: "i-web3", Port: 80, Backup: yes()}}})
		if err != nil || len(res.Diff.Added) != 1 || !res.Diff.Added[0].Backup {
			t.Errorf("added %+v, %v; want one backup member", res.Diff.Added, err)
		}
	})
	t.Run("ReplaceAllKeepsBackupUnlessGiven", func(t *testing.T) {
		tg := fixture()
		tg.Members[1].Backup = true
		res, err := Plan(tg, Batch{Action: ActionUpsert, New: []Spec{{Address: "10.0.1.12", Port: 80, Weight: new(int)}}})
		if err != nil || len(res.Diff.Changed) != 1 || !res.Diff.Changed[0].After.Backup {
			t.Errorf("diff %+v, %v; want m-2 re-weighted and still a backup", res.Diff, err)
		}
		res, err = Plan(tg, Batch{Action: ActionUpsert, New: []Spec{{Address: "10.0.1.12", Port: 80, Backup: no()}}})
		if err != nil || len(res.Diff.Changed) != 1 || res.Diff.Changed[0].After.Backup {
			t.Errorf("diff %+v, %v; want m-2 active again", res.Diff, err)
		}
	})
	t.Run("RevertGivesBackupBack", func(t *testing.T) {
		tg := fixture()
		res, err := Plan(tg, Batch{Action: ActionSetBackup, New: []Spec{{MemberID: "m-2", Backup: yes()}}})
		if err != nil {
			t.Fatal(err)
		}
		tg.Members = res.Members
		back, err := PlanRevert(tg, res.Diff.Before(), res.Diff.After())
		if err != nil || len(back.Diff.Changed) != 1 || back.Diff.Changed[0].After.Backup {
			t.Errorf("revert %+v, %v; want m-2 active again", back.Diff, err)
		}
		tg.Members[1].Backup = false // changed since by someone else
		if _, err := PlanRevert(tg, res.Diff.Before(), res.Diff.After()); ErrorKind(err) != KindConflict {
			t.Errorf("err = %v; want a conflict: the member stopped being a backup since", err)
		}
	})
}
