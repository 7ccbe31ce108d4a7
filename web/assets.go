package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"path"
	"strings"
)

// StaticPrefix is where the static files are served.
const StaticPrefix = "/static/"

// assets maps each static file's name to its content-hashed name and back, computed once
// from the embedded files: a file's URL changes exactly when its bytes do, so that browsers
// may keep it for a year and never keep a stale copy.
var assets = hashAssets(Static)

type assetNames struct {
	hashed map[string]string // app.css -> app.3f2a9c1e0b7d.css
	plain  map[string]string // app.3f2a9c1e0b7d.css -> app.css
}

func hashAssets(files fs.FS) assetNames {
	a := assetNames{hashed: map[string]string{}, plain: map[string]string{}}
	entries, err := fs.ReadDir(files, "static")
	if err != nil {
		panic("web: the embedded static files cannot be listed: " + err.Error())
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := fs.ReadFile(files, "static/"+e.Name())
		if err != nil {
			panic("web: " + err.Error())
		}
		sum := sha256.Sum256(data)
		name := hashedName(e.Name(), hex.EncodeToString(sum[:6]))
		a.hashed[e.Name()], a.plain[name] = name, e.Name()
	}
	return a
}

// hashedName puts hash before the name's extension: app.css -> app.<hash>.css.
func hashedName(name, hash string) string {
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hash + ext
}

// Asset is the URL of the static file name (such as "app.css") under its content-hashed
// name. Pages reference every static file through it. An unknown name is returned under
// StaticPrefix unhashed, where it will not be found: a typo shows as a 404, not a panic.
func Asset(name string) string {
	if h, ok := assets.hashed[name]; ok {
		return StaticPrefix + h
	}
	return StaticPrefix + name
}

// StaticFile resolves a name under StaticPrefix to the embedded file to serve, and says
// whether the name was the content-hashed one (whose bytes can never change) or the plain one
// (kept working for pages and bookmarks made before a release, but only briefly cacheable).
func StaticFile(name string) (file string, hashed, ok bool) {
	if plain, ok := assets.plain[name]; ok {
		return plain, true, true
	}
	if _, ok := assets.hashed[name]; ok {
		return name, false, true
	}
	return "", false, false
}
