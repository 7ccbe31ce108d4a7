package handlers

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"

	"lbconsole/db"
	"lbconsole/lb"
)

// FuzzReadServerCSV: the import reader never fails and never panics, whatever the upload. It
// reads at most one row more than the store takes, numbers rows by their line in the file,
// only ever stops early at a row it could not read, and keeps cells as given but for the
// spaces around them: written back as CSV, the rows it read are read again the same.
func FuzzReadServerCSV(f *testing.F) {
	for _, seed := range []string{
		"id,name,address,subnet_id,type,status\ni-web1,web 1,10.0.1.5,vsw-a,ecs,Running\n",
		"\uFEFFStatus, Type ,SUBNET_ID,address,name,id\r\nRunning,ecs,vsw-a,10.0.1.5,\"web, \"\"one\"\"\",i-web1\r\n",
		"id,name,address,subnet_id,type,status\n\"i-1\",\"multi\nline\",10.0.0.1,vsw-a,ecs,Stopped\neni-2,x,10.0.0.2,vsw-a,eni,Running\n",
		"id,name,address,subnet_id,type,status\ni-1,short\n\ni-2,\"broken,10.0.0.2\n",
		"id,name,id,subnet_id,type,status\n", "id,name\n", "", "\n", "\"", "id,name,address,subnet_id,type,status",
		"id,name,address,subnet_id,type,status\n=cmd,@x,+1,-2,\t,\r\n",
		"id,name,address,subnet_id,type,status\n" + strings.Repeat("i-1,n,10.0.0.1,vsw-a,ecs,Running\n", 3),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows := readServerCSV(bytes.NewReader(data))
		if len(rows) > db.MaxImportRows+1 {
			t.Fatalf("read %d rows; at most %d", len(rows), db.MaxImportRows+1)
		}
		var good []lb.Server
		for i, r := range rows {
			if r.Line < 1 || i > 0 && r.Line <= rows[i-1].Line {
				t.Fatalf("row %d is at line %d, after line %d", i, r.Line, rows[max(i-1, 0)].Line)
			}
			if r.Problem != "" {
				if r.Server != (lb.Server{}) {
					t.Fatalf("row %d has a problem and a server: %+v", i, r)
				}
				continue
			}
			s := r.Server
			for _, cell := range []string{s.ID, s.Name, s.Address, s.SubnetID, string(s.Type), string(s.Status)} {
				if strings.TrimSpace(cell) != cell {
					t.Fatalf("row %d keeps the spaces around %q", i, cell)
				}
			}
			good = append(good, s)
		}
		if len(good) == 0 {
			return
		}
		again := readServerCSV(bytes.NewReader(writeServerCSV(t, good)))
		var reread []lb.Server
		for _, r := range again {
			reread = append(reread, r.Server)
		}
		if !reflect.DeepEqual(reread, good) {
			t.Fatalf("written back and read again:\n%+v\nwant\n%+v", reread, good)
		}
	})
}

// writeServerCSV writes servers as an import file, as a spreadsheet would save them.
func writeServerCSV(t *testing.T, servers []lb.Server) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(importColumns)
	for _, s := range servers {
		w.Write([]string{s.ID, s.Name, s.Address, s.SubnetID, string(s.Type), string(s.Status)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
