package db

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"

	"lbconsole/lb"
)

// DemoSeed makes the demo data the same on every machine.
const DemoSeed = 20260101

// demoEpoch is when the demo's resources were "created".
var demoEpoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

type demoRegion struct {
	id, name, octet, publicPrefix string
}

var demoRegions = []demoRegion{
	{"cn-hangzhou", "China (Hangzhou)", "10", "47.96"},
	{"cn-shanghai", "China (Shanghai)", "11", "106.14"},
	{"eu-central-1", "Germany (Frankfurt)", "12", "8.209"},
}

var demoLBNames = []string{"web-frontend", "api-gateway", "checkout", "static-assets", "internal-grpc"}

// demo builds the demo data with one seeded random source, so that every id is the same each run.
type demo struct {
	rng     *rand.ChaCha8
	tx      *sql.Tx
	ctx     context.Context
	minutes int
}

// SeedDemo fills an empty database with demo data: 3 regions, their VPCs and subnets, 480
// servers (some stopped), 15 load balancers (one locked, one inactive) with a default server
// list and 2–4 VServer groups each, one of them with 260 members. It reports false and changes
// nothing when the database already holds load balancers or regions.
func (d *DB) SeedDemo(ctx context.Context) (bool, error) {
	seeded := false
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM regions) + (SELECT count(*) FROM load_balancers)").Scan(&n); err != nil {
			return fmt.Errorf("db: unable to check for existing data: %w", err)
		}
		if n > 0 {
			return nil
		}
		var seed [32]byte
		copy(seed[:], fmt.Sprint(DemoSeed))
		dm := &demo{rng: rand.NewChaCha8(seed), tx: tx, ctx: ctx}
		for i, r := range demoRegions {
			if err := dm.region(i, r); err != nil {
				return err
			}
		}
		seeded = true
		return nil
	})
	return seeded, err
}

func (dm *demo) exec(query string, args ...any) error {
	if _, err := dm.tx.ExecContext(dm.ctx, query, args...); err != nil {
		return fmt.Errorf("db: unable to write demo data: %w", err)
	}
	return nil
}

func (dm *demo) id(prefix string) string { return lb.IDFrom(dm.rng, prefix) }

// at returns a fresh, later creation time each call.
func (dm *demo) at() string {
	dm.minutes += 7
	return formatTime(demoEpoch.Add(time.Duration(dm.minutes) * time.Minute))
}

func (dm *demo) region(idx int, r demoRegion) error {
	if err := dm.exec("INSERT INTO regions (id, name) VALUES (?, ?)", r.id, r.name); err != nil {
		return err
	}
	mainVPC, mainSubnets, err := dm.vpc(r, "prod", "10."+r.octet+".0.0/16", 3)
	if err != nil {
		return err
	}
	_, otherSubnets, err := dm.vpc(r, "staging", fmt.Sprintf("172.%d.0.0/16", 16+idx), 1)
	if err != nil {
		return err
	}
	servers, err := dm.servers(r, mainSubnets, 150, "")
	if err != nil {
		return err
	}
	if _, err := dm.servers(r, otherSubnets, 10, "stg-"); err != nil {
		return err
	}
	for i, name := range demoLBNames {
		if err := dm.loadBalancer(idx, i, r, name, mainVPC, servers); err != nil {
			return err
		}
	}
	return nil
}

// vpc creates a VPC with n /24 subnets numbered from 1.
func (dm *demo) vpc(r demoRegion, name, cidr string, n int) (string, []lb.Subnet, error) {
	id := dm.id("vpc-")
	if err := dm.exec("INSERT INTO vpcs (id, region_id, name, cidr) VALUES (?,?,?,?)", id, r.id, name+"-"+r.id, cidr); err != nil {
		return "", nil, err
	}
	var subnets []lb.Subnet
	prefix := cidr[:len(cidr)-len("0.0/16")]
	for i := 1; i <= n; i++ {
		sn := lb.Subnet{ID: dm.id("vsw-"), VpcID: id, Name: fmt.Sprintf("%s-zone-%c", name, 'a'+i-1), CIDR: fmt.Sprintf("%s%d.0/24", prefix, i)}
		if err := dm.exec("INSERT INTO subnets (id, vpc_id, name, cidr) VALUES (?,?,?,?)", sn.ID, sn.VpcID, sn.Name, sn.CIDR); err != nil {
			return "", nil, err
		}
		subnets = append(subnets, sn)
	}
	return id, subnets, nil
}

// servers creates n servers spread over the subnets; about one in twelve is stopped.
func (dm *demo) servers(r demoRegion, subnets []lb.Subnet, n int, namePrefix string) ([]lb.Server, error) {
	var out []lb.Server
	for i := 0; i < n; i++ {
		sn := subnets[i%len(subnets)]
		s := lb.Server{
			ID:       dm.id("i-"),
			Name:     fmt.Sprintf("%s%s-%03d", namePrefix, shortRegion(r.id), i+1),
			Address:  fmt.Sprintf("%s%d", sn.CIDR[:len(sn.CIDR)-len("0/24")], 10+i/len(subnets)),
			SubnetID: sn.ID,
			Type:     lb.TypeECS,
			Status:   lb.StatusRunning,
		}
		if i%10 == 9 {
			s.Type = lb.TypeENI
			s.ID = "eni-" + s.ID[2:]
		}
		if dm.rng.Uint64()%12 == 0 {
			s.Status = lb.StatusStopped
		}
		if err := dm.exec("INSERT INTO servers (id, name, address, subnet_id, type, status) VALUES (?,?,?,?,?,?)",
			s.ID, s.Name, s.Address, s.SubnetID, string(s.Type), string(s.Status)); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func shortRegion(id string) string {
	switch id {
	case "cn-hangzhou":
		return "hz"
	case "cn-shanghai":
		return "sh"
	}
	return "fra"
}

func (dm *demo) loadBalancer(regionIdx, i int, r demoRegion, name, vpcID string, servers []lb.Server) error {
	l := lb.LoadBalancer{ID: dm.id("lb-"), RegionID: r.id, Name: name + "-" + shortRegion(r.id),
		AddressType: "internet", NetworkType: "vpc", VpcID: vpcID, Status: lb.LBActive}
	l.Address = fmt.Sprintf("%s.%d.%d", r.publicPrefix, 20+regionIdx, 100+i)
	if name == "internal-grpc" {
		l.AddressType, l.Address = "intranet", fmt.Sprintf("10.%s.0.%d", r.octet, 5+i)
	}
	switch {
	case regionIdx == 0 && name == "checkout":
		l.Status = lb.LBLocked
	case regionIdx == 1 && name == "static-assets":
		l.Status = lb.LBInactive
	}
	if err := dm.exec(`INSERT INTO load_balancers (id, region_id, name, address, address_type, network_type, vpc_id, status, created)
		VALUES (?,?,?,?,?,?,?,?,?)`, l.ID, l.RegionID, l.Name, l.Address, l.AddressType, l.NetworkType, l.VpcID, string(l.Status), dm.at()); err != nil {
		return err
	}
	if err := dm.group(l, "default", lb.KindDefault, servers, 0, 6, 0); err != nil {
		return err
	}
	groups := 2 + (regionIdx+i)%3
	for g := 0; g < groups; g++ {
		port := []int{80, 443, 8080, 9000}[g]
		size := 8 + int(dm.rng.Uint64()%25)
		start := (i*17 + g*29) % len(servers)
		if regionIdx == 0 && i == 0 && g == 0 {
			// One big group: every server of the region on port 80, and most of them on 8080 too.
			if err := dm.group(l, "web-http", lb.KindVServer, servers, 0, len(servers), 80, 8080); err != nil {
				return err
			}
			continue
		}
		if err := dm.group(l, fmt.Sprintf("%s-%d", name, port), lb.KindVServer, servers, start, size, port); err != nil {
			return err
		}
	}
	return nil
}

// group creates a group holding size servers from start (wrapping), on each of ports; the
// second port takes three servers in four, so the big group has 150 + 110 members (rounded).
func (dm *demo) group(l lb.LoadBalancer, name string, kind lb.GroupKind, servers []lb.Server, start, size int, ports ...int) error {
	id := dm.id("rsp-")
	if kind == lb.KindDefault {
		id = dm.id("dfl-")
		ports = []int{0}
	}
	if err := dm.exec("INSERT INTO groups (id, lb_id, name, kind, version, created) VALUES (?,?,?,?,1,?)",
		id, l.ID, name, string(kind), dm.at()); err != nil {
		return err
	}
	for pi, port := range ports {
		for k := 0; k < size; k++ {
			if pi > 0 && k%4 == 3 {
				continue
			}
			s := servers[(start+k)%len(servers)]
			weight := 100
			if k%7 == 6 {
				weight = 50
			}
			created := dm.at()
			if err := dm.exec("INSERT INTO members ("+memberColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?)",
				lb.UUIDFrom(dm.rng), id, s.ID, s.Address, port, weight, string(s.Type), s.Name, s.SubnetID, created, created); err != nil {
				return err
			}
		}
	}
	return nil
}
