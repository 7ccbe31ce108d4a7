package elbapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"slices"
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
// in silence. So are keys that are not a field's exact name ("Action") and keys given twice,
// which encoding/json would otherwise resolve on its own (see checkKeys).
//
// Each decoder also returns the request as it will run, re-encoded from what it decoded, for
// the audit log: the effective action named, fields not given left out.

// maxMemberIDLen bounds a member id named in a body; ids are UUIDs.
const maxMemberIDLen = 64

// Batch actions as the REST API names them.
const (
	actionAdd     = "add"
	actionDelete  = "delete"
	actionReplace = "replace"
)

// octaviaFields are Octavia's member settings beyond address, port, weight and name.
// admin_state_up false puts the member in maintenance (it takes no traffic at all, and stays);
// backup true makes it a backup server (it takes requests only when no other member is up).
// The others lbconsole has no notion of: each is accepted with the one value lbconsole
// honours, the value GET shows, and refused otherwise, so that a client never believes it set
// something that was dropped.
type octaviaFields struct {
	AdminStateUp   *bool     `json:"admin_state_up,omitempty"`
	Backup         *bool     `json:"backup,omitempty"`
	MonitorAddress *string   `json:"monitor_address,omitempty"`
	MonitorPort    *int      `json:"monitor_port,omitempty"`
	Tags           *[]string `json:"tags,omitempty"`
}

func (o octaviaFields) check(label string) error {
	switch {
	case o.MonitorAddress != nil && *o.MonitorAddress != "":
		return bad("%s: monitor_address is not supported: members are not health-checked here", label)
	case o.MonitorPort != nil:
		return bad("%s: monitor_port is not supported: members are not health-checked here", label)
	case o.Tags != nil && len(*o.Tags) > 0:
		return bad("%s: tags are not supported", label)
	}
	return nil
}

// maintenance is what admin_state_up asks of the member's maintenance: nil when not given.
func (o octaviaFields) maintenance() *bool {
	if o.AdminStateUp == nil {
		return nil
	}
	down := !*o.AdminStateUp
	return &down
}

// memberFields is a new member as a client describes it; nil means not given (or null), and
// is left out when the audit log re-encodes the request.
type memberFields struct {
	Name         *string `json:"name,omitempty"`
	Address      *string `json:"address,omitempty"`
	ProtocolPort *int    `json:"protocol_port,omitempty"`
	SubnetID     *string `json:"subnet_id,omitempty"` // null or absent: the subnet holding the address
	Weight       *int    `json:"weight,omitempty"`    // absent: 1
	ProjectID    *string `json:"project_id,omitempty"`
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
	s := lb.Spec{Address: *f.Address, Port: *f.ProtocolPort, Weight: f.Weight, Description: f.Name, Maintenance: f.maintenance(), Backup: f.Backup}
	if f.SubnetID != nil {
		s.SubnetID = *f.SubnetID
	}
	return s, nil
}

// decoded is a body turned into a batch, with the project and pool ids it named (the handler
// checks those against the pool, which the decoder does not know) and the request as it will
// run, for the audit log.
type decoded struct {
	batch    lb.Batch
	projects []string
	pools    []string
	request  string
}

func (d *decoded) addProject(p *string) {
	if p != nil && *p != "" {
		d.projects = append(d.projects, *p)
	}
}

// newBatch returns a batch with the REST API's limits: 200 members, weight 1 by default,
// names up to 255 characters.
func newBatch(action lb.Action) lb.Batch {
	return lb.Batch{Action: action, Limit: lb.MaxRESTEntries, DefaultWeight: restDefaultWeight, DescriptionLimit: lb.MaxNameLen}
}

// decodeStrict decodes exactly one JSON value into v, refusing unknown fields, keys that are
// not a field's exact name and keys given twice (see checkKeys).
func decodeStrict(body []byte, v any) error {
	if !utf8.Valid(body) {
		return bad("the body is not valid UTF-8")
	}
	if err := checkKeys(body, reflect.TypeOf(v)); err != nil {
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

// encodeRequest re-encodes a decoded body for the audit log. Markup stays as it came (no
// \u003c): the log shows the request as text, escaped where it is shown.
func encodeRequest(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Every body is a plain struct of strings, numbers, booleans and slices.
		panic("elbapi: unable to re-encode a request: " + err.Error())
	}
	return strings.TrimSuffix(buf.String(), "\n")
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
	parts = slices.DeleteFunc(parts, func(p string) bool { return p == "memberFields" || p == "octaviaFields" || p == "readBack" })
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
