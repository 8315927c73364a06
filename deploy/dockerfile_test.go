package deploy

import (
	"context"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// repoRoot is the product module, the Docker build context.
const repoRoot = ".."

func readDockerfile(t *testing.T) []byte {
	t.Helper()
	dt, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	return dt
}

// offlineResolver answers BuildKit's base-image lookups without a registry:
// a one-layer image of the requested platform, so the linter runs every
// rule (including InvalidBaseImagePlatform) as `docker build --check` would.
type offlineResolver struct{ refs []string }

func (r *offlineResolver) ResolveImageConfig(_ context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	r.refs = append(r.refs, ref)
	p := ocispecs.Platform{OS: "linux", Architecture: runtime.GOARCH}
	if opt.ImageOpt != nil && opt.ImageOpt.Platform != nil {
		p = *opt.ImageOpt.Platform
	}
	img := ocispecs.Image{
		Platform: p,
		RootFS:   ocispecs.RootFS{Type: "layers", DiffIDs: []digest.Digest{digest.FromString(ref)}},
	}
	dt, err := json.Marshal(img)
	return ref, "", dt, err
}

// lintDockerfile runs the checks behind `docker build --check` (BuildKit's
// dockerfile2llb.DockerfileLint, with the rules the file's `# check=`
// directive enables) and returns one line per warning or build error, and
// the base images the linter resolved.
func lintDockerfile(t *testing.T, dt []byte) (problems, bases []string) {
	t.Helper()
	res := &offlineResolver{}
	smap := llb.NewSourceMap(nil, "Dockerfile", "Dockerfile", dt)
	smap.Definition = &llb.Definition{}
	opt := dockerfile2llb.ConvertOpt{SourceMap: smap, MetaResolver: res}
	opt.TargetPlatforms = []ocispecs.Platform{{OS: "linux", Architecture: runtime.GOARCH}}
	results, err := dockerfile2llb.DockerfileLint(context.Background(), dt, opt)
	if err != nil {
		t.Fatal(err)
	}
	if results.Error != nil {
		problems = append(problems, "build error: "+results.Error.Message)
	}
	for _, w := range results.Warnings {
		line := 0
		if w.Location != nil && len(w.Location.Ranges) > 0 {
			line = int(w.Location.Ranges[0].Start.Line)
		}
		problems = append(problems, fmt.Sprintf("line %d: %s: %s (%s)", line, w.RuleName, w.Detail, w.URL))
	}
	return problems, res.refs
}

// TestDockerfileLint fails on any warning of `docker build --check`,
// experimental rules included.
func TestDockerfileLint(t *testing.T) {
	dt := readDockerfile(t)
	problems, bases := lintDockerfile(t, dt)
	for _, p := range problems {
		t.Error(p)
	}
	if len(bases) == 0 {
		t.Error("linter resolved no base image: the stages were not checked")
	}
	t.Logf("base images: %v", bases)
	// A failing check must fail `docker build` too, not only this test.
	d, _, _, _ := parser.ParseDirective("check", dt)
	if !strings.Contains(d, "error=true") || !strings.Contains(d, "experimental=all") {
		t.Errorf("Dockerfile lacks `# check=error=true;experimental=all`, got %q", d)
	}
}

// TestDockerfileLintCatches proves the linter is wired up: a Dockerfile
// with known faults must raise the rules BuildKit documents for them.
func TestDockerfileLintCatches(t *testing.T) {
	bad := []byte("# check=experimental=all\n" +
		"FROM golang:1.26 as Build\n" + // FromAsCasing, StageNameCasing
		"ENV CGO_ENABLED 0\n" + // LegacyKeyValueFormat
		"COPY $UNDEFINED_THING /x\n" + // UndefinedVar
		"ARG QRGATE_DB_PASSWORD\n" + // SecretsUsedInArgOrEnv
		"workdir src\n" + // ConsistentInstructionCasing, WorkdirRelativePath
		"CMD qrgate serve\n") // JSONArgsRecommended
	problems, _ := lintDockerfile(t, bad)
	all := strings.Join(problems, "\n")
	for _, rule := range []string{"FromAsCasing", "StageNameCasing", "LegacyKeyValueFormat",
		"UndefinedVar", "SecretsUsedInArgOrEnv", "ConsistentInstructionCasing", "WorkdirRelativePath", "JSONArgsRecommended"} {
		if !strings.Contains(all, ": "+rule+": ") {
			t.Errorf("linter missed %s; it said:\n%s", rule, all)
		}
	}
}

// dockerfile is the parsed Dockerfile.
type dockerfile struct {
	stages  []instructions.Stage
	metaArg map[string]string
}

func parseDockerfile(t *testing.T) dockerfile {
	t.Helper()
	res, err := parser.Parse(strings.NewReader(string(readDockerfile(t))))
	if err != nil {
		t.Fatal(err)
	}
	stages, metaArgs, err := instructions.Parse(res.AST, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := dockerfile{stages: stages, metaArg: map[string]string{}}
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			if kv.Value != nil {
				d.metaArg[kv.Key] = *kv.Value
			}
		}
	}
	return d
}

// TestDockerfileRuntime checks what the image promises: a pinned Go that
// matches go.mod, a minimal non-root runtime, both ports, `qrgate serve`
// with the admin listener reachable from outside the container.
func TestDockerfileRuntime(t *testing.T) {
	d := parseDockerfile(t)
	if len(d.stages) < 2 {
		t.Fatalf("want a multi-stage build, got %d stage(s)", len(d.stages))
	}
	gomod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("no go directive in go.mod")
	}
	if got := d.metaArg["GO_VERSION"]; got != string(m[1]) {
		t.Errorf("Dockerfile GO_VERSION=%q, go.mod says go %s", got, m[1])
	}

	final := d.stages[len(d.stages)-1]
	if !strings.HasPrefix(final.BaseName, "gcr.io/distroless/static") && final.BaseName != "scratch" {
		t.Errorf("runtime base %q: want distroless static or scratch", final.BaseName)
	}
	var user string
	var ports, cmd, entrypoint []string
	for _, c := range final.Commands {
		switch c := c.(type) {
		case *instructions.UserCommand:
			user = c.User
		case *instructions.ExposeCommand:
			ports = append(ports, c.Ports...)
		case *instructions.CmdCommand:
			cmd = c.CmdLine
		case *instructions.EntrypointCommand:
			entrypoint = c.CmdLine
		case *instructions.RunCommand:
			t.Errorf("runtime stage runs %q: distroless has no shell", c.CmdLine)
		}
	}
	uid, _, _ := strings.Cut(user, ":")
	if !regexp.MustCompile(`^[1-9][0-9]*$`).MatchString(uid) {
		t.Errorf("USER %q: want a numeric non-root uid (runAsNonRoot can only verify numbers)", user)
	}
	for _, p := range []string{"8080/tcp", "9090/tcp"} {
		if !slices.Contains(ports, p) {
			t.Errorf("EXPOSE %v lacks %s", ports, p)
		}
	}
	argv := append(slices.Clone(entrypoint), cmd...)
	if len(argv) < 2 || filepath.Base(argv[0]) != "qrgate" || argv[1] != "serve" {
		t.Errorf("image runs %q, want qrgate serve", argv)
	}
	if flagValue(argv, "--admin-listen") != ":9090" {
		t.Errorf("image runs %q: want --admin-listen :9090 so probes and Prometheus reach it", argv)
	}
	if flagValue(argv, "--data-dir") == "" {
		t.Errorf("image runs %q: want --data-dir on the volume", argv)
	}
}

func flagValue(argv []string, name string) string {
	for i, a := range argv {
		if a == name && i+1 < len(argv) {
			return argv[i+1]
		}
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
	}
	return ""
}

// envMap is the environment of a Dockerfile stage as BuildKit's shell
// lexer sees it.
type envMap map[string]string

func (e envMap) Get(k string) (string, bool) { v, ok := e[k]; return v, ok }
func (e envMap) Keys() []string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	return keys
}

// goBuild is the Dockerfile's `go build` step: its argv after expansion and
// the environment it runs in.
type goBuild struct {
	argv []string
	env  envMap
}

// dockerfileGoBuild finds the RUN that holds `go build` and expands it with
// the stage's ARG and ENV values, the way BuildKit's shell would.
func dockerfileGoBuild(t *testing.T, version string) goBuild {
	t.Helper()
	d := parseDockerfile(t)
	env := envMap{
		"TARGETOS": runtime.GOOS, "TARGETARCH": runtime.GOARCH,
		"BUILDPLATFORM": runtime.GOOS + "/" + runtime.GOARCH,
	}
	setEnv := func(kvs instructions.KeyValuePairs) {
		for _, kv := range kvs {
			env[kv.Key] = kv.Value
		}
	}
	for _, st := range d.stages {
		for _, c := range st.Commands {
			switch c := c.(type) {
			case *instructions.ArgCommand:
				for _, kv := range c.Args {
					if _, set := env[kv.Key]; !set && kv.Value != nil {
						env[kv.Key] = *kv.Value
					}
				}
				if _, ok := env["VERSION"]; ok {
					env["VERSION"] = version
				}
			case *instructions.EnvCommand:
				setEnv(c.Env)
			case *instructions.RunCommand:
				line := strings.Join(c.CmdLine, " ")
				if !strings.Contains(line, "go build") {
					continue
				}
				words, err := shell.NewLex('\\').ProcessWords(line, env)
				if err != nil {
					t.Fatal(err)
				}
				// Leading NAME=value words are the command's own environment.
				for len(words) > 0 && regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`).MatchString(words[0]) {
					k, v, _ := strings.Cut(words[0], "=")
					env[k] = v
					words = words[1:]
				}
				if strings.ContainsAny(line, ";&|`") {
					t.Fatalf("RUN %q: keep the go build step a single command so CI can replay it", line)
				}
				return goBuild{argv: words, env: env}
			}
		}
	}
	t.Fatal("no RUN with `go build` in the Dockerfile")
	return goBuild{}
}

// copyContext copies the Docker build context (repoRoot filtered by
// .dockerignore, as the Docker client sends it) into dst.
func copyContext(t *testing.T, dst string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	var copied []string
	err = filepath.WalkDir(repoRoot, func(path string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(repoRoot, path)
		if rel == "." {
			return nil
		}
		skip, err := pm.MatchesOrParentMatches(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		if skip {
			if de.IsDir() && !pm.Exclusions() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		if de.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !de.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		copied = append(copied, filepath.ToSlash(rel))
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return copied
}

var qrgateBuild struct {
	once sync.Once
	path string
	err  error
	argv []string
	env  envMap
}

// dockerfileVersion is the VERSION build argument of the test builds.
const dockerfileVersion = "v0.0.0-dockerfile-test"

// qrgateBinary builds the binary exactly as the Dockerfile does — its
// `go build` line expanded with its ENV and ARGs, run on the context
// .dockerignore lets through — once per test binary, and returns its path.
func qrgateBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the product")
	}
	b := &qrgateBuild
	b.once.Do(func() {
		gb := dockerfileGoBuild(t, dockerfileVersion)
		b.argv, b.env = gb.argv, gb.env
		dir, err := os.MkdirTemp("", "qrgate-dockerfile-")
		if err != nil {
			b.err = err
			return
		}
		ctxDir := filepath.Join(dir, "context")
		b.path = filepath.Join(dir, "qrgate")
		copyContext(t, ctxDir)
		argv := slices.Clone(gb.argv)
		for i := range argv {
			if argv[i] == "-o" && i+1 < len(argv) {
				argv[i+1] = b.path
			}
		}
		if len(argv) < 2 || argv[0] != "go" || argv[1] != "build" {
			b.err = fmt.Errorf("the Dockerfile's go build step is %q", argv)
			return
		}
		cmd := exec.Command("go", argv[1:]...)
		cmd.Dir = ctxDir
		cmd.Env = os.Environ()
		for _, k := range []string{"CGO_ENABLED", "GOFLAGS", "GOOS", "GOARCH", "GOTOOLCHAIN"} {
			if v, ok := gb.env[k]; ok {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
		}
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go %s: %v\n%s", strings.Join(argv[1:], " "), err, msg)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// TestDockerfileBinary checks the Dockerfile's build flags and the binary
// they make: static, stripped, carrying the version and the built-in policy.
func TestDockerfileBinary(t *testing.T) {
	bin := qrgateBinary(t)
	b := &qrgateBuild
	t.Logf("RUN %s (env CGO_ENABLED=%q GOFLAGS=%q GOOS=%q GOARCH=%q)",
		strings.Join(b.argv, " "), b.env["CGO_ENABLED"], b.env["GOFLAGS"], b.env["GOOS"], b.env["GOARCH"])
	if b.env["CGO_ENABLED"] != "0" {
		t.Errorf("CGO_ENABLED=%q in the build stage, want 0", b.env["CGO_ENABLED"])
	}
	if !slices.Contains(b.argv, "-trimpath") {
		t.Error("go build lacks -trimpath")
	}
	ldflags := flagValue(b.argv, "-ldflags")
	for _, f := range []string{"-s", "-w", "-X main.version=" + dockerfileVersion} {
		if !strings.Contains(ldflags, f) {
			t.Errorf("-ldflags %q lacks %q", ldflags, f)
		}
	}
	files := copyContext(t, t.TempDir())
	for _, must := range []string{"go.mod", "go.sum", "cmd/qrgate/main.go"} {
		if !slices.Contains(files, must) {
			t.Errorf(".dockerignore keeps %s out of the build context", must)
		}
	}
	for _, f := range files {
		if strings.HasPrefix(f, ".git/") || strings.HasPrefix(f, "deploy/") || strings.HasSuffix(f, "_test.go") {
			t.Errorf(".dockerignore lets %s into the build context", f)
		}
	}

	checkStatic(t, bin)
	if st, err := os.Stat(bin); err == nil {
		t.Logf("binary: %.1f MiB", float64(st.Size())/(1<<20))
	}
	got, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || !strings.Contains(string(got), dockerfileVersion) {
		t.Errorf("qrgate version: %q, %v; want it to print %s (-X main.version)", got, err, dockerfileVersion)
	}
	// The image runs on embedded defaults: the built-in policy must be there.
	if got, err := exec.Command(bin, "policy", "default").Output(); err != nil || len(got) == 0 {
		t.Errorf("qrgate policy default: %v, %d bytes", err, len(got))
	}
}

// checkStatic fails unless path is a statically linked ELF without a symbol
// table or DWARF (what -s -w strip).
func checkStatic(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("%s has a %v program header: dynamically linked", path, p.Type)
		}
	}
	for _, name := range []string{".dynamic", ".interp", ".dynsym", ".symtab", ".debug_info"} {
		if f.Section(name) != nil {
			t.Errorf("%s has section %s", path, name)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("%s imports %v", path, libs)
	}
}
