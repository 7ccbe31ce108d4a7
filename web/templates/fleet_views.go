package templates

import (
	"slices"
	"strings"
)

// The admin pages' view models: one form page for every kind of fleet object, the fleet
// overview, and the upload of a fleet file with its plan.

// FleetHomePage is the fleet overview: how many objects of each kind, and where to change them.
type FleetHomePage struct {
	Page
	Kinds []FleetKindLink
}

// FleetKindLink is one kind of object on the overview.
type FleetKindLink struct {
	Label string // "Regions"
	Href  string // its admin page
	Count int
	// ListHref, when set, is where the objects are listed page by page (servers, load
	// balancers): their admin page only adds one.
	ListHref string
}

// FleetObjectPage is the form that creates or edits one object, with what goes around it: the
// objects of its kind (on a create page), its groups (a load balancer's edit page), and its
// delete form (an edit page).
type FleetObjectPage struct {
	Page
	Crumbs  []Link
	Heading string
	Flash   *Flash
	Form    ObjectForm
	// Table lists the objects of the kind, on the kind's page; nil elsewhere.
	Table *FleetTable
	// Groups lists a load balancer's groups, on its edit page; nil elsewhere.
	Groups *FleetTable
	// AddGroup links to the form for a new group of the load balancer, on its edit page.
	AddGroup string
	// Delete is the object's delete form, on its edit page; nil elsewhere.
	Delete *DeleteForm
	// Notes are lines of help under the heading, links among them.
	Notes []Link
}

// Link is a link with its text; an empty Href is plain text.
type Link struct {
	Href, Text string
}

// ObjectForm is one object's fields, as posted, with what was wrong with them.
type ObjectForm struct {
	Action string
	Submit string
	Fields []FormField
	// Problems are the refusals no field of the form shows, each naming object, id and field.
	Problems []string
}

// FormField is one input of a form. Name is the fleet file's name for the field
// (health_check.interval), so that a refusal names the field the form shows.
type FormField struct {
	Name  string
	Label string
	// Input is text, number, select, textarea or readonly.
	Input       string
	Value       string
	Options     []Option
	Placeholder string
	Help        string
	Required    bool
	Error       string
}

// Option is one choice of a select.
type Option struct {
	Value, Label string
}

// ID is the field's element id.
func (f FormField) ID() string { return "f-" + strings.NewReplacer(".", "-", "_", "-").Replace(f.Name) }

// ErrorID is the id of the field's error, which the input names as its description.
func (f FormField) ErrorID() string { return f.ID() + "-error" }

// HasValue reports whether the select's current value is among its options; when it is not
// (a value posted by hand, or one that no longer exists), the select shows it as an extra
// option so that a refused form shows what was sent.
func (f FormField) HasValue() bool {
	return f.Value == "" || slices.ContainsFunc(f.Options, func(o Option) bool { return o.Value == f.Value })
}

// FleetTable is a list of objects, each linking to its edit page.
type FleetTable struct {
	Caption string
	Columns []string
	Rows    []FleetRow
	// Empty is what the table says when it has no row.
	Empty string
}

// FleetRow is one object of a FleetTable; Cells follow the ID.
type FleetRow struct {
	ID    string
	Href  string
	Cells []string
}

// DeleteForm deletes the object of an edit page.
type DeleteForm struct {
	Action string
	// What names the object: "region eu-west-1".
	What string
	// Warning says what goes with the object.
	Warning string
	// ConfirmID, when set, must be typed to confirm: the delete takes groups or members with it.
	ConfirmID string
	Error     string
}

// FleetUploadPage uploads a fleet file, shows its plan, and applies it.
type FleetUploadPage struct {
	Page
	Flash *Flash
	// Name is the uploaded file's name; Prune whether --prune was asked.
	Name  string
	Prune bool
	// FileError is a refusal of the upload itself (missing, too large), shown by the field.
	FileError string
	// Problems are the file's problems, each naming object, id and field, with its line.
	Problems []string
	// Plan is the preview, when the file was read and planned.
	Plan *FleetPlan
	// MaxKiB is the largest file the page takes.
	MaxKiB int
}

// FleetPlan is a previewed plan and what applying exactly it takes.
type FleetPlan struct {
	Lines   []PlanLine
	Summary string
	Empty   bool
	// File is the uploaded file, base64, and Digest the plan's: the apply form sends both back,
	// and the apply is refused if the file now plans otherwise.
	File   string
	Digest string
}

// PlanLine is one line of a plan, with its verb for its style: create, update, delete, replace
// or detail (a member line under replace).
type PlanLine struct {
	Verb string
	Text string
}
