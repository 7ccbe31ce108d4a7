package fleet

// Validate returns every problem of the file doc, judged against the current state: each
// object's own fields, ids given twice, and every rule that relates objects (a subnet inside
// its VPC and clear of its siblings, a server's address inside its subnet and unique, a load
// balancer's VPC in its region, each member's rules). References resolve against the file
// together with the current state. A problem that the current state already has, and that the
// file does not touch, is not the file's fault and is not reported.
//
// Validate does not know about pruning: Plan refuses to delete what is still referred to.
func Validate(doc, current Document) []Problem {
	problems := checkFile(doc)
	found := buildWorld(&current, &doc, true).check()
	var before map[string]bool
	for _, f := range found {
		if !f.file {
			if before == nil {
				before = problemSet(buildWorld(&current, nil, true).check())
			}
			if before[f.String()] {
				continue
			}
		}
		problems = append(problems, f.Problem)
	}
	return append(problems, checkMoves(doc, current)...)
}

func problemSet(found []finding) map[string]bool {
	set := make(map[string]bool, len(found))
	for _, f := range found {
		set[f.String()] = true
	}
	return set
}

// checkMoves refuses what a file cannot change about an existing group: the load balancer it
// belongs to and its kind. Both would strand its members' ports and history.
func checkMoves(doc, current Document) Problems {
	type placed struct {
		lb   string
		kind string
	}
	now := map[string]placed{}
	for _, l := range current.LoadBalancers {
		for _, g := range l.Groups {
			now[g.ID] = placed{l.ID, string(g.Kind)}
		}
	}
	var problems Problems
	for _, l := range doc.LoadBalancers {
		for _, g := range l.Groups {
			cur, ok := now[g.ID]
			at := groupPath(l.ID, g.ID)
			switch {
			case !ok:
			case cur.lb != l.ID:
				problems = append(problems, Problem{Kind: KindGroup, ID: g.ID, Path: at.path, Field: "id",
					Message: "group " + g.ID + " belongs to load balancer " + cur.lb + ": a group cannot move to another load balancer; give the new one another id"})
			case g.Kind != "" && cur.kind != string(g.Kind):
				problems = append(problems, Problem{Kind: KindGroup, ID: g.ID, Path: at.path, Field: "kind",
					Message: "group " + g.ID + " is a " + cur.kind + " group: its kind cannot change; give the new one another id"})
			}
		}
	}
	return problems
}

// ValidateAndPlan is what an apply runs: the file validated whole against the current state,
// then planned. It returns the problems of either step as Problems, and a plan only when there
// are none.
func ValidateAndPlan(current, desired Document, prune bool) (Plan, error) {
	if problems := Validate(desired, current); len(problems) > 0 {
		return Plan{}, Problems(problems)
	}
	return MakePlan(current, desired, prune)
}
