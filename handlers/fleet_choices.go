package handlers

import (
	"lbconsole/fleet"
	"lbconsole/web/templates"
)

// Choices the selects offer.

func choices(values ...string) func(fleet.Document) []templates.Option {
	return func(fleet.Document) []templates.Option {
		out := make([]templates.Option, len(values))
		for i, v := range values {
			out[i] = templates.Option{Value: v, Label: v}
		}
		return out
	}
}

// pick is the first option of a select that must be chosen.
var pick = templates.Option{Value: "", Label: "— choose —"}

func regionChoices(nets fleet.Document) []templates.Option {
	out := []templates.Option{pick}
	for _, r := range nets.Regions {
		out = append(out, templates.Option{Value: r.ID, Label: r.ID + " (" + r.Name + ")"})
	}
	return out
}

func vpcChoices(nets fleet.Document) []templates.Option {
	out := []templates.Option{pick}
	for _, v := range nets.VPCs {
		out = append(out, templates.Option{Value: v.ID, Label: v.ID + " (" + v.CIDR + ", " + v.Region + ")"})
	}
	return out
}

func subnetChoices(nets fleet.Document) []templates.Option {
	out := []templates.Option{pick}
	for _, s := range nets.Subnets {
		out = append(out, templates.Option{Value: s.ID, Label: s.ID + " (" + s.CIDR + ", " + s.VPC + ")"})
	}
	return out
}
