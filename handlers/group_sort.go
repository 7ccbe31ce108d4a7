package handlers

import (
	"cmp"
	"net/netip"
	"slices"

	"lbconsole/lb"
	"lbconsole/web/templates"
)

// memberOrders are the columns the group page's table sorts by, each compared the way people
// read it: addresses as addresses (10.0.0.9 before 10.0.0.10), numbers as numbers. A column
// that sorts (the data plane's health, say) is one more entry here and one more sortHeader.
var memberOrders = map[string]func(a, b lb.Member) int{
	"server":  func(a, b lb.Member) int { return cmp.Compare(a.ServerID, b.ServerID) },
	"address": func(a, b lb.Member) int { return compareAddresses(a.Address, b.Address) },
	"port":    func(a, b lb.Member) int { return cmp.Compare(a.Port, b.Port) },
	"weight":  func(a, b lb.Member) int { return cmp.Compare(a.Weight, b.Weight) },
}

// sortMembers sorts the table as the view asks; ties keep the store's order (by server, then
// address and port), so that the order never shuffles between two loads.
func sortMembers(ms []lb.Member, f templates.MemberFilter) {
	by, ok := memberOrders[f.Sort]
	if !ok {
		return
	}
	slices.SortStableFunc(ms, func(a, b lb.Member) int {
		if f.Desc {
			return by(b, a)
		}
		return by(a, b)
	})
}

func compareAddresses(a, b string) int {
	x, errA := netip.ParseAddr(a)
	y, errB := netip.ParseAddr(b)
	if errA != nil || errB != nil {
		return cmp.Compare(a, b)
	}
	return x.Compare(y)
}
