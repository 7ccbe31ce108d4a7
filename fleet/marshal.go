package fleet

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Formats Marshal writes.
const (
	FormatYAML = "yaml"
	FormatJSON = "json"
)

// Marshal writes the document, sorted (see Sorted), as YAML or JSON in the schema Parse reads:
// Parse(Marshal(doc)) gives Sorted(doc) back. In YAML, each region, VPC, subnet, server,
// member and health check takes one line.
func Marshal(doc Document, format string) ([]byte, error) {
	doc = Sorted(doc)
	var buf bytes.Buffer
	switch format {
	case FormatYAML, "":
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(doc); err != nil {
			return nil, fmt.Errorf("fleet: unable to write YAML: %w", err)
		}
		if err := enc.Close(); err != nil {
			return nil, fmt.Errorf("fleet: unable to write YAML: %w", err)
		}
	case FormatJSON:
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(doc); err != nil {
			return nil, fmt.Errorf("fleet: unable to write JSON: %w", err)
		}
	default:
		return nil, fmt.Errorf("fleet: unknown format %q: yaml or json", format)
	}
	return buf.Bytes(), nil
}

// Sorted returns a copy of doc with every list in order: objects by id, members by server,
// address and port. doc itself is not changed.
func Sorted(doc Document) Document {
	doc.Regions = sortedBy(doc.Regions, func(r Region) string { return r.ID })
	doc.VPCs = sortedBy(doc.VPCs, func(v VPC) string { return v.ID })
	doc.Subnets = sortedBy(doc.Subnets, func(s Subnet) string { return s.ID })
	doc.Servers = sortedBy(doc.Servers, func(s Server) string { return s.ID })
	doc.LoadBalancers = sortedBy(doc.LoadBalancers, func(l LoadBalancer) string { return l.ID })
	for i := range doc.LoadBalancers {
		l := &doc.LoadBalancers[i]
		l.Groups = sortedBy(l.Groups, func(g Group) string { return g.ID })
		for j := range l.Groups {
			g := &l.Groups[j]
			if g.Members != nil {
				members := slices.Clone(*g.Members)
				slices.SortStableFunc(members, compareMembers)
				g.Members = &members
			}
		}
	}
	return doc
}

func sortedBy[T any](list []T, id func(T) string) []T {
	if list == nil {
		return nil
	}
	out := slices.Clone(list)
	slices.SortStableFunc(out, func(a, b T) int { return strings.Compare(id(a), id(b)) })
	return out
}

func compareMembers(a, b Member) int {
	return cmp.Or(strings.Compare(a.Server, b.Server), strings.Compare(a.Address, b.Address), cmp.Compare(a.Port, b.Port))
}

// flow writes v as a one-line YAML mapping.
func flow(v any) (*yaml.Node, error) {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return nil, err
	}
	n.Style = yaml.FlowStyle
	return &n, nil
}

type (
	plainRegion      Region
	plainVPC         VPC
	plainSubnet      Subnet
	plainServer      Server
	plainMember      Member
	plainHealthCheck HealthCheck
)

// MarshalYAML writes the region on one line.
func (r Region) MarshalYAML() (any, error) { return flow(plainRegion(r)) }

// MarshalYAML writes the VPC on one line.
func (v VPC) MarshalYAML() (any, error) { return flow(plainVPC(v)) }

// MarshalYAML writes the subnet on one line.
func (s Subnet) MarshalYAML() (any, error) { return flow(plainSubnet(s)) }

// MarshalYAML writes the server on one line.
func (s Server) MarshalYAML() (any, error) { return flow(plainServer(s)) }

// MarshalYAML writes the member on one line.
func (m Member) MarshalYAML() (any, error) { return flow(plainMember(m)) }

// MarshalYAML writes the health check on one line.
func (h HealthCheck) MarshalYAML() (any, error) { return flow(plainHealthCheck(h)) }
