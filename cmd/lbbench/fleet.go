package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"lbconsole/auth"
	"lbconsole/db"
	"lbconsole/fleet"
	"lbconsole/lb"
)

// benchKey is the bench database's master key; the database is thrown away.
var benchKey = bytes.Repeat([]byte{'b'}, 32)

const (
	benchUser     = "bench"
	benchPassword = "bench-password-not-secret"
	bigPortBase   = 8000 // the big group's members use ports from here, several per server
)

// benchFleet is the generated fleet in its database, and what the rows need to know of it.
type benchFleet struct {
	path   string
	store  *db.DB
	raw    *sql.DB // the same file, for the floors' raw SQL
	doc    fleet.Document
	lb     fleet.LoadBalancer // the load balancer holding the big group
	region string
	big    lb.Group
	cred   auth.APICredentials
	spare  []fleet.Server // running servers of the big group's VPC, to add to it
}

func (f *benchFleet) close() {
	f.raw.Close()
	f.store.Close()
}

// buildFleet generates the fleet, gives its first load balancer a group of c.members members
// (the fleet's servers of that VPC, on several ports each) and applies it to a new database.
func buildFleet(ctx context.Context, dir string, c config) (*benchFleet, error) {
	f := &benchFleet{path: filepath.Join(dir, "bench.db")}
	f.doc = fleet.Generate(c.lbs, c.servers, 1)
	first := &f.doc.LoadBalancers[0]
	vpcOf := make(map[string]string, len(f.doc.Subnets))
	for _, s := range f.doc.Subnets {
		vpcOf[s.ID] = s.VPC
	}
	var running []fleet.Server
	for _, s := range f.doc.Servers {
		if s.Status == lb.StatusRunning && vpcOf[s.Subnet] == first.VPC {
			running = append(running, s)
		}
	}
	if len(running) < 20 {
		return nil, fmt.Errorf("the first load balancer's VPC has %d running servers; give more -servers", len(running))
	}
	members := make([]fleet.Member, 0, c.members)
	for i := 0; len(members) < c.members; i++ {
		w := 10 * (i % 10)
		members = append(members, fleet.Member{Server: running[i%len(running)].ID, Port: bigPortBase + i/len(running), Weight: &w})
	}
	first.Groups = append(first.Groups, fleet.Group{ID: "rsp-bench-big", Name: "bench-big", Kind: lb.KindVServer, Members: &members})
	f.lb, f.spare = *first, running
	for _, v := range f.doc.VPCs {
		if v.ID == first.VPC {
			f.region = v.Region
		}
	}
	var err error
	if f.store, err = db.Open(ctx, f.path, db.Options{Key: benchKey}); err != nil {
		return nil, err
	}
	if f.raw, err = openRaw(f.path); err != nil {
		return nil, err
	}
	// A database kept by an earlier run with the same sizes is used as it is.
	if n, err := f.store.CountUsers(ctx); err != nil || n == 0 {
		o := db.Origin{Actor: benchUser, Source: db.SourceFleet, RequestID: "lbbench"}
		if _, err := f.store.ApplyFleet(ctx, o, f.doc, db.ApplyOptions{}); err != nil {
			return nil, fmt.Errorf("apply the generated fleet: %w", err)
		}
	}
	if f.big, err = f.store.GetGroup(ctx, first.ID, "rsp-bench-big"); err != nil {
		return nil, err
	}
	return f, f.addUser(ctx)
}

// addUser makes the admin the console rows sign in as, and an API key of theirs.
func (f *benchFleet) addUser(ctx context.Context) error {
	hash, err := auth.HashPassword(benchPassword)
	if err != nil {
		return err
	}
	o := db.Origin{Actor: "lbbench", Source: db.SourceCLI}
	u, err := f.store.UserByName(ctx, benchUser)
	if err != nil {
		if u, err = f.store.CreateUser(ctx, o, benchUser, lb.RoleAdmin, hash); err != nil {
			return err
		}
	}
	f.cred = auth.NewAPICredentials()
	_, err = f.store.CreateAPIKey(ctx, o, u.ID, f.cred)
	return err
}

// openRaw opens the database file with database/sql alone, as the store's writer does (WAL,
// synchronous NORMAL, immediate transactions), for the floors.
func openRaw(path string) (*sql.DB, error) {
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	raw.SetMaxOpenConns(1)
	return raw, nil
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
