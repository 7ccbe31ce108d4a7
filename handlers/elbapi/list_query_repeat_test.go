package elbapi_test

import (
	"context"
	"net/http"
	"testing"
)

// TestListMembersRepeatedPagingParameter: a paging or sort parameter given twice is refused
// naming it. The list used to take the first and drop the other in silence, so that
// ?limit=1000&limit=1 answered a thousand members to a client that may have meant one.
func TestListMembersRepeatedPagingParameter(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	base := membersURL(e.operator(), e.pool.ID)
	for _, q := range []string{"limit=1000&limit=1", "sort_key=weight&sort_key=address", "sort_dir=asc&sort_dir=desc", "marker=a&marker=b"} {
		_, err := e.operator().Get(context.Background(), base+"?"+q, nil, nil)
		wantError(t, err, http.StatusBadRequest, "given 2 times")
	}
	// Filters take several values, any of which a member may match.
	if _, err := e.operator().Get(context.Background(), base+"?weight=1&weight=2", nil, nil); err != nil {
		t.Errorf("two values of a filter: %v; want 200", err)
	}
}
