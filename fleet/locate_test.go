package fleet

import (
	"strings"
	"testing"
)

// Problems found in the parsed document point at the line of the object and field they name,
// in YAML and in JSON alike.
func TestLocate(t *testing.T) {
	yamlFile := `regions: [{id: eu-west-1, name: Europe West}]
vpcs: [{id: vpc-prod, region: eu-west-1, name: prod, cidr: 10.20.0.0/16}]
subnets: [{id: vsw-a, vpc: vpc-prod, name: a, cidr: 10.20.1.0/24}]
servers:
  - {id: i-web-1, name: web-1, address: 10.20.9.11, subnet: vsw-a}
load_balancers:
  - id: lb-web
    name: web
    region: eu-west-1
    vpc: vpc-prod
    address: 203.0.113.10
    address_type: internet
    dataplane:
      haproxy:
        runtime_api: [unix:/run/a.sock, tcp:127.0.0.1:99999]
    groups:
      - id: rsp-web
        name: web
        kind: vserver
        health_check:
          type: tcp
          interval: 2h
        members:
          - {server: i-web-1, port: 80}
          - {address: 10.20.1.12, port: 80, weight: 500}
`
	jsonFile := `{
  "regions": [{"id": "eu-west-1", "name": "Europe West"}],
  "load_balancers": [
    {
      "id": "lb-web", "name": "web", "region": "eu-west-1", "vpc": "vpc-none",
      "address": "203.0.113.10", "address_type": "internet"
    }
  ]
}`
	for _, tc := range []struct {
		name, file string
		want       map[string]int // where → line
	}{
		{"YAML", yamlFile, map[string]int{
			"servers[i-web-1].address":                                     5,
			"load_balancers[lb-web].dataplane.haproxy.runtime_api[1]":      15,
			"load_balancers[lb-web].groups[rsp-web].health_check.interval": 22,
			"load_balancers[lb-web].groups[rsp-web].members[1].weight":     25,
		}},
		{"JSON", jsonFile, map[string]int{"load_balancers[lb-web].vpc": 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Parse([]byte(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			ps := Locate([]byte(tc.file), Validate(doc, Document{}))
			got := map[string]int{}
			for _, p := range ps {
				got[p.Where()] = p.Line
			}
			for where, line := range tc.want {
				if got[where] != line {
					t.Errorf("%s: line %d, want %d (all: %v)", where, got[where], line, ps)
				}
			}
			for _, p := range ps {
				if p.Line == 0 || !strings.HasPrefix(p.String(), "line ") {
					t.Errorf("%s has no line", p)
				}
			}
		})
	}
}
