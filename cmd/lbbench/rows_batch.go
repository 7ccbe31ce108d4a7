package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"lbconsole/lb"
)

// batchRows time a console batch and a REST batch of 20 and 200 weight changes on the big
// group, each beside the raw SQL transaction that makes the same row changes, bumps the
// group's version and inserts one audit row.
func (b *bench) batchRows() []rowSpec {
	var out []rowSpec
	for _, n := range []int{20, 200} {
		out = append(out,
			rowSpec{fmt.Sprintf("console batch, %d weight changes", n), func() (row, error) { return b.consoleBatch(n) }},
			rowSpec{fmt.Sprintf("REST batch, %d weight changes", n), func() (row, error) { return b.restBatch(n) }})
	}
	return out
}

func (b *bench) members(n int) ([]lb.Member, error) {
	ms, err := b.f.store.ListMembers(b.ctx, b.f.big.ID)
	if err != nil {
		return nil, err
	}
	if len(ms) < n {
		return nil, fmt.Errorf("the big group has %d members; want %d", len(ms), n)
	}
	return ms[:n], nil
}

func (b *bench) consoleBatch(n int) (row, error) {
	ms, err := b.members(n)
	if err != nil {
		return row{}, err
	}
	g, err := b.f.store.GetGroup(b.ctx, b.f.lb.ID, b.f.big.ID)
	if err != nil {
		return row{}, err
	}
	version, k := g.Version, 0
	path := fmt.Sprintf("/lbs/%s/groups/%s/batch", b.f.lb.ID, b.f.big.ID)
	app, err := measure(b.c.n, 1, func() (int, error) {
		k++
		form := url.Values{"op": {"weights"}, "weight": {strconv.Itoa(1 + k%2)}, "version": {strconv.FormatInt(version, 10)}}
		for _, m := range ms {
			form.Add("member", m.ID)
		}
		a, err := b.user.post(path, form, http.StatusOK, "HX-Request", "true")
		version++
		return len(a.body), err
	})
	if err != nil {
		return row{}, err
	}
	floor, err := b.sqlFloor(ms)
	goal := "≤ 5×"
	if n > 20 {
		goal = "≤ 3×"
	}
	return row{name: fmt.Sprintf("console batch, %d weight changes", n), app: app, floorName: "raw SQL transaction", floor: floor, goal: goal}, err
}

// restMember is a member as the pool API's batch takes it.
type restMember struct {
	Address string `json:"address"`
	Port    int    `json:"protocol_port"`
	Weight  int    `json:"weight"`
}

func (b *bench) restBatch(n int) (row, error) {
	ms, err := b.members(n)
	if err != nil {
		return row{}, err
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	url := fmt.Sprintf("%s/v2.0/lbaas/pools/%s/members?additive_only=true", b.appURL, b.f.big.ID)
	k := 0
	app, err := measure(b.c.n, 1, func() (int, error) {
		k++
		list := make([]restMember, len(ms))
		for i, m := range ms {
			list[i] = restMember{Address: m.Address, Port: m.Port, Weight: 3 + k%2}
		}
		body, _ := json.Marshal(map[string]any{"members": list})
		req, _ := http.NewRequest(http.MethodPut, url, bytes.NewReader(body))
		req.Header.Set("X-Auth-Token", b.f.cred.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return 0, err
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			return 0, fmt.Errorf("PUT members: %d %.300s", resp.StatusCode, data)
		}
		return len(data), nil
	})
	if err != nil {
		return row{}, err
	}
	floor, err := b.sqlFloor(ms)
	return row{name: fmt.Sprintf("REST batch, %d weight changes", n), app: app, floorName: "raw SQL transaction", floor: floor, goal: "≤ 3×"}, err
}

// sqlFloor times what a batch must do at the least, in one raw SQL transaction on the same
// file: read the end of the audit chain, update the members' rows, bump the group's version
// and insert an audit row holding the members before and after. The audit row goes to a
// table of its own, shaped like audit_log, so that the real chain stays intact.
func (b *bench) sqlFloor(ms []lb.Member) (timing, error) {
	ctx := context.Background()
	if _, err := b.f.raw.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS bench_audit (seq INTEGER PRIMARY KEY, time TEXT NOT NULL,
		actor TEXT NOT NULL, source TEXT NOT NULL, client_ip TEXT NOT NULL, request_id TEXT NOT NULL, action TEXT NOT NULL,
		region TEXT NOT NULL, load_balancer TEXT NOT NULL, group_id TEXT NOT NULL, outcome TEXT NOT NULL, message TEXT NOT NULL,
		servers_count INTEGER NOT NULL, servers TEXT NOT NULL, request TEXT NOT NULL, before TEXT NOT NULL, after TEXT NOT NULL,
		group_version INTEGER NOT NULL, reverts INTEGER NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)`); err != nil {
		return timing{}, err
	}
	before, _ := json.Marshal(ms)
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	k := 0
	return measure(b.c.n, 1, func() (int, error) {
		k++
		tx, err := b.f.raw.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		defer tx.Rollback()
		var seq int64
		var prev string
		if err := tx.QueryRowContext(ctx, "SELECT seq, hash FROM bench_audit ORDER BY seq DESC LIMIT 1").Scan(&seq, &prev); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
		now := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, "UPDATE members SET weight = ?, updated = ? WHERE id = ?", 5+k%2, now, id); err != nil {
				return 0, err
			}
		}
		var version int64
		if err := tx.QueryRowContext(ctx, "UPDATE groups SET version = version + 1 WHERE id = ? RETURNING version", b.f.big.ID).Scan(&version); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO bench_audit VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			seq+1, now, benchUser, "console", "127.0.0.1", "bench", "weights", b.f.region, b.f.lb.ID, b.f.big.ID, "ok",
			"", len(ids), strings.Join(ids, ","), "{}", string(before), string(before), version, 0, prev, fmt.Sprintf("%064x", seq+1)); err != nil {
			return 0, err
		}
		return 0, tx.Commit()
	})
}
