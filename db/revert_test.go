package db

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"lbconsole/lb"
)

// memberState is what a person sees of a member: its identity, place and settings.
type memberState struct {
	ID, ServerID, Address string
	Port, Weight          int
	Description           string
}

func states(ms []lb.Member) map[string]memberState {
	out := make(map[string]memberState, len(ms))
	for _, m := range ms {
		out[m.ID] = memberState{m.ID, m.ServerID, m.Address, m.Port, m.Weight, m.Description}
	}
	return out
}

func revert(d *DB, seq int64, actor string) (BatchResult, error) {
	return d.RevertAudit(context.Background(), RevertRequest{Seq: seq, Actor: actor, Source: SourceConsole, ClientIP: "192.0.2.10", RequestID: "rev-" + actor})
}

func TestRevertAudit(t *testing.T) {
	ctx := context.Background()

	t.Run("reverting a removal brings the members back with their ids", func(t *testing.T) {
		d, _ := seededDB(t, Options{})
		big := bigGroup(t, d)
		before := members(t, d, big.Group.ID)
		version := groupVersion(t, d, big)
		removed := apply(t, d, removeReq(big, "alice", before[5].ID, before[6].ID))

		res, err := revert(d, removed.Seq, "bob")
		if err != nil {
			t.Fatalf("RevertAudit: %v", err)
		}
		after := members(t, d, big.Group.ID)
		if got, want := states(after), states(before); !reflect.DeepEqual(got, want) {
			t.Errorf("members after the revert differ from before the removal (%d vs %d members)", len(got), len(want))
		}
		if got := groupVersion(t, d, big); got != version+2 {
			t.Errorf("group version = %d, want %d (removal and revert)", got, version+2)
		}
		e := getAudit(t, d, res.Seq)
		if e.Action != ActionRevert || e.Reverts != removed.Seq || e.Outcome != OutcomeOK || e.Actor != "bob" || e.Count != 2 {
			t.Errorf("revert entry Action, Reverts, Outcome, Actor, Count = %q, %d, %q, %q, %d; want revert, %d, ok, bob, 2",
				e.Action, e.Reverts, e.Outcome, e.Actor, e.Count, removed.Seq)
		}
		if by, err := d.RevertedBy(ctx, removed.Seq); err != nil || by != res.Seq {
			t.Errorf("RevertedBy(%d) = %d, %v; want %d", removed.Seq, by, err, res.Seq)
		}
		if r := mustVerify(t, d); !r.OK() || r.Rows != 2 {
			t.Errorf("VerifyAudit = %+v, want OK with 2 rows", r)
		}
	})

	t.Run("a member brought back keeps its creation time", func(t *testing.T) {
		d, _ := seededDB(t, Options{})
		big := bigGroup(t, d)
		m := members(t, d, big.Group.ID)[0]
		removed := apply(t, d, removeReq(big, "alice", m.ID))
		if _, err := revert(d, removed.Seq, "alice"); err != nil {
			t.Fatalf("RevertAudit: %v", err)
		}
		for _, got := range members(t, d, big.Group.ID) {
			if got.ID == m.ID && !got.Created.Equal(m.Created) {
				t.Errorf("restored member %s Created = %v, want %v as before the removal", m.ID, got.Created, m.Created)
			}
		}
	})

	t.Run("reverting a weight change restores the weight", func(t *testing.T) {
		d, _ := seededDB(t, Options{})
		big := bigGroup(t, d)
		m := members(t, d, big.Group.ID)[0]
		changed := apply(t, d, weightReq(big, "alice", m.ID, 0))
		if _, err := revert(d, changed.Seq, "alice"); err != nil {
			t.Fatalf("RevertAudit: %v", err)
		}
		if got := states(members(t, d, big.Group.ID))[m.ID].Weight; got != m.Weight {
			t.Errorf("weight after the revert = %d, want %d", got, m.Weight)
		}
	})

	refused := []struct {
		name  string
		kind  lb.Kind
		setup func(t *testing.T, d *DB, big target) int64 // returns the seq to revert
	}{
		{"an entry reverted once cannot be reverted again", lb.KindConflict, func(t *testing.T, d *DB, big target) int64 {
			res := apply(t, d, removeReq(big, "alice", members(t, d, big.Group.ID)[0].ID))
			if _, err := revert(d, res.Seq, "alice"); err != nil {
				t.Fatal(err)
			}
			return res.Seq
		}},
		{"a member changed since cannot be reverted", lb.KindConflict, func(t *testing.T, d *DB, big target) int64 {
			m := members(t, d, big.Group.ID)[0]
			res := apply(t, d, weightReq(big, "alice", m.ID, 10))
			apply(t, d, weightReq(big, "bob", m.ID, 20))
			return res.Seq
		}},
		{"a refused entry has nothing to revert", lb.KindInvalid, func(t *testing.T, d *DB, big target) int64 {
			res, err := d.ApplyBatch(ctx, weightReq(big, "alice", members(t, d, big.Group.ID)[0].ID, 101))
			if err == nil {
				t.Fatal("a weight of 101 was applied")
			}
			return res.Seq
		}},
		{"an unknown entry is not found", lb.KindNotFound, func(t *testing.T, d *DB, big target) int64 {
			return 999
		}},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			d, _ := seededDB(t, Options{})
			big := bigGroup(t, d)
			seq := tc.setup(t, d, big)
			before := members(t, d, big.Group.ID)
			version := groupVersion(t, d, big)
			audited := auditTotal(t, d)

			res, err := revert(d, seq, "carol")

			var le *lb.Error
			if !errors.As(err, &le) || le.Kind != tc.kind {
				t.Fatalf("RevertAudit(%d) = %v, want an *lb.Error of kind %s", seq, err, tc.kind)
			}
			if after := members(t, d, big.Group.ID); !reflect.DeepEqual(after, before) {
				t.Errorf("members changed: %d before, %d after", len(before), len(after))
			}
			if got := groupVersion(t, d, big); got != version {
				t.Errorf("group version = %d, want %d", got, version)
			}
			if got := auditTotal(t, d); got != audited+1 {
				t.Errorf("audit rows = %d, want %d (the refusal is audited)", got, audited+1)
			}
			if e := getAudit(t, d, res.Seq); e.Outcome != string(tc.kind) || e.Reverts != seq || e.Actor != "carol" {
				t.Errorf("refusal entry Outcome, Reverts, Actor = %q, %d, %q; want %q, %d, carol", e.Outcome, e.Reverts, e.Actor, tc.kind, seq)
			}
		})
	}
}

func TestGroupChangesSince(t *testing.T) {
	ctx := context.Background()
	d, _ := seededDB(t, Options{})
	big := bigGroup(t, d)
	ms := members(t, d, big.Group.ID)
	seen := groupVersion(t, d, big)
	first := apply(t, d, removeReq(big, "alice", ms[0].ID))
	d.ApplyBatch(ctx, weightReq(big, "alice", ms[1].ID, 101)) // refused: not a change
	second := apply(t, d, weightReq(big, "bob", ms[1].ID, 0))

	t.Run("the applied changes since a version, oldest first", func(t *testing.T) {
		got, err := d.GroupChangesSince(ctx, big.Group.ID, seen)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{first.Seq, second.Seq}; !reflect.DeepEqual(seqs(got), want) {
			t.Errorf("seqs = %v, want %v", seqs(got), want)
		}
		for i, e := range got {
			if want := seen + int64(i) + 1; e.GroupVersion != want {
				t.Errorf("entry %d GroupVersion = %d, want %d", e.Seq, e.GroupVersion, want)
			}
		}
	})

	t.Run("nothing changed since the current version", func(t *testing.T) {
		got, err := d.GroupChangesSince(ctx, big.Group.ID, seen+2)
		if err != nil || len(got) != 0 {
			t.Errorf("GroupChangesSince(current) = %v, %v; want none", seqs(got), err)
		}
	})
}
