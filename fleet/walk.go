package fleet

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

var (
	documentType = reflect.TypeFor[Document]()
	durationType = reflect.TypeFor[Duration]()
	memberType   = reflect.TypeFor[Member]()
)

// objectKinds are the types whose list items are objects with an id of their own.
var objectKinds = map[reflect.Type]Kind{
	reflect.TypeFor[Region]():       KindRegion,
	reflect.TypeFor[VPC]():          KindVPC,
	reflect.TypeFor[Subnet]():       KindSubnet,
	reflect.TypeFor[Server]():       KindServer,
	reflect.TypeFor[LoadBalancer](): KindLoadBalancer,
	reflect.TypeFor[Group]():        KindGroup,
	memberType:                      KindMember,
}

// place is where the walker is: the object it is in and the field within that object.
type place struct {
	kind  Kind
	id    string
	path  string
	field string
}

func (p place) child(name string) place {
	if p.field != "" {
		name = p.field + "." + name
	}
	p.field = name
	return p
}

// item is the place of the i-th entry of the list at p: an object of its own (named by its id)
// or an entry of a field.
func (p place) item(n *yaml.Node, elem reflect.Type, i int) place {
	kind, isObject := objectKinds[elem]
	if !isObject {
		p.field = fmt.Sprintf("%s[%d]", p.field, i)
		return p
	}
	seg := fmt.Sprintf("#%d", i)
	id := ""
	if kind == KindMember {
		seg = fmt.Sprint(i)
		port, _ := strconv.Atoi(scalarField(n, "port"))
		id = Member{Server: scalarField(n, "server"), Address: scalarField(n, "address"), Port: port}.Label()
	} else if id = scalarField(n, "id"); id != "" && validID(id) {
		seg = id
	}
	path := p.field + "[" + seg + "]"
	if p.path != "" {
		path = p.path + "." + path
	}
	if id == "" {
		id = "#" + fmt.Sprint(i)
	}
	return place{kind: kind, id: id, path: path}
}

func scalarField(n *yaml.Node, key string) string {
	if n.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key && n.Content[i+1].Kind == yaml.ScalarNode {
			return n.Content[i+1].Value
		}
	}
	return ""
}

// walker decodes a node tree into the Go value it describes, checking every node against the
// value's type and collecting every problem with its place and line. It decodes by itself,
// rather than through the YAML library's decoder, because the library stops at the first
// unknown field, names Go types in its messages, and would cost a second pass.
type walker struct {
	problems Problems
}

func (w *walker) add(n *yaml.Node, at place, format string, args ...any) {
	w.problems = append(w.problems, Problem{Line: n.Line, Kind: at.kind, ID: at.id, Path: at.path, Field: at.field, Message: fmt.Sprintf(format, args...)})
}

// value decodes n into v, which must be settable.
func (w *walker) value(n *yaml.Node, v reflect.Value, at place) {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		w.add(n, at, "YAML anchors and aliases (& and *) are not supported: write the value out")
		return
	}
	if tag := n.ShortTag(); strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(tag, "!!") || tag == "!!binary" {
		w.add(n, at, "the tag %s is not supported", clip(n.Tag))
		return
	}
	if isNull(n) {
		return // null is the same as leaving the field out
	}
	t := v.Type()
	switch {
	case t.Kind() == reflect.Pointer:
		p := reflect.New(t.Elem())
		w.value(n, p.Elem(), at)
		v.Set(p)
	case t == durationType:
		d, err := parseDuration(n)
		if err != nil {
			w.add(n, at, "%s", err)
		}
		v.SetInt(int64(d))
	case t.Kind() == reflect.Struct:
		w.mapping(n, v, at)
	case t.Kind() == reflect.Slice:
		w.list(n, v, at)
	case t.Kind() == reflect.Int:
		w.integer(n, v, at)
	case t.Kind() == reflect.Bool:
		w.boolean(n, v, at)
	case t.Kind() == reflect.String:
		if n.Kind != yaml.ScalarNode {
			w.add(n, at, "expected a single value, found %s", describeNode(n))
			return
		}
		v.SetString(n.Value)
	}
}

// boolean reads true or false. YAML 1.1's other spellings (yes, on, …) are refused: yaml.v3
// reads them as strings, and a flag read from a word it guessed at would be a surprise.
func (w *walker) boolean(n *yaml.Node, v reflect.Value, at place) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		w.add(n, at, "%s is not true or false", describeNode(n))
		return
	}
	b, err := strconv.ParseBool(n.Value)
	if err != nil {
		w.add(n, at, "%s: write true or false", clip(n.Value))
		return
	}
	v.SetBool(b)
}

// integer reads a whole number written in decimal.
func (w *walker) integer(n *yaml.Node, v reflect.Value, at place) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		w.add(n, at, "%s is not a whole number", describeNode(n))
		return
	}
	i, err := strconv.ParseInt(n.Value, 10, 0)
	switch {
	case errors.Is(err, strconv.ErrRange):
		w.add(n, at, "%s is far out of range", clip(n.Value))
	case err != nil:
		w.add(n, at, "%s: write whole numbers in decimal", clip(n.Value))
	default:
		v.SetInt(i)
	}
}

func (w *walker) list(n *yaml.Node, v reflect.Value, at place) {
	if n.Kind != yaml.SequenceNode {
		w.add(n, at, "expected a list, found %s", describeNode(n))
		return
	}
	elem := v.Type().Elem()
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		w.value(item, s.Index(i), at.item(item, elem, i))
	}
	v.Set(s)
}

func (w *walker) mapping(n *yaml.Node, v reflect.Value, at place) {
	t := v.Type()
	if n.Kind != yaml.MappingNode {
		w.add(n, at, "expected a mapping of %s, found %s", strings.Join(fieldNames(t), ", "), describeNode(n))
		return
	}
	fields := fieldsOf(t)
	seen := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		name := key.Value
		switch {
		case key.Kind != yaml.ScalarNode:
			w.add(key, at, "a field name must be a plain word, found %s", describeNode(key))
			continue
		case name == "<<":
			w.add(key, at, "YAML merge keys (<<) are not supported: write the fields out")
			continue
		}
		if first, dup := seen[name]; dup {
			w.add(key, at.child(name), "given twice (first on line %d)", first)
			continue
		}
		seen[name] = key.Line
		index, known := fields[name]
		if !known {
			w.add(key, at.child(name), "unknown field %q%s: %s takes %s", clip(name), suggest(name, fieldNames(t)), thing(at), strings.Join(fieldNames(t), ", "))
			continue
		}
		w.value(val, v.Field(index), at.child(name))
	}
}

// thing names what holds the fields, for "… a member takes server, address, …".
func thing(at place) string {
	switch {
	case at.kind == KindFile && at.field == "":
		return "the file"
	case at.field == "":
		return "a " + at.kind.Human()
	}
	return at.field
}

var fieldCache sync.Map // reflect.Type → fieldInfo

type fieldInfo struct {
	index map[string]int
	names []string
}

func fieldsOf(t reflect.Type) map[string]int { return fieldInfoOf(t).index }
func fieldNames(t reflect.Type) []string     { return fieldInfoOf(t).names }

func fieldInfoOf(t reflect.Type) fieldInfo {
	if fi, ok := fieldCache.Load(t); ok {
		return fi.(fieldInfo)
	}
	fi := fieldInfo{index: map[string]int{}}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		fi.index[name] = i
		fi.names = append(fi.names, name)
	}
	fieldCache.Store(t, fi)
	return fi
}

// suggest offers the known name closest to a misspelt one.
func suggest(name string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(name), k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance counts the insertions, deletions, substitutions and swaps of neighbours that
// turn a into b (a misspelling is usually one of these).
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
