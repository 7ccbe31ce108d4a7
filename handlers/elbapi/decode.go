package elbapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"lbconsole/lb"
)

// The decoders turn request bodies into the domain's batches. They check the body's shape:
// valid JSON, one object, known fields of the right types, required fields present, at most
// 200 members. The rules about values (port and weight ranges, IPv4 addresses in the pool's
// VPC, name length, duplicates) are lb's, applied by the store, so that each has one home and
// a refusal is audited.
//
// Unknown fields are refused, as Octavia refuses them: a misspelt "wieght" must not be dropped
// in silence. encoding/json still matches field names case-insensitively and keeps the last
// of duplicated keys.

// maxMemberIDLen bounds a member id named in a body; ids are UUIDs.
const maxMemberIDLen = 64

// Batch actions as the REST API names them.
const (
	actionAdd     = "add"
	actionDelete  = "delete"
	actionReplace = "replace"
)

// octaviaFields are Octavia's member settings that lbconsole has no notion of. Each is
// accepted with the one value lbconsole honours, the value GET shows, and refused otherwise,
// so that a client never believes it set something that was dropped.
type octaviaFields struct {
	AdminStateUp   *bool     `json:"admin_state_up"`
	Backup         *bool     `json:"backup"`
	MonitorAddress *string   `json:"monitor_address"`
	MonitorPort    *int      `json:"monitor_port"`
	Tags           *[]string `json:"tags"`
}

func (o octaviaFields) check(label string) error {
	switch {
	case o.AdminStateUp != nil && !*o.AdminStateUp:
		return bad("%s: admin_state_up false is not supported: set weight 0 to drain the member instead", label)
	case o.Backup != nil && *o.Backup:
		return bad("%s: backup members are not supported", label)
	case o.MonitorAddress != nil && *o.MonitorAddress != "":
		return bad("%s: monitor_address is not supported: members are not health-checked here", label)
	case o.MonitorPort != nil:
		return bad("%s: monitor_port is not supported: members are not health-checked here", label)
	case o.Tags != nil && len(*o.Tags) > 0:
		return bad("%s: tags are not supported", label)
	}
	return nil
}

// memberFields is a new member as a client describes it; nil means not given (or null).
type memberFields struct {
	Name         *string `json:"name"`
	Address      *string `json:"address"`
	ProtocolPort *int    `json:"protocol_port"`
	SubnetID     *string `json:"subnet_id"` // null or absent: the subnet holding the address
	Weight       *int    `json:"weight"`    // absent: 1
	ProjectID    *string `json:"project_id"`
	octaviaFields
}

// spec turns a new member into the domain's entry.
func (f memberFields) spec(label string) (lb.Spec, error) {
	if err := f.check(label); err != nil {
		return lb.Spec{}, err
	}
	if f.Address == nil || *f.Address == "" {
		return lb.Spec{}, bad("%s needs an address", label)
	}
	if f.ProtocolPort == nil {
		return lb.Spec{}, bad("%s needs a protocol_port", label)
	}
	s := lb.Spec{Address: *f.Address, Port: *f.ProtocolPort, Weight: f.Weight, Description: f.Name}
	if f.SubnetID != nil {
		s.SubnetID = *f.SubnetID
	}
	return s, nil
}

// decoded is a body turned into a batch, with the project ids it named: the handler checks
// those against the pool, which the decoder does not know.
type decoded struct {
	batch    lb.Batch
	projects []string
}

func (d *decoded) addProject(p *string) {
	if p != nil && *p != "" {
		d.projects = append(d.projects, *p)
	}
}

// newBatch returns a batch with the REST API's limits: 200 members, weight 1 by default,
// names up to 255 characters.
func newBatch(action lb.Action) lb.Batch {
	return lb.Batch{Action: action, Limit: lb.MaxRESTEntries, DefaultWeight: 1, DescriptionLimit: lb.MaxNameLen}
}

// batchEntry is one entry of a batch body: a member id for delete, a new member otherwise.
type batchEntry struct {
	ID *string `json:"id"`
	memberFields
}

// batchBody is the body of PUT …/pools/{pool_id}/members.
type batchBody struct {
	Members *[]*batchEntry `json:"members"`
	Action  *string        `json:"action"`
}

// decodeBatch reads a batch body. No action means replace, as in Octavia: the pool becomes
// exactly the list, matched on (address, protocol_port). Delete names members by id, and any
// other field of a delete entry is ignored, so that members read from GET can be sent back.
func decodeBatch(body []byte) (decoded, error) {
	var in batchBody
	if err := decodeStrict(body, &in); err != nil {
		return decoded{}, err
	}
	if in.Members == nil {
		return decoded{}, bad(`the body needs a "members" list (an empty one is allowed)`)
	}
	entries := *in.Members
	if err := lb.CheckBatchSize(len(entries), lb.MaxRESTEntries); err != nil {
		return decoded{}, err
	}
	action := actionReplace
	if in.Action != nil {
		action = *in.Action
	}
	var out decoded
	switch action {
	case actionAdd, actionReplace:
		out.batch = newBatch(lb.ActionAdd)
		if action == actionReplace {
			out.batch.Action = lb.ActionReplaceAll
		}
		for i, e := range entries {
			label := entryLabel(i)
			if e == nil {
				return decoded{}, bad("%s is null: give a member object", label)
			}
			if e.ID != nil {
				return decoded{}, bad("%s: id is not accepted with action %s: the server assigns member ids (a replace keeps the id of a member listed with the same address and protocol_port)", label, action)
			}
			s, err := e.spec(label)
			if err != nil {
				return decoded{}, err
			}
			out.batch.New = append(out.batch.New, s)
			out.addProject(e.ProjectID)
		}
	case actionDelete:
		out.batch = newBatch(lb.ActionRemove)
		out.batch.Strict = true
		for i, e := range entries {
			label := entryLabel(i)
			if e == nil || e.ID == nil || *e.ID == "" {
				return decoded{}, bad("%s needs the id of the member to delete", label)
			}
			if len(*e.ID) > maxMemberIDLen {
				return decoded{}, bad("%s: id is %d characters long: member ids have at most %d", label, len(*e.ID), maxMemberIDLen)
			}
			out.batch.Old = append(out.batch.Old, lb.Spec{MemberID: *e.ID})
		}
	default:
		return decoded{}, bad("action must be add, delete or replace (or absent, meaning replace), not %q", action)
	}
	return out, nil
}

func entryLabel(i int) string { return "members[" + strconv.Itoa(i) + "]" }

// createBody is the body of POST …/pools/{pool_id}/members.
type createBody struct {
	Member *memberFields `json:"member"`
}

// decodeCreate reads a new member: a batch that adds one.
func decodeCreate(body []byte) (decoded, error) {
	var in createBody
	if err := decodeStrict(body, &in); err != nil {
		return decoded{}, err
	}
	if in.Member == nil {
		return decoded{}, bad(`the body needs a "member" object`)
	}
	s, err := in.Member.spec("member")
	if err != nil {
		return decoded{}, err
	}
	out := decoded{batch: newBatch(lb.ActionAdd)}
	out.batch.New = []lb.Spec{s}
	out.addProject(in.Member.ProjectID)
	return out, nil
}

// updateFields is what PUT …/members/{member_id} may change: the name and the weight. Address,
// port and subnet make a member what it is; to change them, delete it and create another.
type updateFields struct {
	Name   *string `json:"name"`
	Weight *int    `json:"weight"`
	octaviaFields
}

type updateBody struct {
	Member *updateFields `json:"member"`
}

// decodeUpdate reads a member update into a set-weights batch on memberID. It reports false
// when the body changes nothing (only Octavia settings at the values lbconsole honours).
func decodeUpdate(body []byte, memberID string) (lb.Batch, bool, error) {
	var in updateBody
	if err := decodeStrict(body, &in); err != nil {
		return lb.Batch{}, false, err
	}
	if in.Member == nil {
		return lb.Batch{}, false, bad(`the body needs a "member" object`)
	}
	if err := in.Member.check("member"); err != nil {
		return lb.Batch{}, false, err
	}
	b := newBatch(lb.ActionSetWeights)
	b.New = []lb.Spec{{MemberID: memberID, Weight: in.Member.Weight, Description: in.Member.Name}}
	return b, in.Member.Weight != nil || in.Member.Name != nil, nil
}

// decodeStrict decodes exactly one JSON value into v, refusing unknown fields.
func decodeStrict(body []byte, v any) error {
	if !utf8.Valid(body) {
		return bad("the body is not valid UTF-8")
	}
	if err := checkDuplicateKeys(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return bad("the body holds more than one JSON value")
	}
	return nil
}

// checkDuplicateKeys refuses an object that names a key twice: encoding/json would keep the
// last one silently, and a caller who sent two actions should hear about it.
func checkDuplicateKeys(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		object  bool
		keys    map[string]bool
		wantKey bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return nil // decodeStrict reports syntax errors in its own words
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.wantKey {
			if key, ok := tok.(string); ok {
				if top.keys[key] {
					return bad("the key %q is given more than once", key)
				}
				top.keys[key] = true
				top.wantKey = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, keys: map[string]bool{}, wantKey: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		// a value just ended: an enclosing object expects a key next
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].wantKey = true
		}
	}
}

// jsonError says in the API's words what encoding/json found wrong.
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return bad("the body is empty: send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return bad("the body ends in the middle of its JSON")
	case errors.As(err, &syntax):
		return bad("the body is not valid JSON: %s (at byte %d)", strings.TrimPrefix(syntax.Error(), "json: "), syntax.Offset)
	case errors.As(err, &typ) && typ.Field == "":
		return bad("the body must be a JSON object, not %s", typ.Value)
	case errors.As(err, &typ):
		return bad("%s must be %s, not %s", fieldPath(typ.Field), typeName(typ.Type), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return bad("%s: fields this API does not know are refused rather than ignored", strings.TrimPrefix(err.Error(), "json: "))
	}
	return bad("the body could not be read as JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// fieldPath is encoding/json's path to a field without the embedded structs' Go names.
func fieldPath(path string) string {
	parts := strings.Split(path, ".")
	parts = slices.DeleteFunc(parts, func(p string) bool { return p == "memberFields" || p == "octaviaFields" })
	return strings.Join(parts, ".")
}

// typeName names a Go type in JSON's words.
func typeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	case reflect.Struct:
		return "an object"
	}
	return t.Kind().String()
}

// bad is a 400 refusal.
func bad(format string, args ...any) error {
	return errorf(http.StatusBadRequest, format, args...)
}
