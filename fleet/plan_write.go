package fleet

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"lbconsole/lb"
)

// NothingToDo is what Write prints for an empty plan.
const NothingToDo = "nothing to do: the database already matches the file"

// Write prints the plan for people, one change a line, in the order it applies:
//
//	create region eu-west-1
//	update load balancer lb-web: name "web" → "web2"
//	replace members of rsp-web-http: +2 −1 ~1
//	delete server i-old-1
//
// and a last line that counts them, or NothingToDo.
func (p Plan) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if p.Empty() {
		fmt.Fprintln(bw, NothingToDo)
		return bw.Flush()
	}
	writeChanges(bw, KindRegion, p.Regions, func(r Region) string { return r.ID })
	writeChanges(bw, KindVPC, p.VPCs, func(v VPC) string { return v.ID })
	writeChanges(bw, KindSubnet, p.Subnets, func(s Subnet) string { return s.ID })
	writeChanges(bw, KindServer, p.Servers, func(s Server) string { return s.ID })
	writeChanges(bw, KindLoadBalancer, p.LoadBalancers, func(l LoadBalancer) string { return l.ID })
	writeChanges(bw, KindGroup, p.Groups, func(g PlacedGroup) string { return g.ID + " in load balancer " + g.LoadBalancer })
	for _, b := range p.Members {
		writeBatch(bw, b)
	}
	for _, a := range p.Adoptions {
		fmt.Fprintln(bw, a.String())
	}
	writeDeletes(bw, KindGroup, p.Groups.Delete, func(g PlacedGroup) string { return g.ID + " in load balancer " + g.LoadBalancer })
	writeDeletes(bw, KindLoadBalancer, p.LoadBalancers.Delete, func(l LoadBalancer) string { return l.ID })
	writeDeletes(bw, KindServer, p.Servers.Delete, func(s Server) string { return s.ID })
	writeDeletes(bw, KindSubnet, p.Subnets.Delete, func(s Subnet) string { return s.ID })
	writeDeletes(bw, KindVPC, p.VPCs.Delete, func(v VPC) string { return v.ID })
	writeDeletes(bw, KindRegion, p.Regions.Delete, func(r Region) string { return r.ID })
	fmt.Fprintln(bw, p.Summary())
	return bw.Flush()
}

// Summary counts the plan in one line.
func (p Plan) Summary() string {
	if p.Empty() {
		return NothingToDo
	}
	create, update, del, lists := p.Counts()
	s := fmt.Sprintf("plan: %d to create, %d to update, %d to delete, %d member %s to replace", create, update, del, lists, plural(lists, "list", "lists"))
	if n := len(p.Adoptions); n > 0 {
		s += fmt.Sprintf(", %d haproxy %s to adopt", n, plural(n, "server", "servers"))
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func writeChanges[T any](w io.Writer, kind Kind, c Changes[T], name func(T) string) {
	for _, v := range c.Create {
		fmt.Fprintf(w, "create %s %s\n", kind.Human(), name(v))
	}
	for _, u := range c.Update {
		changes := make([]string, len(u.Fields))
		for i, f := range u.Fields {
			changes[i] = fmt.Sprintf("%s %s → %s", f.Field, shown(f.Old), shown(f.New))
		}
		fmt.Fprintf(w, "update %s %s: %s\n", kind.Human(), name(u.New), strings.Join(changes, ", "))
	}
}

func writeDeletes[T any](w io.Writer, kind Kind, list []T, name func(T) string) {
	for _, v := range list {
		fmt.Fprintf(w, "delete %s %s\n", kind.Human(), name(v))
	}
}

// shown quotes a value, so that spaces and control characters in names cannot mislead.
func shown(v string) string {
	if v == "" {
		return "(none)"
	}
	return strconv.Quote(v)
}

func writeBatch(w io.Writer, b MemberBatch) {
	d := b.Diff
	fmt.Fprintf(w, "replace members of %s: +%d −%d ~%d\n", b.Group, len(d.Added), len(d.Removed), len(d.Changed))
	isDefault := b.Kind == lb.KindDefault
	for _, m := range d.Added {
		fmt.Fprintf(w, "    + %s weight %d%s\n", memberName(m, isDefault), m.Weight, descriptionNote(m.Description))
	}
	for _, m := range d.Removed {
		fmt.Fprintf(w, "    − %s\n", memberName(m, isDefault))
	}
	for _, c := range d.Changed {
		var parts []string
		if c.Before.Weight != c.After.Weight {
			parts = append(parts, fmt.Sprintf("weight %d → %d", c.Before.Weight, c.After.Weight))
		}
		if c.Before.Description != c.After.Description {
			parts = append(parts, fmt.Sprintf("description %s → %s", shown(c.Before.Description), shown(c.After.Description)))
		}
		fmt.Fprintf(w, "    ~ %s: %s\n", memberName(c.After, isDefault), strings.Join(parts, ", "))
	}
}

func memberName(m lb.Member, isDefault bool) string {
	where := m.Address
	if !isDefault {
		where = fmt.Sprintf("%s:%d", m.Address, m.Port)
	}
	if m.ServerID != "" {
		return m.ServerID + " (" + where + ")"
	}
	return where
}

func descriptionNote(d string) string {
	if d == "" {
		return ""
	}
	return " description " + strconv.Quote(d)
}
