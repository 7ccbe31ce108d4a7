package fleet

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Locate gives each problem found in data without a line (the problems of Validate and Plan,
// which judge the parsed document) the line of the object and field it names, so that a
// person can go straight to it. A field the file leaves out is located at its object; a
// problem whose object the file does not hold (a referrer named by a prune refusal, say)
// keeps no line. data must be the file the document was parsed from; the problems are
// returned in their order.
func Locate(data []byte, problems Problems) Problems {
	root, err := parseTree(data)
	if err != nil || root.Kind != yaml.MappingNode {
		return problems
	}
	objects := indexObjects(root)
	out := make(Problems, len(problems))
	for i, p := range problems {
		if n, ok := objects[p.Path]; ok && p.Line == 0 {
			p.Line = fieldNode(n, p.Field).Line
		}
		out[i] = p
	}
	return out
}

// indexObjects maps each object's path, as problems name it, to its node; an id given twice
// is located at its first object.
func indexObjects(root *yaml.Node) map[string]*yaml.Node {
	objects := map[string]*yaml.Node{}
	add := func(path string, n *yaml.Node) {
		if _, dup := objects[path]; !dup {
			objects[path] = n
		}
	}
	for _, list := range []string{"regions", "vpcs", "subnets", "servers", "load_balancers"} {
		for i, item := range seqItems(mapValue(root, list)) {
			path := list + "[" + segment(item, i) + "]"
			add(path, item)
			if list != "load_balancers" {
				continue
			}
			for j, g := range seqItems(mapValue(item, "groups")) {
				gpath := path + ".groups[" + segment(g, j) + "]"
				add(gpath, g)
				for k, m := range seqItems(mapValue(g, "members")) {
					add(gpath+".members["+strconv.Itoa(k)+"]", m)
				}
			}
		}
	}
	return objects
}

// segment names the i-th object of a list in a path, as objectAt does.
func segment(n *yaml.Node, i int) string {
	if id := scalarField(n, "id"); validID(id) {
		return id
	}
	return "#" + strconv.Itoa(i)
}

// fieldNode follows a field such as health_check.interval or dataplane.haproxy.runtime_api[1]
// down from an object as far as the file goes, and returns the node to point at: the field's
// key, the entry of a list, or the object itself when the file leaves the field out.
func fieldNode(n *yaml.Node, field string) *yaml.Node {
	at := n
	if field == "" {
		return at
	}
	for _, part := range strings.Split(field, ".") {
		name, index, indexed := strings.Cut(part, "[")
		key, value := mapEntry(n, name)
		if key == nil {
			return at
		}
		at, n = key, value
		if !indexed {
			continue
		}
		items := seqItems(n)
		k, err := strconv.Atoi(strings.TrimSuffix(index, "]"))
		if err != nil || k < 0 || k >= len(items) {
			return at
		}
		at, n = items[k], items[k]
	}
	return at
}

// mapEntry returns the key and value nodes of a mapping's key, or nils.
func mapEntry(n *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	_, v := mapEntry(n, key)
	return v
}

func seqItems(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}
