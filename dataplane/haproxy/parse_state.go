package haproxy

import (
	"fmt"
	"strconv"
	"strings"
)

// StateRow is one server line of `show servers state`.
type StateRow struct {
	Backend string
	Name    string
	Address string
	Port    int
	Op      OpState
	Admin   AdminFlags
	Weight  int
	Check   CheckFlags
	Result  CheckResult
	Health  int    // srv_check_health
	FQDN    string // srv_fqdn, "" for HAProxy's "-"
}

// stateColumns are the columns ParseServersState needs; HAProxy may add others after them.
var stateColumns = []string{
	"be_name", "srv_name", "srv_addr", "srv_op_state", "srv_admin_state",
	"srv_uweight", "srv_check_result", "srv_check_state", "srv_port", "srv_check_health", "srv_fqdn",
}

// ParseServersState reads the answer to `show servers state [backend]`: a format version line
// ("1", the only version HAProxy 2.6 writes), a "# "-prefixed header naming the columns, then one
// space-separated line per server. Columns are found by name, so added columns do no harm;
// a missing column, another version, or a line that does not fit the header is an error,
// because acting on a state misread would be worse than not acting.
func ParseServersState(text string) ([]StateRow, error) {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) < 2 {
		return nil, fmt.Errorf("show servers state: want a version line and a header, got %q", clip(text))
	}
	if v := strings.TrimSpace(lines[0]); v != "1" {
		return nil, fmt.Errorf("show servers state: format version %q, want 1", clip(v))
	}
	h, err := header(lines[1])
	if err != nil {
		return nil, fmt.Errorf("show servers state: %w", err)
	}
	col, err := newColumns(strings.Fields(h), stateColumns)
	if err != nil {
		return nil, fmt.Errorf("show servers state: %w", err)
	}
	var rows []StateRow
	for i, line := range lines[2:] {
		if strings.TrimSpace(line) == "" {
			continue
		}
		row, err := parseStateLine(strings.Fields(line), col)
		if err != nil {
			return nil, fmt.Errorf("show servers state: line %d: %w", i+3, err)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func parseStateLine(f []string, col columns) (StateRow, error) {
	if len(f) != col.count {
		return StateRow{}, fmt.Errorf("%d fields, the header names %d", len(f), col.count)
	}
	var r StateRow
	var err error
	num := func(name string) int {
		if err != nil {
			return 0
		}
		var n int
		n, err = atoi(name, f[col.at[name]])
		return n
	}
	r.Backend, r.Name, r.Address = f[col.at["be_name"]], f[col.at["srv_name"]], f[col.at["srv_addr"]]
	r.Port = num("srv_port")
	r.Op = OpState(num("srv_op_state"))
	r.Admin = AdminFlags(num("srv_admin_state"))
	r.Weight = num("srv_uweight")
	r.Check = CheckFlags(num("srv_check_state"))
	r.Result = CheckResult(num("srv_check_result"))
	r.Health = num("srv_check_health")
	if fqdn := f[col.at["srv_fqdn"]]; fqdn != "-" {
		r.FQDN = fqdn
	}
	return r, err
}

// columns maps the column names a parser needs to their positions in a header.
type columns struct {
	at    map[string]int
	count int // how many columns the header names: every row must have as many
}

// newColumns finds the wanted names among a header's names.
func newColumns(names, want []string) (columns, error) {
	all := make(map[string]int, len(names))
	for i, n := range names {
		if _, dup := all[n]; !dup {
			all[n] = i
		}
	}
	c := columns{at: make(map[string]int, len(want)), count: len(names)}
	for _, w := range want {
		i, ok := all[w]
		if !ok {
			return columns{}, fmt.Errorf("header lacks column %q", w)
		}
		c.at[w] = i
	}
	return c, nil
}

// header strips the "# " that starts HAProxy's header lines.
func header(line string) (string, error) {
	if !strings.HasPrefix(line, "# ") {
		return "", fmt.Errorf("header %q does not start with \"# \"", clip(line))
	}
	return strings.TrimPrefix(line, "# "), nil
}

func atoi(name, s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s %q is not a whole number", name, clip(s))
	}
	return n, nil
}

// clip shortens text quoted in an error, so a garbage answer cannot flood a log.
func clip(s string) string {
	const max = 200
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
