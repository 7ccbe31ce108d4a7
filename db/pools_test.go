package db

import (
	"context"
	"errors"
	"testing"
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
		if _, err := d.GetMember(ctx, b.Group.ID, want.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("GetMember from another group: %v; want ErrNotFound", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := d.GetMember(ctx, a.Group.ID, "no-such-member"); !errors.Is(err, ErrNotFound) {
			t.Errorf("GetMember of an unknown id: %v; want ErrNotFound", err)
		}
	})
}
