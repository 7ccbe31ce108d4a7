package haproxy

import (
	"strings"
	"testing"
)

// Answers captured from HAProxy 2.6.12 (Debian 12).
const (
	stateHeader = "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port\n"

	// lbc-a: just added with check (maint, check configured not enabled); lbc-b: draining with a
	// passing check; static1: from haproxy.cfg, ready, check failing.
	stateSample = stateHeader +
		"3 be1 1 lbc-a 127.0.0.2 0 1 10 10 1 1 0 0 2 0 0 0 - 9001 - 0 0 - - 0\n" +
		"3 be1 2 lbc-b 127.0.0.3 2 8 3 3 4 6 3 4 6 0 0 0 - 9002 - 0 0 - - 0\n" +
		"4 be2 1 static1 127.0.0.2 0 0 1 1 3 8 2 0 6 0 0 0 - 9001 - 0 0 - - 0\n\n"

	statHeader = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,intercepted,dcon,dses,wrew,connect,reuse,cache_lookups,cache_hits,srv_icur,src_ilim,qtime_max,ctime_max,rtime_max,ttime_max,eint,idle_conn_cur,safe_conn_cur,used_conn_cur,need_conn_est,uweight,agg_server_status,agg_server_check_status,agg_check_status,-,ssl_sess,ssl_reused_sess,ssl_failed_handshake,h2_headers_rcvd,h2_data_rcvd,h2_settings_rcvd,h2_rst_stream_rcvd,h2_goaway_rcvd,h2_detected_conn_protocol_errors,h2_detected_strm_protocol_errors,h2_rst_stream_resp,h2_goaway_resp,h2_open_connections,h2_backend_open_streams,h2_total_connections,h2_backend_total_streams,h1_open_connections,h1_open_streams,h1_total_connections,h1_total_streams,h1_bytes_in,h1_bytes_out,h1_spliced_bytes_in,h1_spliced_bytes_out,\n"

	statMaint = "be1,lbc-a,0,0,0,0,,0,0,0,,0,,0,0,0,0,MAINT,1,1,0,,,1,,,1,3,1,,0,,2,0,,0,,,,0,0,0,0,0,0,,,,0,0,0,,,,,-1,,,0,0,0,0,,,,,,,,,,,,127.0.0.2:9001,,http,,,,,,,,0,0,0,,,0,0,0,0,0,0,0,0,0,0,0,10,,,,-,0,0,0,,,,,,,,,,,,,,,,,,,,,,\n"
	statDown  = "be2,static1,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN,1,1,0,1,1,4,4,,1,4,1,,0,,2,0,,0,L4CON,,0,0,0,0,0,0,0,,,,0,0,0,,,,,-1,Connection refused,,0,0,0,0,,,,Layer4 connection problem,,2,3,0,,,,127.0.0.2:9001,,http,,,,,,,,0,0,0,,,0,,0,0,0,0,0,0,0,0,1,1,,,,-,0,0,0,,,,,,,,,,,,,,,,,,,,,,\n"
	// An HTTP check in progress ("* " before the status) that last answered 503, with scur 2
	// and rate 7.
	statL7      = "be2,web1,0,0,2,3,,9,0,0,,0,,0,0,0,0,UP 1/3,1,1,0,1,0,4,0,,1,4,2,,9,,2,7,,9,* L7STS,503,1,0,9,0,0,0,0,,,,9,0,0,,,,,1,\"HTTP status check returned code <3C>503<3E>, \"\"quoted\"\"\",,0,0,0,0,,,,Layer7 wrong status,,2,3,3,,,,127.0.0.4:80,,http,,,,,,,,0,0,0,,,0,,0,0,0,0,0,0,0,0,1,1,,,,-,0,0,0,,,,,,,,,,,,,,,,,,,,,,\n"
	statBackend = "be1,BACKEND,0,0,0,0,999,0,0,0,0,0,,0,0,0,0,UP,0,0,0,,0,4,,,1,3,0,,0,,1,0,,0,,,,0,0,0,0,0,0,,,,0,0,0,0,0,0,0,-1,,,0,0,0,0,,,,,,,,,,,,,,http,roundrobin,,,,,,,0,0,0,0,0,,,0,0,0,0,0,,,,,0,0,0,0,-,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,\n"
)

func TestParseServersState(t *testing.T) {
	rows, err := ParseServersState(stateSample)
	if err != nil {
		t.Fatal(err)
	}
	want := []StateRow{
		{Backend: "be1", Name: "lbc-a", Address: "127.0.0.2", Port: 9001, Op: OpStopped, Admin: AdminForcedMaint, Weight: 10, Check: CheckConfigured, Result: CheckUnknown},
		{Backend: "be1", Name: "lbc-b", Address: "127.0.0.3", Port: 9002, Op: OpRunning, Admin: AdminForcedDrain, Weight: 3, Check: CheckConfigured | CheckEnabled, Result: CheckPassed, Health: 4},
		{Backend: "be2", Name: "static1", Address: "127.0.0.2", Port: 9001, Op: OpStopped, Admin: 0, Weight: 1, Check: CheckConfigured | CheckEnabled, Result: CheckFailed},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, rows[i], want[i])
		}
	}
}

func TestParseServersStateEmptyBackend(t *testing.T) {
	rows, err := ParseServersState(stateHeader + "\n")
	if err != nil || len(rows) != 0 {
		t.Fatalf("got %v, %v; want no rows and no error", rows, err)
	}
}

func TestParseServersStateRefuses(t *testing.T) {
	line := "3 be1 1 lbc-a 127.0.0.2 0 1 10 10 1 1 0 0 2 0 0 0 - 9001 - 0 0 - - 0\n"
	cases := []struct{ name, text, wantErr string }{
		{"Empty", "", "want a version line and a header"},
		{"HAProxyError", "Can't find backend.\n", "want a version line and a header"},
		{"OtherVersion", "2\n# be_name\n", `format version "2"`},
		{"HeaderWithoutHash", "1\nbe_id be_name\n", "does not start with"},
		{"MissingColumn", "1\n# be_id be_name srv_name\n", `lacks column "srv_addr"`},
		{"ShortLine", stateHeader + "3 be1 1 lbc-a\n", "line 3: 4 fields, the header names 25"},
		{"LongLine", stateHeader + strings.TrimSuffix(line, "\n") + " extra\n", "26 fields"},
		{"NotANumber", stateHeader + strings.Replace(line, " 10 10 ", " ten 10 ", 1), `srv_uweight "ten"`},
		{"Negative", stateHeader + strings.Replace(line, " 9001 ", " -1 ", 1), `srv_port "-1"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseServersState(c.text)
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, c.wantErr)
			}
		})
	}
}

func TestParseStat(t *testing.T) {
	rows, err := ParseStat(statHeader + statMaint + statDown + statL7 + statBackend + "\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []StatRow{
		{Proxy: "be1", Name: "lbc-a", Type: StatServer, Status: "MAINT", Addr: "127.0.0.2:9001", Weight: 10, Mode: "http"},
		{Proxy: "be2", Name: "static1", Type: StatServer, Status: "DOWN", CheckStatus: "L4CON",
			CheckDesc: "Layer4 connection problem", LastCheck: "Connection refused", Addr: "127.0.0.2:9001",
			Weight: 1, Rise: 2, Fall: 3, Mode: "http"},
		{Proxy: "be2", Name: "web1", Type: StatServer, Status: "UP 1/3", CheckStatus: "L7STS", CheckCode: 503,
			CheckDesc: "Layer7 wrong status", LastCheck: `HTTP status check returned code <3C>503<3E>, "quoted"`,
			Addr: "127.0.0.4:80", Sessions: 2, SessionRate: 7, Weight: 1, Rise: 2, Fall: 3, Mode: "http"},
		{Proxy: "be1", Name: "BACKEND", Type: StatBackend, Status: "UP", Mode: "http", Algorithm: "roundrobin"},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, rows[i], want[i])
		}
	}
}

func TestParseStatRefuses(t *testing.T) {
	cases := []struct{ name, text, wantErr string }{
		{"Empty", "", "does not start with"},
		{"HAProxyError", "No such proxy.\n", "does not start with"},
		{"MissingColumn", "# pxname,svname,status\n", `lacks column "type"`},
		{"ShortRow", statHeader + "be1,lbc-a,0\n", "line 2: 3 fields"},
		{"BadNumber", statHeader + strings.Replace(statDown, ",2,0,,0,L4CON,", ",two,0,,0,L4CON,", 1), `type "two"`},
		{"BadQuote", statHeader + `be1,"lbc-a` + "\n", "show stat"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseStat(c.text)
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, c.wantErr)
			}
		})
	}
}

func TestJoinKeepsOnlyServersInBothSnapshots(t *testing.T) {
	states, err := ParseServersState(stateSample)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := ParseStat(statHeader + statMaint + statDown + statBackend)
	if err != nil {
		t.Fatal(err)
	}
	got := join(states, stats)
	if len(got) != 2 || got[0].Name != "lbc-a" || got[1].Name != "static1" {
		t.Fatalf("join = %+v, want lbc-a and static1 (lbc-b is not in the stat snapshot)", got)
	}
	if s := got[1]; s.Status != "DOWN" || s.LastCheck != "Connection refused" || s.Result != CheckFailed || s.Backend != "be2" {
		t.Errorf("static1 = %+v, want both snapshots' fields", s)
	}
}

func TestServerStateAndServing(t *testing.T) {
	up := Server{Op: OpRunning, Weight: 1, Check: CheckConfigured | CheckEnabled, Result: CheckPassed, CheckStatus: "L4OK"}
	cases := []struct {
		name    string
		s       Server
		state   State
		serving bool
	}{
		{"UpAndChecked", up, StateReady, true},
		{"NoCheck", Server{Op: OpRunning, Weight: 1}, StateReady, true},
		{"CheckConfiguredButOff", Server{Op: OpRunning, Weight: 1, Check: CheckConfigured}, StateReady, true},
		{"FirstCheckNotConcluded", Server{Op: OpRunning, Weight: 1, Check: CheckConfigured | CheckEnabled, CheckStatus: "INI"}, StateReady, false},
		// HAProxy resets the result while a check runs: the server still serves.
		{"CheckInProgress", Server{Op: OpRunning, Weight: 1, Check: CheckConfigured | CheckEnabled | CheckInProgress, CheckStatus: "L7OK"}, StateReady, true},
		{"Starting", Server{Op: OpStarting, Weight: 1}, StateReady, true},
		{"Stopping", Server{Op: OpStopping, Weight: 1}, StateReady, false},
		{"Down", Server{Op: OpStopped, Weight: 1}, StateReady, false},
		{"WeightZero", Server{Op: OpRunning}, StateReady, false},
		{"Draining", Server{Op: OpRunning, Weight: 1, Admin: AdminForcedDrain}, StateDrain, false},
		{"Maint", Server{Op: OpRunning, Weight: 1, Admin: AdminForcedMaint}, StateMaint, false},
		{"MaintAndDrain", Server{Admin: AdminForcedMaint | AdminForcedDrain}, StateMaint, false},
		{"InheritedMaint", Server{Op: OpRunning, Weight: 1, Admin: AdminInheritedMaint}, StateMaint, false},
		{"DisabledInConfigAtStart", Server{Op: OpRunning, Weight: 1, Admin: AdminConfigMaint | AdminForcedMaint}, StateMaint, false},
		// `disabled` in haproxy.cfg, then `state ready`: the config flag stays, the server serves.
		{"DisabledInConfigThenReady", Server{Op: OpRunning, Weight: 1, Admin: AdminConfigMaint}, StateReady, true},
		{"FQDNSetOnTheSocket", Server{Op: OpRunning, Weight: 1, Admin: AdminHostnameMaint}, StateReady, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.s.State(); got != c.state {
				t.Errorf("State() = %s, want %s", got, c.state)
			}
			if got := c.s.Serving(); got != c.serving {
				t.Errorf("Serving() = %v, want %v", got, c.serving)
			}
		})
	}
}

func TestConfirmed(t *testing.T) {
	checked := Server{Check: CheckConfigured | CheckEnabled, CheckStatus: "L4OK", Rise: 2, Fall: 3}
	cases := []struct {
		name string
		s    Server
		want bool
	}{
		{"NotYetChecked", with(checked, func(s *Server) { s.CheckStatus, s.Op = "INI", OpStopped }), false},
		{"UpForGood", with(checked, func(s *Server) { s.Op, s.CheckHealth = OpRunning, 4 }), true},
		{"OnePassSinceMaintenance", with(checked, func(s *Server) { s.Op, s.CheckHealth = OpRunning, 3 }), true},
		{"JustOutOfMaintenance", with(checked, func(s *Server) { s.Op, s.CheckHealth = OpRunning, 2 }), false},
		{"Down", with(checked, func(s *Server) { s.Op, s.CheckHealth = OpStopped, 0 }), true},
		{"RisingButDown", with(checked, func(s *Server) { s.Op, s.CheckHealth = OpStopped, 1 }), true},
		{"FallOneCannotTell", with(checked, func(s *Server) { s.Op, s.CheckHealth, s.Fall = OpRunning, 2, 1 }), true},
	}
	for _, c := range cases {
		if got := c.s.Confirmed(); got != c.want {
			t.Errorf("%s: Confirmed() = %v, want %v", c.name, got, c.want)
		}
	}
}

func with(s Server, f func(*Server)) Server {
	f(&s)
	return s
}
