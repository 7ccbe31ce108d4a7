package haproxy

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// StatType is a `show stat` row's type column.
type StatType int

// HAProxy's stat row types.
const (
	StatFrontend StatType = 0
	StatBackend  StatType = 1
	StatServer   StatType = 2
	StatListener StatType = 3
)

// StatRow is one row of `show stat`, reduced to what the data plane reads.
type StatRow struct {
	Proxy       string // pxname: the frontend or backend
	Name        string // svname: the server, or FRONTEND / BACKEND
	Type        StatType
	Status      string
	CheckStatus string // without the "* " HAProxy puts in front while a check runs
	CheckCode   int
	CheckDesc   string
	LastCheck   string
	Addr        string // "ip:port" of a server
	Sessions    int    // scur
	SessionRate int    // rate
	Weight      int    // uweight
	Rise, Fall  int
	Backup      bool   // bck: 1 for a backup server
	Mode        string // "http" or "tcp", on server and backend rows
	Algorithm   string // algo, on backend rows: "roundrobin", "static-rr", "source", …
}

var statColumns = []string{
	"pxname", "svname", "type", "status", "check_status", "check_code", "check_desc",
	"last_chk", "addr", "scur", "rate", "uweight", "check_rise", "check_fall", "bck", "mode", "algo",
}

// ParseStat reads the CSV answer to `show stat` (HAProxy quotes a field holding a comma or a
// quote, so it is read as CSV, not split on commas). Columns are found by name in the "# "
// header. Empty numeric fields (HAProxy leaves those that do not apply empty) read as 0; any
// other non-number is an error.
func ParseStat(text string) ([]StatRow, error) {
	first, rest, _ := strings.Cut(text, "\n")
	h, err := header(first)
	if err != nil {
		return nil, fmt.Errorf("show stat: %w", err)
	}
	names, err := csvRecord(h)
	if err != nil {
		return nil, fmt.Errorf("show stat: header: %w", err)
	}
	col, err := newColumns(names, statColumns)
	if err != nil {
		return nil, fmt.Errorf("show stat: %w", err)
	}
	r := csv.NewReader(strings.NewReader(rest))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	var rows []StatRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("show stat: %w", err)
		}
		line, _ := r.FieldPos(0)
		row, err := statRow(rec, col)
		if err != nil {
			return nil, fmt.Errorf("show stat: line %d: %w", line+1, err)
		}
		rows = append(rows, row)
	}
}

func csvRecord(s string) ([]string, error) {
	rec, err := csv.NewReader(strings.NewReader(s)).Read()
	if err != nil {
		return nil, err
	}
	return rec, nil
}

func statRow(f []string, col columns) (StatRow, error) {
	if len(f) != col.count {
		return StatRow{}, fmt.Errorf("%d fields, the header names %d", len(f), col.count)
	}
	get := func(name string) string { return f[col.at[name]] }
	var err error
	num := func(name string) int {
		s := get(name)
		if err != nil || s == "" {
			return 0
		}
		var n int
		n, err = atoi(name, s)
		return n
	}
	row := StatRow{
		Proxy:       get("pxname"),
		Name:        get("svname"),
		Type:        StatType(num("type")),
		Status:      get("status"),
		CheckStatus: strings.TrimPrefix(get("check_status"), "* "),
		CheckCode:   num("check_code"),
		CheckDesc:   get("check_desc"),
		LastCheck:   get("last_chk"),
		Addr:        get("addr"),
		Sessions:    num("scur"),
		SessionRate: num("rate"),
		Weight:      num("uweight"),
		Rise:        num("check_rise"),
		Fall:        num("check_fall"),
		Backup:      num("bck") == 1,
		Mode:        get("mode"),
		Algorithm:   get("algo"),
	}
	return row, err
}
