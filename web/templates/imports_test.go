package templates

import (
	"go/build"
	"path/filepath"
	"strings"
	"testing"
)

// TestTemplatesDoNotSeeTheStore keeps the pages on their own view models: no package the
// templates import, directly or through others of ours, is the store.
func TestTemplatesDoNotSeeTheStore(t *testing.T) {
	const module, store = "lbconsole", "lbconsole/db"
	seen := map[string]bool{}
	var walk func(path, dir string)
	walk = func(path, dir string) {
		if seen[path] {
			return
		}
		seen[path] = true
		pkg, err := build.ImportDir(dir, 0)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, imp := range pkg.Imports {
			if imp == store {
				t.Errorf("%s imports %s: give the pages their own view models instead", path, store)
			}
			if strings.HasPrefix(imp, module+"/") {
				walk(imp, filepath.Join("..", "..", strings.TrimPrefix(imp, module+"/")))
			}
		}
	}
	walk("lbconsole/web/templates", ".")
	if !seen["lbconsole/lb"] {
		t.Error("the walk never reached lbconsole/lb: it is not reading the imports")
	}
}
