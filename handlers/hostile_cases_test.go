package handlers_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// hstCases is the table of hostile requests: console forms and query strings, the SLB API
// with valid signatures, and the REST pool API with a valid token.
func hstCases() []hstCase {
	var cs []hstCase
	cs = append(cs, hstConsoleBatchCases()...)
	cs = append(cs, hstConsoleFormCases()...)
	cs = append(cs, hstConsoleQueryCases()...)
	cs = append(cs, hstSLBCases()...)
	cs = append(cs, hstRESTCases()...)
	return cs
}

type sendFunc = func(t *testing.T, fx *hstFixture) *response

// batchCase posts the big group's batch form.
func batchCase(name, route, op string, members func(fx *hstFixture) []string, keys []string, payload string, pairs ...string) hstCase {
	return hstCase{name: name, keys: keys, payload: payload, send: func(t *testing.T, fx *hstFixture) *response {
		var ms []string
		if members != nil {
			ms = members(fx)
		}
		return fx.batch(t, route, op, ms, pairs...)
	}}
}

func one(fx *hstFixture) []string { return []string{fx.member(10)} }

func memberIDs(ids ...string) func(*hstFixture) []string {
	return func(*hstFixture) []string { return ids }
}

func hstConsoleBatchCases() []hstCase {
	k := func(s ...string) []string { return s }
	long := strings.Repeat("a", 10_000)
	return []hstCase{
		batchCase("console batch: unknown op", "batch", "explode", one, k("op"), ""),
		batchCase("console batch: op is an XSS payload", "batch", hstScript, one, k("op"), hstScript),
		batchCase("console batch: op is SQL", "batch", "remove"+hstSQL, one, k("op"), ""),
		batchCase("console batch: op missing", "batch", "", one, k("op"), ""),
		batchCase("console batch: op with invalid UTF-8", "batch", "drain"+hstBadU8, one, k("op"), ""),
		batchCase("console batch: version missing", "batch", "drain", one, k("version"), "", "version", ""),
		batchCase("console batch: version negative", "batch", "drain", one, k("version"), "", "version", "-5"),
		batchCase("console batch: version zero", "batch", "drain", one, k("version"), "", "version", "0"),
		batchCase("console batch: version is SQL", "batch", "drain", one, k("version"), "", "version", "1 OR 1=1"),
		batchCase("console batch: version overflows int64", "batch", "drain", one, k("version"), "", "version", "99999999999999999999"),
		batchCase("console batch: version from the future", "batch", "drain", one, k("version", "changed"), "", "version", "999999"),
		batchCase("console batch: member id with NUL", "batch", "drain", memberIDs("abc\x00def"), k("member"), ""),
		batchCase("console batch: member id is an XSS payload", "batch", "drain", memberIDs(hstImg), k("member"), hstImg),
		batchCase("console batch: member id 10k characters", "batch", "drain", memberIDs(long), k("member"), ""),
		batchCase("console batch: member id is SQL", "batch", "drain", memberIDs(hstSQL), k("member"), ""),
		batchCase("console batch: member id empty", "batch", "drain", memberIDs(""), k("member"), ""),
		batchCase("console batch: unknown member id drained", "batch", "drain", memberIDs("00000000-0000-4000-8000-000000000000"), k("member", "server", "not"), ""),
		batchCase("console batch: member id with RTL override", "batch", "drain", func(fx *hstFixture) []string { return []string{fx.member(10) + hstRTL} }, k("member", "server"), ""),
		batchCase("console batch: member id with zero-width space", "batch", "drain", func(fx *hstFixture) []string { return []string{hstZW + fx.member(10)} }, k("member", "server"), ""),
		batchCase("console batch: member id LIKE wildcard %", "batch", "drain", memberIDs("%"), k("member", "server"), ""),
		batchCase("console batch: no member selected", "batch", "remove", nil, k("select"), ""),
		batchCase("console batch: 201 members", "batch", "drain", func(fx *hstFixture) []string {
			var ids []string
			for _, m := range fx.bigMembers[:201] {
				ids = append(ids, m.ID)
			}
			return ids
		}, k("200"), ""),
		batchCase("console batch: weight 1e9", "batch", "weights", one, k("weight"), "", "weight", "1000000000"),
		batchCase("console batch: weight -1", "batch", "weights", one, k("weight"), "", "weight", "-1"),
		batchCase("console batch: weight in float syntax 1e2", "batch", "weights", one, k("weight"), "", "weight", "1e2"),
		batchCase("console batch: weight 50.5", "batch", "weights", one, k("weight"), "", "weight", "50.5"),
		batchCase("console batch: weight empty", "batch", "weights", one, k("weight"), "", "weight", ""),
		batchCase("console batch: weight is an XSS payload", "batch", "weights", one, k("weight"), hstImg, "weight", hstImg),
		batchCase("console batch: weight overflows int", "batch", "weights", one, k("weight"), "", "weight", "99999999999999999999999"),
		batchCase("console batch: weight given twice, 50 and 500", "batch", "weights", one, k("weight"), "", "weight", "50", "weight", "500"),
		batchCase("console batch: op given twice, drain and remove", "batch", "drain", one, k("op"), "", "op", "remove"),
		batchCase("console add: unknown picked server", "batch", "add", nil, k("server"), "",
			"new_server", "i-doesnotexist", "new_port", "", "new_weight", "10"),
		batchCase("console add: picked server is an XSS payload", "batch", "add", nil, k("server"), hstScript,
			"new_server", hstScript, "new_port", "", "new_weight", "10"),
		batchCase("console add: picked server with RTL override", "batch", "add", nil, k("server"), "",
			"new_server", "i-abc"+hstRTL+"def", "new_port", "", "new_weight", "10"),
		batchCase("console add: picked server 10k characters", "batch", "add", nil, k("server"), "",
			"new_server", long, "new_port", "", "new_weight", "10"),
		batchCase("console add: new_port 70000", "batch", "add", nil, k("port"), "",
			"new_server", "$BIGCAND", "new_port", "70000", "new_weight", "10"),
		batchCase("console add: new_port not a number", "batch", "add", nil, k("port"), "",
			"new_server", "$BIGCAND", "new_port", "eighty", "new_weight", "10"),
		batchCase("console add: new_weight 101", "batch", "add", nil, k("weight"), "",
			"new_server", "$BIGCAND", "new_port", "$BIGPORT", "new_weight", "101"),
		batchCase("console add: new_weight not a number", "batch", "add", nil, k("weight"), "",
			"new_server", "$BIGCAND", "new_port", "$BIGPORT", "new_weight", "heavy"),
		batchCase("console add: picked server given twice", "batch", "add", nil, k("twice", "already", "server"), "",
			"new_server", "$BIGCAND", "new_port", "$BIGPORT", "new_weight", "10", "new_server", "$BIGCAND", "new_port", "$BIGPORT", "new_weight", "10"),
		batchCase("console add: picked fields of unequal counts", "batch", "add", nil, k("port", "weight"), "",
			"new_server", "i-a", "new_server", "i-b", "new_port", "", "new_weight", "10"),
		batchCase("console add: nothing picked", "batch", "add", nil, k("pick"), ""),
		batchCase("console preview: weight 1e9", "preview", "weights", one, k("weight"), "", "weight", "1000000000"),
		batchCase("console preview: unknown op", "preview", "obliterate", one, k("op"), ""),
		batchCase("console preview: member id is an XSS payload", "preview", "remove", memberIDs(hstSVG), k("member"), hstSVG),
		{name: "console batch: body over 2 MiB", status: http.StatusRequestEntityTooLarge, keys: k("body", "large"),
			send: func(t *testing.T, fx *hstFixture) *response {
				body := "op=drain&member=" + strings.Repeat("a", 3<<20)
				return fx.cRaw(t, operatorName, http.MethodPost, groupPath(fx.bigLB, fx.big.ID)+"/batch", "application/x-www-form-urlencoded", []byte(body))
			}},
		{name: "console batch: malformed URL encoding", keys: k("form", "escape"),
			send: func(t *testing.T, fx *hstFixture) *response {
				body := "op=drain&member=%zz&version=" + fx.version(t, fx.bigLB, fx.big.ID)
				return fx.cRaw(t, operatorName, http.MethodPost, groupPath(fx.bigLB, fx.big.ID)+"/batch", "application/x-www-form-urlencoded", []byte(body))
			}},
		{name: "console batch: JSON body instead of a form", keys: k("op", "form"),
			send: func(t *testing.T, fx *hstFixture) *response {
				body := fmt.Sprintf(`{"op":"remove","member":[%q],"version":%s}`, fx.member(10), fx.version(t, fx.bigLB, fx.big.ID))
				return fx.cRaw(t, operatorName, http.MethodPost, groupPath(fx.bigLB, fx.big.ID)+"/batch", "application/json", []byte(body))
			}},
		{name: "console batch: unknown load balancer", status: http.StatusNotFound, keys: k("load balancer"),
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.cPost(t, operatorName, "/lbs/lb-doesnotexist/groups/default/batch", url.Values{"op": {"drain"}, "member": {fx.member(10)}, "version": {"1"}}, htmx)
			}},
		{name: "console batch: load balancer id is SQL", status: http.StatusNotFound, keys: k("load balancer"),
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.cPost(t, operatorName, "/lbs/"+url.PathEscape(hstSQL2)+"/groups/default/batch", url.Values{"op": {"drain"}, "member": {fx.member(10)}, "version": {"1"}}, htmx)
			}},
		{name: "console batch: group id is an XSS payload", status: http.StatusNotFound, keys: k("group"), payload: hstScript,
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.cPost(t, operatorName, "/lbs/"+fx.bigLB+"/groups/"+url.PathEscape(hstScript)+"/batch", url.Values{"op": {"drain"}, "member": {fx.member(10)}, "version": {"1"}})
			}},
		{name: "console batch: group of another load balancer", status: http.StatusNotFound, keys: k("group"),
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.cPost(t, operatorName, groupPath(fx.bigLB, fx.pool.ID)+"/batch", url.Values{"op": {"drain"}, "member": {fx.poolMembers[0].ID}, "version": {"1"}}, htmx)
			}},
		{name: "console batch: locked load balancer", keys: k("locked"),
			send: func(t *testing.T, fx *hstFixture) *response {
				ms := fx.e.members(fx.lockedPool.ID)
				return fx.cPost(t, operatorName, groupPath(fx.lockedPool.LoadBalancerID, fx.lockedPool.ID)+"/batch",
					url.Values{"op": {"drain"}, "member": {ms[0].ID}, "version": {fx.version(t, fx.lockedPool.LoadBalancerID, fx.lockedPool.ID)}}, htmx)
			}},
		// One member's weight, edited in its row.
		{name: "console inline weight: 1e9", keys: k("weight"),
			send: func(t *testing.T, fx *hstFixture) *response { return fx.inline(t, fx.member(11), "1000000000", "") }},
		{name: "console inline weight: not a number", keys: k("weight"),
			send: func(t *testing.T, fx *hstFixture) *response { return fx.inline(t, fx.member(11), "ten", "") }},
		{name: "console inline weight: XSS payload", keys: k("weight"), payload: hstImg,
			send: func(t *testing.T, fx *hstFixture) *response { return fx.inline(t, fx.member(11), hstImg, "") }},
		{name: "console inline weight: version missing", keys: k("version"),
			send: func(t *testing.T, fx *hstFixture) *response { return fx.inline(t, fx.member(11), "5", "-") }},
		{name: "console inline weight: unknown member", status: http.StatusNotFound, keys: k("server", "member"),
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.inline(t, "00000000-0000-4000-8000-000000000002", "5", "")
			}},
		{name: "console inline weight: member id is an XSS payload", status: http.StatusNotFound, keys: k("server", "member"), payload: hstScript,
			send: func(t *testing.T, fx *hstFixture) *response { return fx.inline(t, hstScript, "5", "") }},
	}
}

// inline posts one member's weight; version "" means the current one, "-" none.
func (fx *hstFixture) inline(t *testing.T, memberID, weight, version string) *response {
	f := url.Values{"weight": {weight}}
	switch version {
	case "":
		f.Set("version", fx.version(t, fx.bigLB, fx.big.ID))
	case "-":
	default:
		f.Set("version", version)
	}
	return fx.cPost(t, operatorName, groupPath(fx.bigLB, fx.big.ID)+"/members/"+url.PathEscape(memberID)+"/weight", f, htmx)
}

// userCase posts the create-user form as the admin.
func userCase(name, user, role, password, confirm string, keys []string, payload string) hstCase {
	return hstCase{name: name, keys: keys, payload: payload, send: func(t *testing.T, fx *hstFixture) *response {
		return fx.cPost(t, adminName, "/users", url.Values{"name": {user}, "role": {role}, "password": {password}, "confirm": {confirm}}, htmx)
	}}
}

// importCase uploads a CSV file with one server row after the header.
func importCase(name, row string, keys []string, payload string) hstCase {
	return hstCase{name: name, keys: keys, payload: payload, send: func(t *testing.T, fx *hstFixture) *response {
		network, broadcast := fx.subnetEdges(t)
		row := strings.NewReplacer("$SUBNET", fx.subnet(), "$ADDR", hstFreeAddress(t, fx), "$EXISTING", fx.cand.ID,
			"$NETWORK", network, "$BROADCAST", broadcast).Replace(row)
		return fx.upload(t, "servers.csv", []byte("id,name,address,subnet_id,type,status\n"+row+"\n"))
	}}
}

func hstConsoleFormCases() []hstCase {
	k := func(s ...string) []string { return s }
	pw := testPassword
	long := strings.Repeat("b", 10_000)
	return []hstCase{
		userCase("console users: name is an XSS payload", hstScript, "viewer", pw, pw, k("name"), hstScript),
		userCase("console users: name is SQL", hstSQL, "viewer", pw, pw, k("name"), ""),
		userCase("console users: name 10k characters", long, "viewer", pw, pw, k("name"), ""),
		userCase("console users: name with NUL", "bob\x00admin", "viewer", pw, pw, k("name"), ""),
		userCase("console users: name with RTL override", "bob"+hstRTL+"nimda", "viewer", pw, pw, k("name"), ""),
		userCase("console users: name with zero-width space", "ali"+hstZW+"ce", "viewer", pw, pw, k("name"), ""),
		userCase("console users: name with invalid UTF-8", "bob"+hstBadU8, "viewer", pw, pw, k("name"), ""),
		userCase("console users: name with LIKE wildcard %", "al%", "viewer", pw, pw, k("name"), ""),
		userCase("console users: name already taken", adminName, "viewer", pw, pw, k("name", "exists"), ""),
		userCase("console users: name empty", "", "viewer", pw, pw, k("name"), ""),
		userCase("console users: role superuser", "bob", "superuser", pw, pw, k("role"), ""),
		userCase("console users: role is an XSS payload", "bob", hstImg, pw, pw, k("role"), hstImg),
		userCase("console users: passwords differ", "bob", "viewer", pw, pw+"x", k("password"), ""),
		userCase("console users: password too short", "bob", "viewer", "abc", "abc", k("password", "characters"), ""),
		{name: "console users: role change of an unknown user", status: http.StatusNotFound, keys: k("user"),
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.cPost(t, adminName, "/users/999999/role", url.Values{"role": {"admin"}}, htmx)
			}},
		{name: "console users: role change, user id not a number", keys: k("user"),
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.cPost(t, adminName, "/users/"+url.PathEscape("1 OR 1=1")+"/role", url.Values{"role": {"admin"}}, htmx)
			}},
		{name: "console users: role change to root", keys: k("role"),
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.cPost(t, adminName, "/users/"+fx.userID(t, viewerName)+"/role", url.Values{"role": {"root"}}, htmx)
			}},
		{name: "console users: disable a user id that is negative", status: http.StatusNotFound, keys: k("user"),
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.cPost(t, adminName, "/users/-3/disable", url.Values{}, htmx)
			}},
		{name: "console users: reset password too short", keys: k("password", "characters"),
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.cPost(t, adminName, "/users/"+fx.userID(t, viewerName)+"/password", url.Values{"password": {"x"}, "confirm": {"x"}}, htmx)
			}},
		{name: "console keys: revoke a key id that is not a number", status: http.StatusBadRequest, keys: k("key"),
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.cPost(t, operatorName, "/keys/"+url.PathEscape(hstSQL)+"/revoke", url.Values{}, htmx)
			}},
		{name: "console keys: revoke an unknown key", status: http.StatusNotFound, keys: k("key"),
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.cPost(t, operatorName, "/keys/987654/revoke", url.Values{}, htmx)
			}},
		{name: "console keys: revoke a key id that overflows int64", status: http.StatusBadRequest, keys: k("key"),
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.cPost(t, operatorName, "/keys/99999999999999999999/revoke", url.Values{}, htmx)
			}},
		{name: "console audit: revert entry 0", status: http.StatusBadRequest, keys: k("audit entry"),
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.cPost(t, operatorName, "/audit/0/revert", url.Values{})
			}},
		{name: "console audit: revert an unknown entry", status: http.StatusNotFound, keys: k("audit entry"),
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.cPost(t, operatorName, "/audit/987654/revert", url.Values{})
			}},
		{name: "console account: wrong current password", keys: k("current"),
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.cPost(t, operatorName, "/account/password", url.Values{"current": {hstSQL}, "password": {"new-password-long-enough"}, "confirm": {"new-password-long-enough"}}, htmx)
			}},
		{name: "console account: new password 10k characters of NUL", keys: k("password"),
			send: func(t *testing.T, fx *hstFixture) *response {
				p := strings.Repeat("\x00", 10_000)
				return fx.cPost(t, operatorName, "/account/password", url.Values{"current": {testPassword}, "password": {p}, "confirm": {p}}, htmx)
			}},
		loginCase("console login: user name is an XSS payload", hstSVG, testPassword, hstSVG),
		loginCase("console login: user name 10k characters", long, testPassword, ""),
		loginCase("console login: password OR 1=1", adminName, hstSQL, ""),
		loginCase("console login: user name with NUL", adminName+"\x00", testPassword, ""),
		// The inventory import.
		importCase("console import: id is SQL", "i-1' OR 1=1 --,web,$ADDR,$SUBNET,ecs,Running", k("id"), ""),
		importCase("console import: id is an XSS payload", hstScript+",web,$ADDR,$SUBNET,ecs,Running", k("id"), hstScript),
		importCase("console import: id with RTL override", "i-abc"+hstRTL+"def,web,$ADDR,$SUBNET,ecs,Running", k("id"), ""),
		importCase("console import: id with LIKE wildcards", "i-%_%,web,$ADDR,$SUBNET,ecs,Running", k("id"), ""),
		importCase("console import: name 10k characters", "i-hostile1,"+long+",$ADDR,$SUBNET,ecs,Running", k("name"), ""),
		importCase("console import: name with NUL", "i-hostile2,web\x00x,$ADDR,$SUBNET,ecs,Running", k("name"), ""),
		importCase("console import: name with invalid UTF-8", "i-hostile3,web"+hstBadU8+",$ADDR,$SUBNET,ecs,Running", k("name"), ""),
		importCase("console import: address not IPv4", "i-hostile4,web,300.1.2.3,$SUBNET,ecs,Running", k("address"), ""),
		importCase("console import: address is an XSS payload", "i-hostile5,web,"+hstImg+",$SUBNET,ecs,Running", k("address"), hstImg),
		importCase("console import: unknown subnet", "i-hostile6,web,$ADDR,vsw-doesnotexist,ecs,Running", k("subnet"), ""),
		importCase("console import: type is an XSS payload", "i-hostile7,web,$ADDR,$SUBNET,"+hstSVG[2:]+",Running", k("type"), hstSVG[2:]),
		importCase("console import: status Exploding", "i-hostile8,web,$ADDR,$SUBNET,ecs,Exploding", k("status"), ""),
		importCase("console import: id already in the inventory", "$EXISTING,web,$ADDR,$SUBNET,ecs,Running", k("id"), ""),
		importCase("console import: unterminated quote", `i-hostile9,"web,$ADDR,$SUBNET,ecs,Running`, k("CSV", "quote"), ""),
		importCase("console import: too few fields", `i-hostile10,web,$ADDR`, k("fields"), ""),
		importCase("console import: name with RTL override", "i-hostile11,web"+hstRTL+"1,$ADDR,$SUBNET,ecs,Running", k("name", "bidirectional"), ""),
		importCase("console import: name with right-to-left isolate", "i-hostile12,web\u20671,$ADDR,$SUBNET,ecs,Running", k("name", "bidirectional"), ""),
		importCase("console import: address is the subnet's network address", "i-hostile13,web,$NETWORK,$SUBNET,ecs,Running", k("network address"), ""),
		importCase("console import: address is the subnet's broadcast address", "i-hostile14,web,$BROADCAST,$SUBNET,ecs,Running", k("broadcast address"), ""),
		{name: "console import: header with an unknown column", keys: k("header", "column"), payload: hstScript,
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.upload(t, "servers.csv", []byte("id,name,"+hstScript+",subnet_id,type,status\n"))
			}},
		{name: "console import: empty file", keys: k("empty"),
			send: func(t *testing.T, fx *hstFixture) *response { return fx.upload(t, "servers.csv", []byte{}) }},
		{name: "console import: no file", keys: k("file"),
			send: func(t *testing.T, fx *hstFixture) *response { return fx.upload(t, "", nil) }},
		{name: "console import: file over 1 MiB", status: http.StatusRequestEntityTooLarge, keys: k("file", "larger"),
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.upload(t, "big.csv", append([]byte("id,name,address,subnet_id,type,status\n"), bytes.Repeat([]byte("x"), 1<<20+10)...))
			}},
		{name: "console import: form-encoded instead of multipart", keys: k("upload", "file"),
			send: func(t *testing.T, fx *hstFixture) *response {
				return fx.cRaw(t, adminName, http.MethodPost, "/servers/import", "application/x-www-form-urlencoded", []byte("file=id,name"))
			}},
	}
}

// loginCase signs in from a new browser with the given name and password.
func loginCase(name, user, password, payload string) hstCase {
	return hstCase{name: name, status: http.StatusUnauthorized, keys: []string{"user name", "password"}, payload: payload,
		send: func(t *testing.T, fx *hstFixture) *response {
			c := fx.e.browser()
			c.T = t
			c.Get("/login")
			return c.Post("/login", c.WithCSRF(url.Values{"username": {user}, "password": {password}}))
		}}
}

func (fx *hstFixture) userID(t *testing.T, name string) string {
	u, err := fx.e.store.UserByName(fx.e.ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(u.ID)
}

// getCase loads a console page as the operator.
func getCase(name, path string, status int, keys []string, payload string) hstCase {
	return hstCase{name: name, status: status, keys: keys, payload: payload, send: func(t *testing.T, fx *hstFixture) *response {
		return fx.cGet(t, strings.NewReplacer("$LB", fx.bigLB, "$GROUP", fx.big.ID).Replace(path))
	}}
}

func hstConsoleQueryCases() []hstCase {
	k := func(s ...string) []string { return s }
	q := url.QueryEscape
	long := strings.Repeat("c", 10_000)
	return []hstCase{
		getCase("console lbs: page -1", "/lbs?page=-1", 400, k("page"), ""),
		getCase("console lbs: page 0", "/lbs?page=0", 400, k("page"), ""),
		getCase("console lbs: page 10^12", "/lbs?page=1000000000000", 400, k("page"), ""),
		getCase("console lbs: page overflows int64", "/lbs?page=99999999999999999999", 400, k("page"), ""),
		getCase("console lbs: page 1e3", "/lbs?page=1e3", 400, k("page"), ""),
		getCase("console lbs: page is SQL", "/lbs?page="+q("1;--"), 400, k("page"), ""),
		getCase("console lbs: status is an XSS payload", "/lbs?status="+q(hstScript), 400, k("status"), hstScript),
		getCase("console lbs: status is SQL", "/lbs?status="+q("active' OR '1'='1"), 400, k("status"), ""),
		getCase("console servers: status bogus", "/servers?status=Exploding", 400, k("status"), ""),
		getCase("console servers: page with NUL", "/servers?page=1%00", 400, k("page"), ""),
		getCase("console servers: page negative", "/servers?page=-7", 400, k("page"), ""),
		getCase("console audit: since not a date", "/audit?since="+q("yesterday"), 400, k("since"), ""),
		getCase("console audit: since 2024-13-45", "/audit?since=2024-13-45", 400, k("since"), ""),
		getCase("console audit: since 2024-02-30", "/audit?since=2024-02-30", 400, k("since"), ""),
		getCase("console audit: until is an XSS payload", "/audit?until="+q(hstImg), 400, k("until"), hstImg),
		getCase("console audit: until is SQL", "/audit?until="+q("2024-01-01' OR 1=1 --"), 400, k("until"), ""),
		getCase("console audit: since with invalid UTF-8", "/audit?since=2024-01-01%FF", 400, k("since"), ""),
		getCase("console audit: actor filter 10k characters", "/audit?actor="+long, 400, k("actor"), ""),
		getCase("console audit: page negative", "/audit?page=-1", 400, k("page"), ""),
		getCase("console audit CSV: since not a date", "/audit.csv?since=31/12/2024", 400, k("since"), ""),
		getCase("console audit CSV: load balancer filter 10k characters", "/audit.csv?lb="+long, 400, k("lb", "load balancer"), ""),
		getCase("console audit detail: seq not a number", "/audit/abc", 400, k("audit entry"), ""),
		getCase("console audit detail: seq 0", "/audit/0", 400, k("audit entry"), ""),
		getCase("console audit detail: seq negative", "/audit/-1", 400, k("audit entry"), ""),
		getCase("console audit detail: unknown seq", "/audit/987654", 404, k("audit entry"), ""),
		getCase("console audit detail: seq is an XSS payload", "/audit/"+url.PathEscape(hstScript), 400, k("audit entry"), hstScript),
		getCase("console audit detail: seq is SQL", "/audit/"+url.PathEscape("1 OR 1=1"), 400, k("audit entry"), ""),
		getCase("console lb: unknown load balancer", "/lbs/lb-doesnotexist", 404, k("load balancer"), ""),
		getCase("console lb: id is an XSS payload", "/lbs/"+url.PathEscape(hstImg), 404, k("load balancer"), hstImg),
		getCase("console group: unknown group", "/lbs/$LB/groups/rsp-doesnotexist", 404, k("group"), ""),
		getCase("console group: id with LIKE wildcard", "/lbs/$LB/groups/"+url.PathEscape("rsp-%"), 404, k("group"), ""),
		getCase("console group: port filter 70000", "/lbs/$LB/groups/$GROUP?port=70000", 400, k("port"), ""),
		getCase("console group: weight filter not a number", "/lbs/$LB/groups/$GROUP?weight=heavy", 400, k("weight"), ""),
		getCase("console group: type filter is an XSS payload", "/lbs/$LB/groups/$GROUP?type="+q(hstSVG), 400, k("type"), hstSVG),
		getCase("console group: filter text 10k characters", "/lbs/$LB/groups/$GROUP?q="+long, 400, k("filter"), ""),
		getCase("console candidates: search 10k characters", "/lbs/$LB/groups/$GROUP/candidates?pick_q="+long, 400, k("search"), ""),
		getCase("console pick: unknown server", "/lbs/$LB/groups/$GROUP/candidates/pick?server=i-doesnotexist", 404, k("server"), ""),
		getCase("console pick: server id is an XSS payload", "/lbs/$LB/groups/$GROUP/candidates/pick?server="+q(hstScript), 404, k("server"), hstScript),
		getCase("console weight editor: unknown member", "/lbs/$LB/groups/$GROUP/members/nope/weight", 404, k("server", "member"), ""),
		getCase("console lbs: search text 50,010 characters", "/lbs?q="+strings.Repeat("c", 50_010), 400, k("(q)", "characters"), ""),
		getCase("console lbs: search text NUL", "/lbs?q=%00", 400, k("control character"), ""),
		getCase("console lbs: search text with an escape sequence", "/lbs?q="+q("\x1b[2Jweb"), 400, k("control character"), ""),
		getCase("console lbs: region filter 10k characters", "/lbs?region="+long, 400, k("(region)"), ""),
		getCase("console servers: search text 50,010 characters", "/servers?q="+strings.Repeat("c", 50_010), 400, k("(q)", "characters"), ""),
		getCase("console servers: search text NUL", "/servers?q=%00", 400, k("control character"), ""),
		getCase("console group: filter text NUL", "/lbs/$LB/groups/$GROUP?q=web%00", 400, k("control character"), ""),
		getCase("console candidates: search with a line break", "/lbs/$LB/groups/$GROUP/candidates?pick_q=a%0Ab", 400, k("control character"), ""),
		getCase("console audit: actor filter NUL", "/audit?actor=%00", 400, k("(actor)", "control character"), ""),
		getCase("console audit CSV: group filter NUL", "/audit.csv?group=%00", 400, k("(group)", "control character"), ""),
	}
}

// --- the SLB API ---

func slbCase(name string, status int, keys []string, payload string, send sendFunc) hstCase {
	return hstCase{name: name, api: true, status: status, keys: keys, payload: payload, send: send}
}

// slbAddDefault adds servers to the default list; $CAND is a joinable server's id.
func slbAddDefault(servers string) sendFunc {
	return func(t *testing.T, fx *hstFixture) *response {
		return fx.slbDefault(t, "AddBackendServers", strings.ReplaceAll(servers, "$CAND", fx.cand.ID))
	}
}

// slbAddGroup adds servers to the VServer group; $CAND is a joinable server's id.
func slbAddGroup(servers string) sendFunc {
	return func(t *testing.T, fx *hstFixture) *response {
		return fx.slbGroup(t, "AddVServerGroupBackendServers", strings.ReplaceAll(servers, "$CAND", fx.cand.ID))
	}
}

// slbSetDefault sets servers of the default list; $MEMBER is a server in it.
func slbSetDefault(servers string) sendFunc {
	return func(t *testing.T, fx *hstFixture) *response {
		return fx.slbDefault(t, "SetBackendServers", strings.ReplaceAll(servers, "$MEMBER", fx.dfltRunning.ServerID))
	}
}

// slbWith sends Action with the given parameters; $LB, $POOL and $CAND are filled in.
func slbWith(pairs ...string) sendFunc {
	return func(t *testing.T, fx *hstFixture) *response {
		p := map[string]string{}
		r := strings.NewReplacer("$LB", fx.lb.ID, "$POOL", fx.pool.ID, "$CAND", fx.cand.ID, "$DEFAULT", fx.dflt.ID,
			"$STOPPED", fx.stopped.ID, "$OTHERREGION", fx.otherRegion, "$LOCKEDPOOL", fx.lockedPool.ID, "$LOCKEDREGION", fx.lockedLB.RegionID)
		for i := 0; i+1 < len(pairs); i += 2 {
			p[pairs[i]] = r.Replace(pairs[i+1])
		}
		return fx.slb(t, p)
	}
}

func hstSLBCases() []hstCase {
	k := func(s ...string) []string { return s }
	bs := "BackendServers"
	many := make([]string, 21)
	for i := range many {
		many[i] = fmt.Sprintf(`"i-many%02d"`, i)
	}
	ids101 := make([]string, 101)
	for i := range ids101 {
		ids101[i] = fmt.Sprintf("lb-%03d", i)
	}
	return []hstCase{
		slbCase("slb: BackendServers not JSON", 400, k(bs), "", slbAddDefault(`[{ServerId:`)),
		slbCase("slb: BackendServers an object, not an array", 400, k(bs), "", slbAddDefault(`{"ServerId":"$CAND"}`)),
		slbCase("slb: BackendServers null", 400, k(bs), "", slbAddDefault(`null`)),
		slbCase("slb: BackendServers empty array", 400, k(bs), "", slbAddDefault(`[]`)),
		slbCase("slb: BackendServers 21 servers", 400, k(bs), "", slbAddDefault("["+strings.Join(many, ",")+"]")),
		slbCase("slb: BackendServers 70 KB long", 400, k(bs), "", slbAddDefault(`["`+strings.Repeat("i", 70<<10)+`"]`)),
		slbCase("slb: BackendServers NUL in ServerId", 400, k("ServerId"), "", slbAddDefault(`[{"ServerId":"i-ab\u0000cd"}]`)),
		slbCase("slb: BackendServers raw NUL byte in the JSON", 400, k(bs), "", slbAddDefault("[{\"ServerId\":\"i-ab\x00cd\"}]")),
		slbCase("slb: ServerId 10k characters", 400, k("ServerId"), "", slbAddDefault(`["i-`+strings.Repeat("d", 10_000)+`"]`)),
		slbCase("slb: ServerId with RTL override", 400, k("server"), "", slbAddDefault(`["$CAND`+hstRTL+`"]`)),
		slbCase("slb: ServerId with zero-width space", 400, k("server"), "", slbAddDefault(`["`+hstZW+`$CAND"]`)),
		slbCase("slb: ServerId quote OR 1=1", 400, k("server"), "", slbAddDefault(`["i-x'OR'1'='1"]`)),
		slbCase("slb: ServerId SQL comment", 400, k("ServerId"), "", slbAddDefault(`[{"ServerId":"i-x' OR 1=1 --"}]`)),
		slbCase("slb: ServerId semicolon DROP TABLE", 400, k("server"), "", slbAddDefault(`["i-x';DROP/**/TABLE/**/members;--"]`)),
		slbCase("slb: ServerId LIKE wildcard %", 400, k("server"), "", slbAddDefault(`["i-%"]`)),
		slbCase("slb: ServerId LIKE wildcard _", 400, k("server"), "", func(t *testing.T, fx *hstFixture) *response {
			id := fx.cand.ID[:len(fx.cand.ID)-1] + "_"
			return fx.slbDefault(t, "AddBackendServers", `["`+id+`"]`)
		}),
		slbCase("slb: ServerId is an XSS payload", 400, k("server"), hstScript, slbAddDefault(`[{"ServerId":"`+hstScript+`"}]`)),
		slbCase("slb: ServerId is an XSS payload, answered as XML", 400, k("server"), hstImg, func(t *testing.T, fx *hstFixture) *response {
			return fx.slb(t, map[string]string{"Action": "AddBackendServers", "LoadBalancerId": fx.lb.ID, "Format": "XML",
				"BackendServers": `[{"ServerId":"` + hstImg + `"}]`})
		}),
		slbCase("slb: ServerId with invalid UTF-8", 400, k("server"), "", slbAddDefault(`["i-`+hstBadU8+`"]`)),
		slbCase("slb: Weight 101", 400, k("Weight"), "", slbAddDefault(`[{"ServerId":"$CAND","Weight":101}]`)),
		slbCase("slb: Weight -1", 400, k("Weight"), "", slbAddDefault(`[{"ServerId":"$CAND","Weight":-1}]`)),
		slbCase("slb: Weight 1e9", 400, k("Weight"), "", slbAddDefault(`[{"ServerId":"$CAND","Weight":1e9}]`)),
		slbCase("slb: Weight 1000000000", 400, k("Weight"), "", slbAddDefault(`[{"ServerId":"$CAND","Weight":1000000000}]`)),
		slbCase("slb: Weight 50.5", 400, k("Weight"), "", slbAddDefault(`[{"ServerId":"$CAND","Weight":50.5}]`)),
		slbCase("slb: Weight as a boolean", 400, k("Weight"), "", slbAddDefault(`[{"ServerId":"$CAND","Weight":true}]`)),
		slbCase("slb: Weight as an object", 400, k("Weight"), "", slbAddDefault(`[{"ServerId":"$CAND","Weight":{"v":1}}]`)),
		slbCase("slb: Weight overflows int64", 400, k("Weight"), "", slbAddDefault(`[{"ServerId":"$CAND","Weight":"9223372036854775808"}]`)),
		slbCase("slb: Port 0 in a VServer group", 400, k("Port"), "", slbAddGroup(`[{"ServerId":"$CAND","Port":0}]`)),
		slbCase("slb: Port 65536", 400, k("Port"), "", slbAddGroup(`[{"ServerId":"$CAND","Port":65536}]`)),
		slbCase("slb: Port -80", 400, k("Port"), "", slbAddGroup(`[{"ServerId":"$CAND","Port":-80}]`)),
		slbCase("slb: Port as a word", 400, k("Port"), "", slbAddGroup(`[{"ServerId":"$CAND","Port":"eighty"}]`)),
		slbCase("slb: Port on the default server list", 400, k("Port"), "", slbAddDefault(`[{"ServerId":"$CAND","Port":80}]`)),
		slbCase("slb: Type bogus", 400, k("Type"), "", slbAddDefault(`[{"ServerId":"$CAND","Type":"vm"}]`)),
		slbCase("slb: Type is an XSS payload", 400, k("Type"), hstSVG, slbAddDefault(`[{"ServerId":"$CAND","Type":"\"><svg onload=alert(1)>"}]`)),
		slbCase("slb: Description 81 characters", 400, k("description"), "", slbSetDefault(`[{"ServerId":"$MEMBER","Description":"`+strings.Repeat("d", 81)+`"}]`)),
		slbCase("slb: Description 10k characters", 400, k("description"), "", slbSetDefault(`[{"ServerId":"$MEMBER","Description":"`+strings.Repeat("d", 10_000)+`"}]`)),
		slbCase("slb: Description with NUL", 400, k("description"), "", slbSetDefault(`[{"ServerId":"$MEMBER","Description":"web\u0000prod"}]`)),
		slbCase("slb: Description with invalid UTF-8", 400, k("BackendServers", "UTF-8"), "", slbSetDefault(`[{"ServerId":"$MEMBER","Description":"web`+hstBadU8+`"}]`)),
		slbCase("slb: Description as a number", 400, k("Description"), "", slbSetDefault(`[{"ServerId":"$MEMBER","Description":42}]`)),
		slbCase("slb: Description with RTL override", 400, k("description", "bidirectional"), "", slbSetDefault(`[{"ServerId":"$MEMBER","Description":"web`+hstRTL+`1"}]`)),
		slbCase("slb: Description with left-to-right embedding", 400, k("description", "bidirectional"), "", slbSetDefault(`[{"ServerId":"$MEMBER","Description":"\u202aweb"}]`)),
		slbCase("slb: unknown key Wieght", 400, k("Wieght", "key"), "", slbSetDefault(`[{"ServerId":"$MEMBER","Wieght":5}]`)),
		slbCase("slb: ServerId given twice in one entry", 400, k("ServerId"), "", slbSetDefault(`[{"ServerId":"$MEMBER","ServerId":"i-other","Weight":5}]`)),
		slbCase("slb: the same server listed twice", 400, k("twice"), "", slbSetDefault(`[{"ServerId":"$MEMBER","Weight":5},{"ServerId":"$MEMBER","Weight":6}]`)),
		slbCase("slb: entry is a number", 400, k("ServerId"), "", slbAddDefault(`[42]`)),
		slbCase("slb: entry with an empty ServerId", 400, k("ServerId"), "", slbAddDefault(`[{"ServerId":"","Weight":5}]`)),
		slbCase("slb: unterminated single-quoted list", 400, k(bs), "", slbAddDefault(`[{'ServerId':'$CAND}]`)),
		slbCase("slb: nothing to set", 400, k("weight", "description"), "", slbSetDefault(`[{"ServerId":"$MEMBER"}]`)),
		slbCase("slb: LoadBalancerId unknown", 404, k("load balancer", "LoadBalancer"), "", slbWith("Action", "AddBackendServers", "LoadBalancerId", "lb-doesnotexist", bs, `["$CAND"]`)),
		slbCase("slb: LoadBalancerId quote OR 1=1", 404, k("load balancer", "LoadBalancer"), "", slbWith("Action", "AddBackendServers", "LoadBalancerId", "' OR '1'='1", bs, `["$CAND"]`)),
		slbCase("slb: LoadBalancerId is an XSS payload", 404, k("load balancer", "LoadBalancer"), hstScript, slbWith("Action", "AddBackendServers", "LoadBalancerId", hstScript, bs, `["$CAND"]`)),
		slbCase("slb: LoadBalancerId 10k characters", 0, k("load balancer", "LoadBalancer"), "", slbWith("Action", "AddBackendServers", "LoadBalancerId", strings.Repeat("l", 10_000), bs, `["$CAND"]`)),
		slbCase("slb: LoadBalancerId with NUL", 404, k("load balancer", "LoadBalancer"), "", slbWith("Action", "AddBackendServers", "LoadBalancerId", "$LB\x00", bs, `["$CAND"]`)),
		slbCase("slb: LoadBalancerId with RTL override", 404, k("load balancer", "LoadBalancer"), "", slbWith("Action", "AddBackendServers", "LoadBalancerId", "$LB"+hstRTL, bs, `["$CAND"]`)),
		slbCase("slb: LoadBalancerId LIKE wildcard %", 404, k("load balancer", "LoadBalancer"), "", slbWith("Action", "DescribeLoadBalancerAttribute", "LoadBalancerId", "lb-%")),
		slbCase("slb: LoadBalancerId missing", 400, k("LoadBalancerId"), "", slbWith("Action", "AddBackendServers", bs, `["$CAND"]`)),
		slbCase("slb: VServerGroupId unknown", 404, k("group"), "", slbWith("Action", "AddVServerGroupBackendServers", "VServerGroupId", "rsp-doesnotexist", bs, `[{"ServerId":"$CAND","Port":80}]`)),
		slbCase("slb: VServerGroupId LIKE wildcard %", 404, k("group"), "", slbWith("Action", "AddVServerGroupBackendServers", "VServerGroupId", "rsp-%", bs, `[{"ServerId":"$CAND","Port":80}]`)),
		slbCase("slb: VServerGroupId LIKE wildcard _", 404, k("group"), "", func(t *testing.T, fx *hstFixture) *response {
			id := fx.pool.ID[:len(fx.pool.ID)-1] + "_"
			return fx.slb(t, map[string]string{"Action": "AddVServerGroupBackendServers", "VServerGroupId": id, bs: `[{"ServerId":"` + fx.cand.ID + `","Port":80}]`})
		}),
		slbCase("slb: VServerGroupId names a default server list", 404, k("group", "default"), "", slbWith("Action", "AddVServerGroupBackendServers", "VServerGroupId", "$DEFAULT", bs, `[{"ServerId":"$CAND","Port":80}]`)),
		slbCase("slb: VServerGroupId missing", 400, k("VServerGroupId"), "", slbWith("Action", "AddVServerGroupBackendServers", bs, `[{"ServerId":"$CAND","Port":80}]`)),
		slbCase("slb: RegionId of another region", 404, k("region"), "", slbWith("Action", "AddVServerGroupBackendServers", "RegionId", "$OTHERREGION", "VServerGroupId", "$POOL", bs, `[{"ServerId":"$CAND","Port":80}]`)),
		slbCase("slb: RegionId is an XSS payload", 404, k("region"), hstImg, slbWith("Action", "AddBackendServers", "RegionId", hstImg, "LoadBalancerId", "$LB", bs, `["$CAND"]`)),
		slbCase("slb: Action unknown", 404, k("action"), "", slbWith("Action", "DeleteEverything")),
		slbCase("slb: Action is an XSS payload", 404, k("action"), hstScript, slbWith("Action", hstScript)),
		slbCase("slb: Action with SQL", 404, k("action"), "", slbWith("Action", "DescribeLoadBalancers' OR 1=1 --")),
		slbCase("slb: PageNumber -1", 400, k("PageNumber"), "", slbWith("Action", "DescribeLoadBalancers", "PageNumber", "-1")),
		slbCase("slb: PageNumber 10^12", 400, k("PageNumber"), "", slbWith("Action", "DescribeLoadBalancers", "PageNumber", "1000000000000")),
		slbCase("slb: PageNumber a word", 400, k("PageNumber"), "", slbWith("Action", "DescribeLoadBalancers", "PageNumber", "one")),
		slbCase("slb: PageSize 0", 400, k("PageSize"), "", slbWith("Action", "DescribeLoadBalancers", "PageSize", "0")),
		slbCase("slb: PageSize 1000", 400, k("PageSize"), "", slbWith("Action", "DescribeLoadBalancers", "PageSize", "1000")),
		slbCase("slb: LoadBalancerStatus bogus", 400, k("LoadBalancerStatus"), "", slbWith("Action", "DescribeLoadBalancers", "LoadBalancerStatus", "exploded")),
		slbCase("slb: 101 LoadBalancerIds", 400, k("LoadBalancerId"), "", slbWith("Action", "DescribeLoadBalancers", "LoadBalancerId", strings.Join(ids101, ","))),
		slbCase("slb: Format HTML", 400, k("Format"), "", slbWith("Action", "DescribeLoadBalancers", "Format", "HTML")),
		slbCase("slb: Timestamp not a date", 400, k("Timestamp"), "", slbWith("Action", "DescribeLoadBalancers", "Timestamp", "yesterday")),
		slbCase("slb: Timestamp 2024-02-30", 400, k("Timestamp"), "", slbWith("Action", "DescribeLoadBalancers", "Timestamp", "2024-02-30T10:00:00Z")),
		slbCase("slb: Timestamp in the year 9999", 400, k("Timestamp"), "", slbWith("Action", "DescribeLoadBalancers", "Timestamp", "9999-12-31T23:59:59Z")),
		slbCase("slb: SignatureNonce 10k characters", 400, k("SignatureNonce"), "", slbWith("Action", "DescribeLoadBalancers", "SignatureNonce", strings.Repeat("n", 10_000))),
		slbCase("slb: Version from the future", 400, k("Version"), "", slbWith("Action", "DescribeLoadBalancers", "Version", "2099-01-01")),
		slbCase("slb: Modify without OldBackendServers", 400, k("OldBackendServers"), "", slbWith("Action", "ModifyVServerGroupBackendServers", "VServerGroupId", "$POOL", "NewBackendServers", `[{"ServerId":"$CAND","Port":80}]`)),
		slbCase("slb: Modify with NewBackendServers Port 0", 400, k("NewBackendServers", "Port"), "", func(t *testing.T, fx *hstFixture) *response {
			m := fx.poolMembers[0]
			return fx.slb(t, map[string]string{"Action": "ModifyVServerGroupBackendServers", "VServerGroupId": fx.pool.ID,
				"OldBackendServers": fmt.Sprintf(`[{"ServerId":%q,"Port":%d}]`, m.ServerID, m.Port),
				"NewBackendServers": `[{"ServerId":"` + fx.cand.ID + `","Port":0}]`})
		}),
		slbCase("slb: Modify with an old server not in the group", 400, k("server", "not"), "", slbWith("Action", "ModifyVServerGroupBackendServers", "VServerGroupId", "$POOL",
			"OldBackendServers", `[{"ServerId":"$CAND","Port":1}]`, "NewBackendServers", `[{"ServerId":"$CAND","Port":2}]`)),
		// Renames work since the fleet issue; markup in a name is text, shown escaped, so what a
		// rename must refuse is a name that would not show as it is.
		slbCase("slb: rename a VServer group to a name with an RTL override", 400, k("name", "bidirectional"), "", slbWith("Action", "SetVServerGroupAttribute", "VServerGroupId", "$POOL", "VServerGroupName", "web"+hstRTL+"1")),
		slbCase("slb: rename a VServer group to a name with NUL", 400, k("name"), "", slbWith("Action", "SetVServerGroupAttribute", "VServerGroupId", "$POOL", "VServerGroupName", "web\x00prod")),
		slbCase("slb: CreateVServerGroup name 10k characters", 400, k("name"), "", slbWith("Action", "CreateVServerGroup", "LoadBalancerId", "$LB", "VServerGroupName", strings.Repeat("g", 10_000))),
		slbCase("slb: CreateVServerGroup name with NUL", 400, k("name"), "", slbWith("Action", "CreateVServerGroup", "LoadBalancerId", "$LB", "VServerGroupName", "web\x00prod")),
		slbCase("slb: CreateVServerGroup name with RTL override", 400, k("name", "bidirectional"), "", slbWith("Action", "CreateVServerGroup", "LoadBalancerId", "$LB", "VServerGroupName", "web"+hstRTL+"1")),
		slbCase("slb: add to a locked load balancer", 403, k("locked"), "", slbWith("Action", "AddVServerGroupBackendServers", "VServerGroupId", "$LOCKEDPOOL", "RegionId", "$LOCKEDREGION", bs, `[{"ServerId":"$CAND","Port":80}]`)),
		slbCase("slb: add a server already in the list", 400, k("already"), "", func(t *testing.T, fx *hstFixture) *response {
			return fx.slbDefault(t, "AddBackendServers", `["`+fx.dfltRunning.ServerID+`"]`)
		}),
		slbCase("slb: add a stopped server", 400, k("Stopped", "running"), "", slbWith("Action", "AddBackendServers", "LoadBalancerId", "$LB", bs, `["$STOPPED"]`)),
		// Transport-level abuse of the parameters, the signature valid.
		slbCase("slb: BackendServers given twice", 400, k(bs), "", func(t *testing.T, fx *hstFixture) *response {
			q := fx.slbQuery(http.MethodGet, map[string]string{"Action": "RemoveBackendServers", "LoadBalancerId": fx.lb.ID, bs: `["` + fx.dfltMembers[0].ServerID + `"]`})
			return fx.send(t, http.MethodGet, "/?"+q+"&"+bs+"="+url.QueryEscape(`["`+fx.dfltMembers[1].ServerID+`"]`), "", nil)
		}),
		slbCase("slb: LoadBalancerId in the query and in a form body", 400, k("LoadBalancerId"), "", func(t *testing.T, fx *hstFixture) *response {
			q := fx.slbQuery(http.MethodPost, map[string]string{"Action": "RemoveBackendServers", "LoadBalancerId": fx.lb.ID, bs: `["` + fx.dfltMembers[0].ServerID + `"]`})
			return fx.send(t, http.MethodPost, "/?"+q, "application/x-www-form-urlencoded", []byte("LoadBalancerId=lb-other"))
		}),
		slbCase("slb: form body over 1 MiB", 413, k("body"), "", func(t *testing.T, fx *hstFixture) *response {
			return fx.slbForm(t, map[string]string{"Action": "DescribeLoadBalancers"}, map[string]string{"LoadBalancerName": strings.Repeat("p", 1<<20+10)})
		}),
		slbCase("slb: body over 2 MiB", 413, k("body"), "", func(t *testing.T, fx *hstFixture) *response {
			return fx.slbForm(t, map[string]string{"Action": "DescribeLoadBalancers"}, map[string]string{"LoadBalancerName": strings.Repeat("p", 3<<20)})
		}),
		slbCase("slb: BackendServers in a form body, Weight 1e9", 400, k("Weight"), "", func(t *testing.T, fx *hstFixture) *response {
			return fx.slbForm(t, map[string]string{"Action": "AddBackendServers", "LoadBalancerId": fx.lb.ID},
				map[string]string{bs: `[{"ServerId":"` + fx.cand.ID + `","Weight":1000000000}]`})
		}),
		slbCase("slb: CreateVServerGroup name 10k characters and XSS in a form body", 400, k("name"), "", func(t *testing.T, fx *hstFixture) *response {
			return fx.slbForm(t, map[string]string{"Action": "CreateVServerGroup", "LoadBalancerId": fx.lb.ID}, map[string]string{"VServerGroupName": strings.Repeat("g", 10_000) + hstScript})
		}),
		slbCase("slb: query with broken percent-encoding", 400, k("query", "encoding"), "", func(t *testing.T, fx *hstFixture) *response {
			q := fx.slbQuery(http.MethodGet, map[string]string{"Action": "DescribeLoadBalancers"})
			return fx.send(t, http.MethodGet, "/?"+q+"&Pad=%zz", "", nil)
		}),
		slbCase("slb: method PUT", 405, k("PUT", "GET"), "", func(t *testing.T, fx *hstFixture) *response {
			q := fx.slbQuery(http.MethodPut, map[string]string{"Action": "DescribeLoadBalancers"})
			return fx.send(t, http.MethodPut, "/?"+q, "", nil)
		}),
	}
}

// --- the REST pool API ---

func restCase(name string, status int, keys []string, payload string, send sendFunc) hstCase {
	return hstCase{name: name, api: true, status: status, keys: keys, payload: payload, send: send}
}

// restAddWith adds one member whose JSON fields are given; $ADDR and $SUBNET are filled in.
func restAddWith(fields string) sendFunc {
	return func(t *testing.T, fx *hstFixture) *response {
		return fx.restAdd(t, strings.NewReplacer("$ADDR", fx.addr(), "$SUBNET", fx.subnet(), "61001", fmt.Sprint(fx.port())).Replace(fields))
	}
}

// restBody PUTs a raw batch body.
func restBody(body string) sendFunc {
	return func(t *testing.T, fx *hstFixture) *response { return fx.restBatch(t, body) }
}

// restCT PUTs a valid-looking body with a Content-Type.
func restCT(ctype string) sendFunc {
	return func(t *testing.T, fx *hstFixture) *response {
		return fx.rest(t, http.MethodPut, fx.poolPath(fx.pool.ID), ctype, `{"action":"delete","members":[{"id":"`+fx.poolMembers[0].ID+`"}]}`)
	}
}

// restPool PUTs a delete of nothing to the pool id given ($DEFAULT and $LOCKEDPOOL filled in).
func restPool(pool string) sendFunc {
	return func(t *testing.T, fx *hstFixture) *response {
		pool := strings.NewReplacer("$DEFAULT", fx.dflt.ID, "$LOCKEDPOOL", fx.lockedPool.ID).Replace(pool)
		return fx.rest(t, http.MethodPut, fx.poolPath(pool), "application/json", `{"action":"add","members":[{"address":"10.0.0.1","protocol_port":80}]}`)
	}
}

// restList GETs the pool's members with a query.
func restList(query string) sendFunc {
	return func(t *testing.T, fx *hstFixture) *response {
		return fx.rest(t, http.MethodGet, fx.poolPath(fx.pool.ID)+"?"+query, "", "")
	}
}

// restMember sends method with body to one member of the pool ($MEMBER is a real one).
func restMember(method, member, body string) sendFunc {
	return func(t *testing.T, fx *hstFixture) *response {
		member := strings.ReplaceAll(member, "$MEMBER", fx.poolMembers[0].ID)
		ctype := ""
		if body != "" {
			ctype = "application/json"
		}
		return fx.rest(t, method, fx.poolPath(fx.pool.ID)+"/"+url.PathEscape(member), ctype, body)
	}
}

func hstRESTCases() []hstCase {
	k := func(s ...string) []string { return s }
	base := `"address":"$ADDR","protocol_port":61001` // 61001 becomes a port of its own in each case
	many := make([]string, 201)
	for i := range many {
		many[i] = fmt.Sprintf(`{"address":"10.0.%d.%d","protocol_port":80}`, i/250, i%250+1)
	}
	return []hstCase{
		restCase("rest: body not JSON", 400, k("JSON"), "", restBody(`members=all`)),
		restCase("rest: body empty", 400, k("empty", "body"), "", restBody(``)),
		restCase("rest: body cut off", 400, k("JSON"), "", restBody(`{"members":[{"address":`)),
		restCase("rest: body a JSON array", 400, k("object"), "", restBody(`[{"address":"10.0.0.1"}]`)),
		restCase("rest: body two JSON values", 400, k("more than one"), "", restBody(`{"members":[]} {"members":[]}`)),
		restCase("rest: body with invalid UTF-8 outside strings", 400, k("body", "UTF-8"), "", restBody("{\"members\":[]\xff}")),
		restCase("rest: members missing", 400, k("members"), "", restBody(`{"action":"add"}`)),
		restCase("rest: members as a string", 400, k("members"), "", restBody(`{"action":"add","members":"all"}`)),
		restCase("rest: members entry null", 400, k("members[0]", "null"), "", restBody(`{"action":"add","members":[null]}`)),
		restCase("rest: protocol_port as string", 400, k("protocol_port"), "", restAddWith(`"address":"$ADDR","protocol_port":"80"`)),
		restCase("rest: protocol_port 70000", 400, k("port"), "", restAddWith(`"address":"$ADDR","protocol_port":70000`)),
		restCase("rest: protocol_port 0", 400, k("port"), "", restAddWith(`"address":"$ADDR","protocol_port":0`)),
		restCase("rest: protocol_port -1", 400, k("port"), "", restAddWith(`"address":"$ADDR","protocol_port":-1`)),
		restCase("rest: protocol_port 80.5", 400, k("protocol_port"), "", restAddWith(`"address":"$ADDR","protocol_port":80.5`)),
		restCase("rest: protocol_port 1e100", 400, k("protocol_port"), "", restAddWith(`"address":"$ADDR","protocol_port":1e100`)),
		restCase("rest: protocol_port missing", 400, k("protocol_port"), "", restAddWith(`"address":"$ADDR"`)),
		restCase("rest: weight 101", 400, k("weight"), "", restAddWith(base+`,"weight":101`)),
		restCase("rest: weight -1", 400, k("weight"), "", restAddWith(base+`,"weight":-1`)),
		restCase("rest: weight as string", 400, k("weight"), "", restAddWith(base+`,"weight":"10"`)),
		restCase("rest: weight as boolean", 400, k("weight"), "", restAddWith(base+`,"weight":true`)),
		restCase("rest: weight overflows int64", 400, k("weight"), "", restAddWith(base+`,"weight":9223372036854775808`)),
		restCase("rest: address not IPv4", 400, k("address"), "", restAddWith(`"address":"999.1.1.1","protocol_port":80`)),
		restCase("rest: address IPv6", 400, k("address"), "", restAddWith(`"address":"::1","protocol_port":80`)),
		restCase("rest: address is an XSS payload", 400, k("address"), hstImg, restAddWith(`"address":`+jsonString(hstImg)+`,"protocol_port":80`)),
		restCase("rest: address is SQL", 400, k("address"), "", restAddWith(`"address":`+jsonString(hstSQL2)+`,"protocol_port":80`)),
		restCase("rest: address 10k characters", 400, k("address"), "", restAddWith(`"address":"`+strings.Repeat("1", 10_000)+`","protocol_port":80`)),
		restCase("rest: address outside the VPC", 400, k("address", "subnet"), "", restAddWith(`"address":"203.0.113.9","protocol_port":80`)),
		restCase("rest: address missing", 400, k("address"), "", restAddWith(`"protocol_port":80`)),
		restCase("rest: address with NUL", 400, k("address"), "", restAddWith(`"address":"$ADDR\u0000","protocol_port":80`)),
		restCase("rest: address with zero-width space", 400, k("address"), "", restAddWith(`"address":"`+hstZW+`$ADDR","protocol_port":80`)),
		restCase("rest: subnet_id unknown", 400, k("subnet"), "", restAddWith(base+`,"subnet_id":"vsw-doesnotexist"`)),
		restCase("rest: subnet_id is an XSS payload", 400, k("subnet"), hstScript, restAddWith(base+`,"subnet_id":`+jsonString(hstScript))),
		restCase("rest: subnet_id as a number", 400, k("subnet_id"), "", restAddWith(base+`,"subnet_id":7`)),
		restCase("rest: name 256 characters", 400, k("name"), "", restAddWith(base+`,"name":"`+strings.Repeat("n", 256)+`"`)),
		restCase("rest: name 10k characters", 400, k("name"), "", restAddWith(base+`,"name":"`+strings.Repeat("n", 10_000)+`"`)),
		restCase("rest: name with NUL", 400, k("name"), "", restAddWith(base+`,"name":"web\u0000prod"`)),
		restCase("rest: name with invalid UTF-8", 400, k("body", "UTF-8"), "", restAddWith(base+`,"name":"web`+hstBadU8+`"`)),
		restCase("rest: name as a number", 400, k("name"), "", restAddWith(base+`,"name":12`)),
		restCase("rest: unknown field wieght", 400, k("wieght"), "", restAddWith(base+`,"wieght":5`)),
		restCase("rest: action bogus", 400, k("action"), "", restBody(`{"action":"purge","members":[]}`)),
		restCase("rest: action is an XSS payload", 400, k("action"), hstScript, restBody(`{"action":`+jsonString(hstScript)+`,"members":[]}`)),
		restCase("rest: action as a number", 400, k("action"), "", restBody(`{"action":1,"members":[]}`)),
		restCase("rest: id given with action add", 400, k("id"), "", restAddWith(base+`,"id":"00000000-0000-4000-8000-000000000000"`)),
		restCase("rest: delete an unknown id", 404, k("member"), "", restBody(`{"action":"delete","members":[{"id":"00000000-0000-4000-8000-000000000000"}]}`)),
		restCase("rest: delete an id 10k characters long", 400, k("id"), "", restBody(`{"action":"delete","members":[{"id":"`+strings.Repeat("f", 10_000)+`"}]}`)),
		restCase("rest: delete without id", 400, k("id"), "", restBody(`{"action":"delete","members":[{"address":"10.0.0.1"}]}`)),
		restCase("rest: delete an id that is SQL", 404, k("member"), "", restBody(`{"action":"delete","members":[{"id":`+jsonString(hstSQL)+`}]}`)),
		restCase("rest: delete an id LIKE wildcard %", 404, k("member"), "", restBody(`{"action":"delete","members":[{"id":"%"}]}`)),
		restCase("rest: 201 members", 413, k("200"), "", restBody(`{"action":"add","members":[`+strings.Join(many, ",")+`]}`)),
		restCase("rest: the same member twice", 0, k("twice", "same", "already", "duplicate"), "", restAddWith(base+`},{`+base)),
		restCase("rest: body over 1 MiB", 413, k("body", "large"), "", restBody(`{"members":[],"pad":"`+strings.Repeat("p", 1<<20)+`"}`)),
		restCase("rest: body over 2 MiB", 413, k("body", "large"), "", restBody(`{"members":[],"pad":"`+strings.Repeat("p", 3<<20)+`"}`)),
		restCase("rest: Content-Type text/plain", 415, k("Content-Type", "JSON"), "", restCT("text/plain")),
		restCase("rest: Content-Type text/html", 415, k("Content-Type", "JSON"), "", restCT("text/html")),
		restCase("rest: Content-Type form-urlencoded", 415, k("Content-Type", "JSON"), "", restCT("application/x-www-form-urlencoded")),
		restCase("rest: Content-Type malformed", 415, k("Content-Type", "JSON"), "", restCT("application/json; charset")),
		restCase("rest: unknown pool", 404, k("pool"), "", restPool("rsp-doesnotexist")),
		restCase("rest: pool id is an XSS payload", 404, k("pool"), hstScript, restPool(hstScript)),
		restCase("rest: pool id is SQL", 404, k("pool"), "", restPool(hstSQL2)),
		restCase("rest: pool id LIKE wildcard %", 404, k("pool"), "", restPool("rsp-%")),
		restCase("rest: pool id with RTL override", 404, k("pool"), "", restPool("rsp-"+hstRTL+"abc")),
		restCase("rest: pool id with invalid UTF-8", 404, k("pool"), "", restPool("rsp-"+hstBadU8)),
		restCase("rest: pool is a default server list", 404, k("pool"), "", restPool("$DEFAULT")),
		restCase("rest: pool of a locked load balancer", 403, k("locked"), "", func(t *testing.T, fx *hstFixture) *response {
			m := fx.e.members(fx.lockedPool.ID)[0]
			return fx.rest(t, http.MethodPut, fx.poolPath(fx.lockedPool.ID), "application/json", `{"action":"delete","members":[{"id":"`+m.ID+`"}]}`)
		}),
		restCase("rest: project_id of another project", 400, k("project_id"), "", restAddWith(base+`,"project_id":"lb-someoneelse"`)),
		restCase("rest: admin_state_up as a string", 400, k("admin_state_up"), "", restAddWith(base+`,"admin_state_up":"yes"`)),
		restCase("rest: monitor_port set", 400, k("monitor_port"), "", restAddWith(base+`,"monitor_port":8080`)),
		restCase("rest: tags set", 400, k("tags"), "", restAddWith(base+`,"tags":["`+hstScript+`"]`)),
		restCase("rest: backup as a string", 400, k("backup"), "", restAddWith(base+`,"backup":"yes"`)),
		restCase("rest: create without protocol_port", 400, k("protocol_port"), "", func(t *testing.T, fx *hstFixture) *response {
			return fx.rest(t, http.MethodPost, fx.poolPath(fx.pool.ID), "application/json", `{"member":{"address":"`+fx.addr()+`"}}`)
		}),
		restCase("rest: create with member as a list", 400, k("member"), "", func(t *testing.T, fx *hstFixture) *response {
			return fx.rest(t, http.MethodPost, fx.poolPath(fx.pool.ID), "application/json", `{"member":[]}`)
		}),
		restCase("rest: create a member that exists", 409, k("already"), "", func(t *testing.T, fx *hstFixture) *response {
			m := fx.poolMembers[0]
			return fx.rest(t, http.MethodPost, fx.poolPath(fx.pool.ID), "application/json", fmt.Sprintf(`{"member":{"address":%q,"protocol_port":%d}}`, m.Address, m.Port))
		}),
		restCase("rest: update weight 1000", 400, k("weight"), "", restMember(http.MethodPut, "$MEMBER", `{"member":{"weight":1000}}`)),
		restCase("rest: update an unknown member", 404, k("member"), "", restMember(http.MethodPut, "00000000-0000-4000-8000-000000000000", `{"member":{"weight":5}}`)),
		restCase("rest: update name 10k characters", 400, k("name"), "", restMember(http.MethodPut, "$MEMBER", `{"member":{"name":"`+strings.Repeat("n", 10_000)+`"}}`)),
		restCase("rest: update the address", 400, k("address"), "", restMember(http.MethodPut, "$MEMBER", `{"member":{"address":"10.9.9.9"}}`)),
		restCase("rest: delete an unknown member", 404, k("member"), "", restMember(http.MethodDelete, "00000000-0000-4000-8000-000000000000", "")),
		restCase("rest: delete a member id that is an XSS payload", 404, k("member"), hstImg, restMember(http.MethodDelete, hstImg, "")),
		restCase("rest: get a member id with NUL", 404, k("member"), "", restMember(http.MethodGet, "abc\x00", "")),
		restCase("rest: list limit -1", 400, k("limit"), "", restList("limit=-1")),
		restCase("rest: list limit not a number", 400, k("limit"), "", restList("limit=all")),
		restCase("rest: list limit overflows int64", 400, k("limit"), "", restList("limit=99999999999999999999")),
		restCase("rest: list sort_key bogus", 400, k("sort_key"), "", restList("sort_key=password")),
		restCase("rest: list sort_key is SQL", 400, k("sort_key"), "", restList("sort_key="+url.QueryEscape("weight; DROP TABLE members"))),
		restCase("rest: list sort_dir sideways", 400, k("sort_dir"), "", restList("sort_dir=sideways")),
		restCase("rest: list unknown query parameter", 400, k("query parameter"), "", restList("password=x")),
		restCase("rest: list protocol_port filter not a number", 400, k("protocol_port"), "", restList("protocol_port=http")),
		restCase("rest: list admin_state_up filter maybe", 400, k("admin_state_up"), "", restList("admin_state_up=maybe")),
		restCase("rest: list marker unknown", 400, k("marker"), "", restList("marker=00000000-0000-4000-8000-000000000000")),
		restCase("rest: list marker is an XSS payload", 400, k("marker"), hstScript, restList("marker="+url.QueryEscape(hstScript))),
		restCase("rest: method PATCH", 405, k("PATCH"), "", func(t *testing.T, fx *hstFixture) *response {
			return fx.rest(t, http.MethodPatch, fx.poolPath(fx.pool.ID), "application/json", `{"members":[]}`)
		}),
		restCase("rest: action given twice, delete then add", 400, k("action"), "", func(t *testing.T, fx *hstFixture) *response {
			return fx.restBatch(t, `{"action":"delete","action":"add","members":[{"address":"`+fx.addr()+`","protocol_port":`+fmt.Sprint(fx.port())+`}]}`)
		}),
		restCase("rest: members given twice", 400, k("members"), "", func(t *testing.T, fx *hstFixture) *response {
			return fx.restBatch(t, `{"action":"add","members":[],"members":[{"address":"`+fx.addr()+`","protocol_port":`+fmt.Sprint(fx.port())+`}]}`)
		}),
		// Keys that encoding/json would match without regard to case: an add ran as a replace-all.
		restCase("rest: action add, then Action null", 400, k(`"Action"`), "", func(t *testing.T, fx *hstFixture) *response {
			return fx.restBatch(t, fmt.Sprintf(`{"action":"add","members":[{"address":%q,"protocol_port":%d}],"Action":null}`, fx.addr(), fx.port()))
		}),
		restCase("rest: ACTION replace, then action add", 400, k(`"action"`), "", restBody(`{"ACTION":"replace","action":"add","members":[]}`)),
		restCase("rest: Action only in capitals", 400, k(`"Action"`), "", restBody(`{"Action":"add","members":[]}`)),
		restCase("rest: members spelt with a long s", 400, k("unknown field"), "", restBody(`{"action":"add","member`+"\u017f"+`":[]}`)),
		restCase("rest: members and Members", 400, k(`"Members"`), "", restBody(`{"action":"add","members":[],"Members":[]}`)),
		restCase("rest: protocol_port and Protocol_Port", 400, k(`"Protocol_Port"`), "", restAddWith(base+`,"Protocol_Port":1`)),
		restCase("rest: backup spelt with a Kelvin sign", 400, k("unknown field"), "", restAddWith(base+`,"bac`+"\u212a"+`up":false`)),
		restCase("rest: JSON nested 100,000 deep", 400, k("nests", "depth"), "", restBody(`{"members":`+strings.Repeat("[", 100_000)+strings.Repeat("]", 100_000)+`}`)),
		// Query parameters: Octavia's additive_only, and ones no endpoint knows.
		restCase("rest: additive_only maybe", 400, k("additive_only"), "", restQuery("additive_only=maybe", `{"members":[]}`)),
		restCase("rest: additive_only given twice", 400, k("additive_only"), "", restQuery("additive_only=true&additive_only=false", `{"members":[]}`)),
		restCase("rest: additive_only with action delete", 400, k("additive_only"), "", func(t *testing.T, fx *hstFixture) *response {
			return fx.rest(t, http.MethodPut, fx.poolPath(fx.pool.ID)+"?additive_only=true", "application/json", `{"action":"delete","members":[{"id":"`+fx.poolMembers[0].ID+`"}]}`)
		}),
		restCase("rest: batch with an unknown query parameter", 400, k("query parameter"), "", restQuery("dry_run=true", `{"members":[]}`)),
		restCase("rest: batch with a malformed query string", 400, k("query"), "", restQuery("additive_only=%zz", `{"members":[]}`)),
		restCase("rest: delete a member with an unknown query parameter", 400, k("query parameter"), "", restMemberQuery(http.MethodDelete, "dry_run=true", "")),
		restCase("rest: update a member with an unknown query parameter", 400, k("query parameter"), "", restMemberQuery(http.MethodPut, "dry_run=1", `{"member":{"weight":0}}`)),
		restCase("rest: get a member with an unknown query parameter", 400, k("query parameter"), "", restMemberQuery(http.MethodGet, "cascade=true", "")),
		restCase("rest: get a member with fields=colour", 400, k("fields", "colour"), "", restMemberQuery(http.MethodGet, "fields=colour", "")),
		restCase("rest: create with an unknown query parameter", 400, k("query parameter"), "", func(t *testing.T, fx *hstFixture) *response {
			return fx.rest(t, http.MethodPost, fx.poolPath(fx.pool.ID)+"?dry_run=true", "application/json", fmt.Sprintf(`{"member":{"address":%q,"protocol_port":%d}}`, fx.addr(), fx.port()))
		}),
		// Addresses that name a subnet rather than a host in it, and names that display reordered.
		restCase("rest: address is the subnet's network address", 400, k("network address"), "", restAddEdge(false, true)),
		restCase("rest: address is the subnet's broadcast address", 400, k("broadcast address"), "", restAddEdge(true, true)),
		restCase("rest: broadcast address, subnet_id null", 400, k("broadcast address"), "", restAddEdge(true, false)),
		restCase("rest: name with RTL override", 400, k("name", "bidirectional"), "", restAddWith(base+`,"name":"web`+hstRTL+`1"`)),
		restCase("rest: name with pop directional isolate", 400, k("name", "bidirectional"), "", restAddWith(base+`,"name":"web\u2069"`)),
		restCase("rest: update name with RTL override", 400, k("name", "bidirectional"), "", restMember(http.MethodPut, "$MEMBER", `{"member":{"name":"`+hstRTL+`web"}}`)),
	}
}

// restQuery PUTs body to fx.pool's members with the query string given.
func restQuery(query, body string) sendFunc {
	return func(t *testing.T, fx *hstFixture) *response {
		return fx.rest(t, http.MethodPut, fx.poolPath(fx.pool.ID)+"?"+query, "application/json", body)
	}
}

// restMemberQuery sends method with body to a real member of the pool, with the query given.
func restMemberQuery(method, query, body string) sendFunc {
	return func(t *testing.T, fx *hstFixture) *response {
		ctype := ""
		if body != "" {
			ctype = "application/json"
		}
		return fx.rest(t, method, fx.poolPath(fx.pool.ID)+"/"+fx.poolMembers[0].ID+"?"+query, ctype, body)
	}
}

// restAddEdge adds a member at the network or broadcast address of fx.pool's subnet, naming
// the subnet or not.
func restAddEdge(broadcast, withSubnet bool) sendFunc {
	return func(t *testing.T, fx *hstFixture) *response {
		network, last := fx.subnetEdges(t)
		addr, subnet := network, "null"
		if broadcast {
			addr = last
		}
		if withSubnet {
			subnet = jsonString(fx.subnet())
		}
		return fx.restAdd(t, fmt.Sprintf(`"address":%q,"protocol_port":%d,"subnet_id":%s`, addr, fx.port(), subnet))
	}
}

// subnetEdges returns the network and broadcast addresses of fx.pool's subnet.
func (fx *hstFixture) subnetEdges(t *testing.T) (network, broadcast string) {
	t.Helper()
	var cidr string
	if err := fx.raw.QueryRow("SELECT cidr FROM subnets WHERE id = ?", fx.subnet()).Scan(&cidr); err != nil {
		t.Fatal(err)
	}
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() || p.Bits() > 30 {
		t.Fatalf("subnet %s has CIDR %q; want an IPv4 one with a network and a broadcast address", fx.subnet(), cidr)
	}
	first := p.Masked().Addr()
	b := first.As4()
	n := binary.BigEndian.Uint32(b[:]) | (1<<(32-p.Bits()) - 1)
	binary.BigEndian.PutUint32(b[:], n)
	return first.String(), netip.AddrFrom4(b).String()
}
