package slbapi

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"lbconsole/db"
	"lbconsole/lb"
)

// TestErrorFor pins the one table from domain errors to SLB codes, using lb's own messages.
func TestErrorFor(t *testing.T) {
	vpc := lb.LoadBalancer{ID: "lb-1", VpcID: "vpc-1"}
	tests := []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{"TooMany", lb.CheckBatchSize(21, lb.MaxSLBEntries), 400, "TooManyBackendServers"},
		{"LoadBalancerNotFound", lb.Errorf(lb.KindNotFound, lb.FieldLoadBalancer, "load balancer lb-1 does not exist"), 404, "InvalidLoadBalancerId.NotFound"},
		{"GroupNotFound", lb.Errorf(lb.KindNotFound, lb.FieldGroup, "server group rsp-1 does not exist"), 404, "InvalidVServerGroupId.NotFound"},
		{"ServerNotFound", lb.Errorf(lb.KindNotFound, lb.FieldServerID, "server i-1 does not exist in the inventory"), 400, "InvalidServerId.NotFound"},
		{"Locked", lb.CheckWritable(lb.LoadBalancer{ID: "lb-1", Status: lb.LBLocked}), 403, "Forbidden"},
		{"StoppedServer", lb.CheckCandidate(vpc, lb.Server{ID: "i-1", Status: lb.StatusStopped, VpcID: "vpc-1"}), 400, "ObtainIpFail"},
		{"ServerInAnotherVPC", lb.CheckCandidate(vpc, lb.Server{ID: "i-1", Status: lb.StatusRunning, VpcID: "vpc-2"}), 400, "ObtainIpFail"},
		{"ServerListedTwice", lb.Errorf(lb.KindInvalid, lb.FieldServerID, "i-1 is listed twice"), 400, "InvalidParameter"},
		{"Duplicate", lb.Errorf(lb.KindConflict, lb.FieldServerID, "i-1 is already in group rsp-1"), 400, "InvalidParameter"},
		{"BadWeight", lb.CheckWeight(101), 400, "InvalidParameter"},
		{"WrappedDomainError", fmt.Errorf("db: %w", lb.CheckWeight(-1)), 400, "InvalidParameter"},
		{"NonceUsed", lb.Errorf(lb.KindConflict, db.FieldNonce, "SignatureNonce n1 was already used"), 400, "SignatureNonceUsed"},
		{"TooManyNonces", lb.Errorf(lb.KindTooMany, db.FieldNonce, "AccessKeyId LTAI1 made 3 calls"), 503, "Throttling"},
		{"UnknownKey", lb.Errorf(lb.KindUnauthenticated, db.FieldAccessKeyID, "AccessKeyId LTAI1 does not exist"), 404, "InvalidAccessKeyId.NotFound"},
		{"APIError", missingParameter("LoadBalancerId"), 400, "MissingParameter"},
		{"AnythingElseIsTheServers", errors.New("db: disk I/O error"), http.StatusInternalServerError, "InternalError"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := errorFor(tc.err)
			if got.status != tc.status || got.code != tc.code || got.message == "" {
				t.Fatalf("got %d %s %q, want %d %s", got.status, got.code, got.message, tc.status, tc.code)
			}
			if tc.code == "InternalError" && got.message == tc.err.Error() {
				t.Error("an internal error's text reached the client")
			}
		})
	}
}
