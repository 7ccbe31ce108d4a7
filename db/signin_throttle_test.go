package db

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"
)

var testLimits = SignInLimits{PerAccount: 5, PerClient: 20, Window: 15 * time.Minute}

func TestReserveSignIn(t *testing.T) {
	ctx := context.Background()

	t.Run("ConcurrentReservationsForOneAccountGetFive", func(t *testing.T) {
		d, _ := emptyDB(t, Options{Now: newClock().Now})
		var granted sync.Map
		var wg sync.WaitGroup
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := d.ReserveSignIn(ctx, SignInAttempt{UserName: "Alice", ClientIP: "203.0.113." + strconv.Itoa(i)}, testLimits)
				if err != nil {
					t.Errorf("ReserveSignIn: %v", err)
					return
				}
				if r.Wait == 0 {
					granted.Store(r.ID, true)
				}
			}()
		}
		wg.Wait()
		n := 0
		granted.Range(func(any, any) bool { n++; return true })
		if n != 5 {
			t.Errorf("%d of 40 concurrent reservations for one account were granted; want 5", n)
		}
		rows, err := d.ListSignIns(ctx, SignInFilter{Outcome: SignInThrottled, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 35 {
			t.Errorf("%d throttled rows; want 35, one per address (each tried once)", len(rows))
		}
	})

	t.Run("ASuccessClearsTheAccountsFailuresNotTheAddresses", func(t *testing.T) {
		c := newClock()
		d, _ := emptyDB(t, Options{Now: c.Now})
		attempt := func(name, ip string) SignInReservation {
			t.Helper()
			r, err := d.ReserveSignIn(ctx, SignInAttempt{UserName: name, ClientIP: ip}, testLimits)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		settle := func(r SignInReservation, name, ip, outcome string) {
			t.Helper()
			if err := d.SettleSignIn(ctx, r, SignInAttempt{UserName: name, ClientIP: ip}, outcome); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < 4; i++ {
			settle(attempt("bob", "198.51.100.1"), "bob", "198.51.100.1", SignInFailed)
		}
		settle(attempt("BOB", "198.51.100.2"), "BOB", "198.51.100.2", SignInOK)
		for i := 0; i < 4; i++ {
			if r := attempt("bob", "198.51.100.3"); r.Wait != 0 {
				t.Fatalf("attempt %d after the success waits %s; want it allowed", i+1, r.Wait)
			} else {
				settle(r, "bob", "198.51.100.3", SignInFailed)
			}
		}
		// The address's own count kept the four failures from before the success.
		for i := 0; i < 16; i++ {
			name := "carol-" + strconv.Itoa(i)
			settle(attempt(name, "198.51.100.1"), name, "198.51.100.1", SignInFailed)
		}
		if r := attempt("dave", "198.51.100.1"); r.Wait <= 0 {
			t.Errorf("the address's 21st attempt after 20 failures was allowed; want it throttled")
		}
	})

	t.Run("AReleasedReservationCountsForNothing", func(t *testing.T) {
		d, _ := emptyDB(t, Options{Now: newClock().Now})
		for i := 0; i < 10; i++ {
			r, err := d.ReserveSignIn(ctx, SignInAttempt{UserName: "erin", ClientIP: "192.0.2.1"}, testLimits)
			if err != nil || r.Wait != 0 {
				t.Fatalf("reservation %d = %+v, %v; want granted", i+1, r, err)
			}
			if err := d.ReleaseSignIn(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("TheWaitEndsWhenTheOldestCountedFailureLeavesTheWindow", func(t *testing.T) {
		c := newClock()
		d, _ := emptyDB(t, Options{Now: c.Now})
		for i := 0; i < 5; i++ {
			r, err := d.ReserveSignIn(ctx, SignInAttempt{UserName: "frank", ClientIP: "192.0.2.2"}, testLimits)
			if err != nil || r.Wait != 0 {
				t.Fatalf("reservation %d = %+v, %v", i+1, r, err)
			}
			if err := d.SettleSignIn(ctx, r, SignInAttempt{UserName: "frank", ClientIP: "192.0.2.2"}, SignInFailed); err != nil {
				t.Fatal(err)
			}
			c.Advance(time.Minute)
		}
		r, err := d.ReserveSignIn(ctx, SignInAttempt{UserName: "frank", ClientIP: "192.0.2.2"}, testLimits)
		if err != nil {
			t.Fatal(err)
		}
		if want := 10 * time.Minute; r.Wait != want {
			t.Errorf("Wait = %s five minutes after the first of five failures; want %s", r.Wait, want)
		}
	})
}
