// Package fleet reads, checks and plans the fleet file: the regions, VPCs, subnets, servers,
// load balancers and groups that an operations team describes in YAML (or JSON) and keeps in
// version control.
//
// The package is pure: it knows no SQL and no HTTP. The store exports the database as a
// Document (the current state), Parse reads the file (the desired state), Validate reports
// every problem at once, Plan works out what to create, update and delete, and the store applies
// the Plan in one transaction. Member lists are planned here only to preview them; at apply
// time each is a replace-all batch that lb.Plan plans again, with the same rules and audit as
// every other batch.
//
// References (a VPC's region, a server's subnet, a member's server, …) resolve against the file
// together with the current state: an object the file does not name, but the database holds,
// can be referred to. With prune, an object the file does not name is deleted, and Plan refuses
// to delete one that something staying still refers to, naming what does.
package fleet
