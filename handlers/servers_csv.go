package handlers

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"lbconsole/db"
	"lbconsole/lb"
	"lbconsole/web/templates"
)

// importColumns are the columns an import file must have, in any order.
var importColumns = strings.Split(templates.ImportHeader, ",")

// readServerCSV reads an inventory import file into rows for the store to check. It never
// fails: what it cannot read becomes a row with a problem at its line, so that the store
// refuses the file and the audit log records the refusal like any other. It reads at most
// db.MaxImportRows+1 rows, enough for the store to say that there are too many.
func readServerCSV(r io.Reader) []db.ServerImport {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return []db.ServerImport{{Line: 1, Problem: "the file is empty: its first line must be " + templates.ImportHeader}}
	}
	if err != nil {
		return []db.ServerImport{{Line: 1, Problem: csvProblem(err)}}
	}
	col, problem := importHeader(header)
	if problem != "" {
		return []db.ServerImport{{Line: 1, Problem: problem}}
	}
	var rows []db.ServerImport
	for len(rows) <= db.MaxImportRows {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// Not FieldPos: after a failed read it may hold no field, and it panics then.
			line := 2
			if len(rows) > 0 {
				line = rows[len(rows)-1].Line + 1
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			// The reader cannot be trusted to find the next row after a broken one.
			return append(rows, db.ServerImport{Line: line, Problem: csvProblem(err)})
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(importColumns) {
			rows = append(rows, db.ServerImport{Line: line,
				Problem: fmt.Sprintf("the line has %d fields: want %d (%s)", len(rec), len(importColumns), templates.ImportHeader)})
			continue
		}
		field := func(name string) string { return strings.TrimSpace(rec[col[name]]) }
		rows = append(rows, db.ServerImport{Line: line, Server: lb.Server{
			ID: field("id"), Name: field("name"), Address: field("address"), SubnetID: field("subnet_id"),
			Type: lb.ServerType(field("type")), Status: lb.ServerStatus(field("status")),
		}})
	}
	return rows
}

// importHeader maps each column to its position, or says what is wrong with the header. Column
// names are matched without regard to case or surrounding spaces, and a spreadsheet's UTF-8
// byte order mark is ignored.
func importHeader(header []string) (map[string]int, string) {
	col := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		if !slices.Contains(importColumns, name) {
			return nil, fmt.Sprintf("the header has an unknown column %q: it must be %s", lb.Clip(h), templates.ImportHeader)
		}
		if _, dup := col[name]; dup {
			return nil, fmt.Sprintf("the header has the column %s twice: it must be %s", name, templates.ImportHeader)
		}
		col[name] = i
	}
	for _, name := range importColumns {
		if _, ok := col[name]; !ok {
			return nil, fmt.Sprintf("the header has no column %s: it must be %s", name, templates.ImportHeader)
		}
	}
	return col, ""
}

func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "the file is not valid CSV here: " + pe.Err.Error()
	}
	return "the file is not valid CSV: " + err.Error()
}
