// Command runexamples runs every shell example of README.md and docs/*.md
// verbatim (internal/docexamples) on a copy of the repository's tracked
// files, with nothing beside it (no ../shared), each file's examples
// against the gateway its examples-serve marker asks for, on the default
// ports inside a network namespace of its own (unshare -rn) so that other
// programs on the machine neither collide with nor answer them. curl
// fails on an HTTP error (a wrapper adds --fail-with-body), so an example
// that gets a 4xx or 5xx fails. It lists what it did not run, and why.
//
//	go run ./internal/docexamples/runexamples   # from the repository's root
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/qrgate/qrgate/internal/docexamples"
)

func main() { os.Exit(run(os.Stdout, os.Stderr)) }

func run(stdout, stderr io.Writer) int {
	if err := runAll(stdout); err != nil {
		fmt.Fprintln(stderr, "runexamples:", err)
		return 1
	}
	return 0
}

func runAll(out io.Writer) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	examples, err := docexamples.All(root)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "qrgate-examples-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	clone := filepath.Join(tmp, "qrgate")
	if err := copyTracked(root, clone); err != nil {
		return err
	}
	bin := filepath.Join(tmp, "bin")
	if err := tools(clone, bin); err != nil {
		return err
	}
	isolate := "unshare -rn"
	if err := exec.Command("unshare", "-rn", "true").Run(); err != nil {
		fmt.Fprintf(out, "runexamples: no network namespace (%v): the examples use the machine's ports 8080 and 9090\n", err)
		isolate = ""
	}
	failed, ran := 0, 0
	byFile := map[string][]docexamples.Example{}
	var files []string
	for _, e := range examples {
		if _, ok := byFile[e.File]; !ok {
			files = append(files, e.File)
		}
		byFile[e.File] = append(byFile[e.File], e)
	}
	for _, f := range files {
		text, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			return err
		}
		serveArgs, serve := docexamples.ServeArgs(string(text))
		n, fails, err := runFile(out, tmp, clone, bin, isolate, f, byFile[f], serve, serveArgs)
		if err != nil {
			return err
		}
		ran += n
		failed += fails
	}
	fmt.Fprintln(out, "\n== not run")
	shown := map[string]int{}
	for _, e := range examples {
		switch {
		case e.Lang == "sh" && e.NotRun != "":
			fmt.Fprintf(out, "%s: %s\n", e, e.NotRun)
		case e.Lang != "sh":
			shown[e.Lang]++
		}
	}
	fmt.Fprintf(out, "shown, not commands: %v\n", shown)
	fmt.Fprintf(out, "\n%d examples run, %d failed\n", ran, failed)
	if failed > 0 {
		return fmt.Errorf("%d examples failed", failed)
	}
	return nil
}

// copyTracked copies the files git tracks (as they are in the working
// tree) to dst: what a fresh clone holds, and nothing beside it.
func copyTracked(root, dst string) error {
	list, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	if err != nil {
		return fmt.Errorf("git ls-files: %w", err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		src := filepath.Join(root, name)
		fi, err := os.Lstat(src)
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			return err
		}
		to := filepath.Join(dst, name)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			target, err := os.Readlink(src)
			if err != nil {
				return err
			}
			if err := os.Symlink(target, to); err != nil {
				return err
			}
			continue
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := os.WriteFile(to, b, fi.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}

// tools puts qrgate (built from the copy) and a curl that fails on HTTP
// errors in bin.
func tools(clone, bin string) error {
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "qrgate"), "./cmd/qrgate")
	build.Dir = clone
	if b, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, b)
	}
	curl, err := exec.LookPath("curl")
	if err != nil {
		return fmt.Errorf("the examples need curl: apt-get install -y curl")
	}
	wrapper := "#!/bin/sh\n# An example that gets an HTTP error fails.\nexec " + curl + " --fail-with-body \"$@\"\n"
	return os.WriteFile(filepath.Join(bin, "curl"), []byte(wrapper), 0o755)
}

// runFile runs one file's sh examples, each in its own bash from the
// copy's root, after starting the gateway the file asks for.
func runFile(out io.Writer, tmp, clone, bin, isolate, file string, examples []docexamples.Example, serve bool, serveArgs []string) (ran, failed int, err error) {
	var driver bytes.Buffer
	fmt.Fprintf(&driver, "set -u\nexport PATH=%q:\"$PATH\"\ncd %q\n", bin, clone)
	if isolate != "" {
		driver.WriteString("ip link set lo up\n")
	}
	if serve {
		fmt.Fprintf(&driver, `qrgate serve %s >%q 2>&1 &
gateway=$!
for i in $(seq 600); do
  if /usr/bin/env curl -sf http://127.0.0.1:9090/readyz >/dev/null 2>&1; then break; fi
  if ! kill -0 $gateway 2>/dev/null; then echo "the gateway exited:"; cat %q; exit 1; fi
  sleep 0.1
done
`, shellQuote(serveArgs), filepath.Join(tmp, "serve.log"), filepath.Join(tmp, "serve.log"))
	}
	driver.WriteString("failed=0\n")
	for i, e := range examples {
		if !e.Runs() {
			continue
		}
		ran++
		script := filepath.Join(tmp, fmt.Sprintf("example-%d.sh", i))
		if err := os.WriteFile(script, []byte(e.Code), 0o644); err != nil {
			return 0, 0, err
		}
		fmt.Fprintf(&driver, "echo; echo '== %s'\nif ! bash -eo pipefail %q; then echo 'FAILED: %s'; failed=$((failed+1)); fi\n", e, script, e)
	}
	if ran == 0 {
		return 0, 0, nil
	}
	if serve {
		fmt.Fprintf(&driver, "kill -TERM $gateway; wait $gateway || true\nif [ $failed -gt 0 ]; then echo '-- gateway log:'; tail -n 20 %q; fi\n", filepath.Join(tmp, "serve.log"))
	}
	driver.WriteString("rm -rf qrgate-data\nexit $failed\n")
	path := filepath.Join(tmp, "driver.sh")
	if err := os.WriteFile(path, driver.Bytes(), 0o644); err != nil {
		return 0, 0, err
	}
	args := append(strings.Fields(isolate), "bash", path)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = out, out
	fmt.Fprintf(out, "\n==== %s (%d examples%s)\n", file, ran, map[bool]string{true: ", against qrgate serve " + strings.Join(serveArgs, " ")}[serve])
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() > 0 {
			return ran, ee.ExitCode(), nil
		}
		return ran, ran, err
	}
	return ran, 0, nil
}

func shellQuote(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}
