package fleet

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"lbconsole/lb"
)

// Export then apply changes nothing: for generated fleets of many shapes, in both formats,
// Parse(Marshal(doc)) is doc, the file is valid against the database it came from, and the plan
// is empty, pruning or not.
func TestPropertyExportThenApplyChangesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for seed := uint64(1); seed <= 20; seed++ {
		current := exported(Generate(rng.IntN(40), rng.IntN(400), seed))
		for _, format := range []string{FormatYAML, FormatJSON} {
			data, err := Marshal(current, format)
			if err != nil {
				t.Fatal(err)
			}
			file, err := Parse(data)
			if err != nil {
				t.Fatalf("seed %d, %s: the export does not parse: %v", seed, format, err)
			}
			if !reflect.DeepEqual(file, current) {
				t.Fatalf("seed %d, %s: Parse(Marshal(doc)) differs from doc", seed, format)
			}
			if ps := Validate(file, current); len(ps) > 0 {
				t.Fatalf("seed %d, %s: the export is not valid: %v", seed, format, Problems(ps))
			}
			for _, prune := range []bool{false, true} {
				if p, err := MakePlan(current, file, prune); err != nil || !p.Empty() {
					t.Fatalf("seed %d, %s, prune %v: %v\n%s", seed, format, prune, err, planText(t, p))
				}
			}
		}
	}
}

// Plan then apply reaches the file: random valid edits of a generated fleet, planned, applied
// as the store would, and planned again, leave nothing to do; with prune, the database is then
// exactly the file.
func TestPropertyApplyingThePlanReachesTheFile(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for seed := uint64(1); seed <= 30; seed++ {
		current := exported(Generate(5+rng.IntN(20), 50+rng.IntN(200), seed))
		desired := clone(current)
		var did []string
		for range 1 + rng.IntN(8) {
			did = append(did, edit(rng, &desired))
		}
		if ps := Validate(desired, current); len(ps) > 0 {
			t.Fatalf("seed %d: edits %q made the file invalid: %v", seed, did, Problems(ps))
		}
		for _, prune := range []bool{false, true} {
			p, err := MakePlan(current, desired, prune)
			if err != nil {
				t.Fatalf("seed %d, prune %v: edits %q refused: %v", seed, prune, did, err)
			}
			applied := applyPlan(current, p)
			if again, err := MakePlan(applied, desired, prune); err != nil || !again.Empty() {
				t.Fatalf("seed %d, prune %v: edits %q: after applying, %v\n%s", seed, prune, did, err, planText(t, again))
			}
			if want := effective(exported(keptMembers(desired, current))); prune && !reflect.DeepEqual(effective(applied), want) {
				a, _ := Marshal(effective(applied), FormatYAML)
				d, _ := Marshal(want, FormatYAML)
				t.Fatalf("seed %d: edits %q: the database is not the file:\n%s\nwant:\n%s", seed, did, a, d)
			}
		}
	}
}

// edit makes one random change to a generated fleet that keeps it valid, and says what it did.
func edit(rng *rand.Rand, d *Document) string {
	switch rng.IntN(10) {
	case 0:
		r := &d.Regions[rng.IntN(len(d.Regions))]
		r.Name += " renamed"
		return "rename region " + r.ID
	case 1:
		s := &d.Servers[rng.IntN(len(d.Servers))]
		s.Name += "-renamed"
		return "rename server " + s.ID
	case 2:
		g := randomGroup(rng, d)
		if g.Members == nil || len(*g.Members) == 0 {
			return "nothing"
		}
		m := &(*g.Members)[rng.IntN(len(*g.Members))]
		m.Weight = intp(rng.IntN(101))
		return "reweigh a member of " + g.ID
	case 3:
		g := randomGroup(rng, d)
		if g.Members == nil || len(*g.Members) == 0 {
			return "nothing"
		}
		i := rng.IntN(len(*g.Members))
		*g.Members = slices.Delete(*g.Members, i, i+1)
		return "remove a member of " + g.ID
	case 4:
		return addMember(rng, d)
	case 5:
		g := randomGroup(rng, d)
		g.Members = nil
		return "stop listing the members of " + g.ID
	case 6:
		i := rng.IntN(len(d.LoadBalancers))
		id := d.LoadBalancers[i].ID
		d.LoadBalancers = slices.Delete(d.LoadBalancers, i, i+1)
		return "drop load balancer " + id
	case 7:
		return dropUnusedServer(rng, d)
	case 8:
		g := randomGroup(rng, d)
		g.DrainTimeout = Dur(time.Duration(rng.IntN(60)) * time.Second)
		g.HealthCheck = &HealthCheck{Type: CheckHTTP, Path: "/ready", Interval: Dur(time.Duration(1+rng.IntN(9)) * time.Second)}
		return "retune " + g.ID
	default:
		l := &d.LoadBalancers[rng.IntN(len(d.LoadBalancers))]
		l.Status = map[lb.LBStatus]lb.LBStatus{lb.LBActive: lb.LBInactive, lb.LBInactive: lb.LBActive}[l.Status]
		return "toggle " + l.ID
	}
}

func randomGroup(rng *rand.Rand, d *Document) *Group {
	l := &d.LoadBalancers[rng.IntN(len(d.LoadBalancers))]
	return &l.Groups[rng.IntN(len(l.Groups))]
}

// addMember puts a running server of the load balancer's VPC into one of its groups.
func addMember(rng *rand.Rand, d *Document) string {
	l := &d.LoadBalancers[rng.IntN(len(d.LoadBalancers))]
	g := &l.Groups[rng.IntN(len(l.Groups))]
	if g.Members == nil {
		return "nothing"
	}
	vpcOf := map[string]string{}
	for _, s := range d.Subnets {
		vpcOf[s.ID] = s.VPC
	}
	port := 0
	if g.Kind == lb.KindVServer {
		port = 8000 + rng.IntN(100)
	}
	for _, s := range d.Servers {
		taken := slices.ContainsFunc(*g.Members, func(m Member) bool { return m.Server == s.ID && m.Port == port })
		if vpcOf[s.Subnet] == l.VPC && s.Effective().Status == lb.StatusRunning && !taken {
			*g.Members = append(*g.Members, Member{Server: s.ID, Port: port, Weight: intp(rng.IntN(101))})
			return fmt.Sprintf("add %s:%d to %s", s.ID, port, g.ID)
		}
	}
	return "nothing"
}

// dropUnusedServer takes out a server that no group has, now or in the file.
func dropUnusedServer(rng *rand.Rand, d *Document) string {
	used := map[string]bool{}
	for _, l := range d.LoadBalancers {
		for _, g := range l.Groups {
			if g.Members != nil {
				for _, m := range *g.Members {
					used[m.Server], used[m.Address] = true, true
				}
			}
		}
	}
	start := rng.IntN(len(d.Servers))
	for k := range d.Servers {
		i := (start + k) % len(d.Servers)
		if s := d.Servers[i]; !used[s.ID] && !used[s.Address] {
			d.Servers = slices.Delete(d.Servers, i, i+1)
			return "drop server " + s.ID
		}
	}
	return "nothing"
}

// effective fills in every default, so that documents that mean the same compare equal.
func effective(d Document) Document {
	d = clone(d)
	for i := range d.Servers {
		d.Servers[i] = d.Servers[i].Effective()
	}
	for i := range d.LoadBalancers {
		d.LoadBalancers[i] = d.LoadBalancers[i].Effective()
	}
	return d
}

// keptMembers is desired with each unlisted member list taken from current, as applying leaves it.
func keptMembers(desired, current Document) Document {
	desired = clone(desired)
	now := indexDoc(current).members
	for i := range desired.LoadBalancers {
		for j := range desired.LoadBalancers[i].Groups {
			if g := &desired.LoadBalancers[i].Groups[j]; g.Members == nil {
				g.Members = now[g.ID]
			}
		}
	}
	return desired
}
