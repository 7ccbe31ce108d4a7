package fleet

import "testing"

// A name that reorders the text around it ("Trojan Source") reads as something it is not in
// the console and the CSV: the APIs refuse it, and so must the file.
func TestNameWithBidirectionalControlRefused(t *testing.T) {
	doc := validFleet(t)
	lb0(&doc, "lb-web").Name = "web\u202eevil"
	group(&doc, "rsp-web-http").Name = "http\u2066"
	ps := Validate(doc, Document{})
	for _, where := range []string{"load_balancers[lb-web].name", "load_balancers[lb-web].groups[rsp-web-http].name"} {
		if _, ok := findProblem(ps, where, "bidirectional control"); !ok {
			t.Errorf("no problem at %s naming the bidirectional control; got %v", where, Problems(ps))
		}
	}
}
