package db

import (
	"context"
	"testing"

	"lbconsole/lb"
)

func TestGetMember(t *testing.T) {
	d, _ := seededDB(t, Options{})
	ctx := context.Background()
	a := smallGroup(t, d)
	b := smallGroup(t, d, a.LB.ID)
	want := members(t, d, a.Group.ID)[1]
	t.Run("OK", func(t *testing.T) {
		got, err := d.GetMember(ctx, a.Group.ID, want.ID)
		if err != nil || got != want {
			t.Errorf("GetMember = %+v, %v; want %+v", got, err, want)
		}
	})
	t.Run("ErrNotFoundInAnotherGroup", func(t *testing.T) {
		if _, err := d.GetMember(ctx, b.Group.ID, want.ID); lb.ErrorKind(err) != lb.KindNotFound {
			t.Errorf("GetMember from another group: %v; want not found", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := d.GetMember(ctx, a.Group.ID, "no-such-member"); lb.ErrorKind(err) != lb.KindNotFound {
			t.Errorf("GetMember of an unknown id: %v; want not found", err)
		}
	})
}
