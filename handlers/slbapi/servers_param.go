package slbapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"lbconsole/lb"
)

// maxServersParamLen bounds a server list parameter: 20 entries with 80-character
// descriptions fit many times over.
const maxServersParamLen = 64 << 10

// parseBackendServers reads a server list parameter (BackendServers, OldBackendServers,
// NewBackendServers) as leniently as the cloud's docs write them: a JSON array in a string
// whose entries are objects or bare ServerId strings; Port and Weight as numbers or numeric
// strings; single-quoted pseudo-JSON; spaces around ids. Entries of a VServer group must name a
// Port, entries of the default server list must not.
//
// Whatever it accepts holds at most lb.MaxSLBEntries entries, each with a trimmed, non-empty
// ServerId, a Port lb.CheckPort accepts (VServer) or 0 (default), a Weight that is nil or one
// lb.CheckWeight accepts, and no (ServerId, Port) twice. Every refusal is an *lb.Error whose Field is name.
func parseBackendServers(name, raw string, kind lb.GroupKind) ([]lb.Spec, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, lb.Errorf(lb.KindInvalid, name, "%s is empty: give a JSON array of servers", name)
	}
	if len(s) > maxServersParamLen {
		return nil, lb.Errorf(lb.KindInvalid, name, "%s is %d bytes long: at most %d are allowed", name, len(s), maxServersParamLen)
	}
	items, err := decodeList(s)
	if err != nil {
		return nil, lb.Errorf(lb.KindInvalid, name, "%s is not a JSON array of servers: %v", name, err)
	}
	if len(items) > lb.MaxSLBEntries {
		return nil, lb.Errorf(lb.KindTooMany, name, "%s lists %d servers: at most %d are allowed in one call", name, len(items), lb.MaxSLBEntries)
	}
	specs := make([]lb.Spec, 0, len(items))
	seen := make(map[string]bool, len(items))
	for i, item := range items {
		spec, err := parseEntry(item, kind)
		if err != nil {
			return nil, lb.Errorf(lb.KindInvalid, name, "%s: entry %d: %v", name, i+1, err)
		}
		if seen[spec.Label()] {
			return nil, lb.Errorf(lb.KindInvalid, name, "%s: %s is listed twice", name, spec.Label())
		}
		seen[spec.Label()] = true
		specs = append(specs, spec)
	}
	return specs, nil
}

// decodeList reads a JSON array, or failing that the same written with single quotes.
func decodeList(s string) ([]json.RawMessage, error) {
	var items []json.RawMessage
	err := json.Unmarshal([]byte(s), &items)
	if err != nil && strings.Contains(s, "'") {
		if converted, ok := singleToDoubleQuotes(s); ok && json.Unmarshal([]byte(converted), &items) == nil {
			err = nil
		}
	}
	if err != nil {
		return nil, err
	}
	if items == nil { // the literal null
		return nil, fmt.Errorf("null is not an array")
	}
	return items, nil
}

// singleToDoubleQuotes rewrites 'single-quoted' strings as "double-quoted" ones, escaping the
// double quotes inside them and unescaping \'. It reports false for an unterminated string.
func singleToDoubleQuotes(s string) (string, bool) {
	var b strings.Builder
	var quote byte // the quote of the string being copied, or 0 outside strings
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote == 0 && (ch == '"' || ch == '\''):
			quote = ch
			b.WriteByte('"')
		case quote == 0:
			b.WriteByte(ch)
		case ch == '\\':
			if i+1 == len(s) {
				return "", false
			}
			i++
			if quote == '\'' && s[i] == '\'' {
				b.WriteByte('\'')
			} else {
				b.WriteByte('\\')
				b.WriteByte(s[i])
			}
		case ch == quote:
			quote = 0
			b.WriteByte('"')
		case ch == '"': // inside a single-quoted string
			b.WriteString(`\"`)
		default:
			b.WriteByte(ch)
		}
	}
	return b.String(), quote == 0
}

// entryKeys are the keys an entry may hold, matched case-insensitively. ServerIp is accepted
// and ignored: the inventory knows each server's address.
var entryKeys = map[string]string{
	"serverid": "ServerId", "port": "Port", "weight": "Weight", "type": "Type",
	"description": "Description", "serverip": "ServerIp",
}

func parseEntry(raw json.RawMessage, kind lb.GroupKind) (lb.Spec, error) {
	var spec lb.Spec
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return spec, fmt.Errorf("the entry is empty")
	}
	switch raw[0] {
	case '"':
		var id string
		if err := json.Unmarshal(raw, &id); err != nil {
			return spec, err
		}
		spec.ServerID = id
	case '{':
		if err := parseObject(raw, &spec); err != nil {
			return spec, err
		}
	default:
		return spec, fmt.Errorf("%s is neither a ServerId nor an object with a ServerId", lb.Clip(string(raw)))
	}
	return spec, checkEntry(&spec, kind)
}

func parseObject(raw json.RawMessage, spec *lb.Spec) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		canon, ok := entryKeys[strings.ToLower(key)]
		if !ok {
			return fmt.Errorf("unknown key %q: an entry holds ServerId, Port, Weight, Type and Description", lb.Clip(key))
		}
		if seen[canon] {
			return fmt.Errorf("%s is given twice", canon)
		}
		seen[canon] = true
		if err := setField(spec, canon, v); err != nil {
			return fmt.Errorf("%s %w", canon, err)
		}
	}
	return nil
}

func setField(spec *lb.Spec, key string, v json.RawMessage) error {
	if string(v) == "null" {
		return nil // as if not given
	}
	switch key {
	case "Port", "Weight":
		n, err := wholeNumber(v)
		if err != nil {
			return err
		}
		if key == "Port" {
			spec.Port = n
		} else {
			spec.Weight = &n
		}
		return nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return fmt.Errorf("must be a string, not %s", lb.Clip(string(v)))
	}
	switch key {
	case "ServerId":
		spec.ServerID = s
	case "Type":
		spec.Type = lb.ServerType(strings.ToLower(strings.TrimSpace(s)))
	case "Description":
		spec.Description = &s
	}
	return nil
}

// wholeNumber reads a JSON number or a string holding one; it must be a whole number.
func wholeNumber(v json.RawMessage) (int, error) {
	text := string(v)
	if v[0] == '"' {
		if err := json.Unmarshal(v, &text); err != nil {
			return 0, err
		}
		text = strings.TrimSpace(text)
	}
	n, err := strconv.Atoi(text)
	if err != nil {
		return 0, fmt.Errorf("must be a whole number, not %s", lb.Clip(string(v)))
	}
	return n, nil
}

// checkEntry trims the ServerId and checks what can be checked without the group.
func checkEntry(spec *lb.Spec, kind lb.GroupKind) error {
	spec.ServerID = strings.TrimSpace(spec.ServerID)
	id := spec.ServerID
	switch {
	case id == "":
		return fmt.Errorf("no ServerId is given")
	case len(id) > lb.MaxServerIDLen:
		return fmt.Errorf("ServerId %s is longer than %d characters", lb.Clip(id), lb.MaxServerIDLen)
	case !utf8.ValidString(id) || strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return fmt.Errorf("ServerId %q holds spaces or control characters", id)
	case kind == lb.KindVServer && spec.Port == 0:
		return fmt.Errorf("%s has no Port: a VServer group's servers are named by ServerId and Port", id)
	case kind == lb.KindDefault && spec.Port != 0:
		return fmt.Errorf("%s has a Port: the default server list takes none (use the VServer group actions)", id)
	case spec.Type != "" && !spec.Type.Valid():
		return fmt.Errorf("%s: Type %q is not one of ecs, eni, eci", id, lb.Clip(string(spec.Type)))
	}
	// The ranges are lb's; the message names the key as the caller wrote it.
	if kind == lb.KindVServer {
		if err := lb.CheckPort(spec.Port); err != nil {
			return fmt.Errorf("%s: Port: %w", id, err)
		}
	}
	if spec.Weight != nil {
		if err := lb.CheckWeight(*spec.Weight); err != nil {
			return fmt.Errorf("%s: Weight: %w", id, err)
		}
	}
	return nil
}
