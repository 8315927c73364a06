package deploy

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// kubeletVolume writes files the way the kubelet's AtomicWriter does for
// ConfigMap and Secret volumes: a timestamped directory, a ..data symlink
// to it swapped by rename, and one symlink per key through ..data.
type kubeletVolume struct {
	dir string
	gen int
}

func (v *kubeletVolume) write(t *testing.T, files map[string]string) {
	t.Helper()
	v.gen++
	ts := fmt.Sprintf("..2026_01_01_00_00_%02d.%d", v.gen, v.gen)
	if err := os.MkdirAll(filepath.Join(v.dir, ts), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(v.dir, ts, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old, _ := os.Readlink(filepath.Join(v.dir, "..data"))
	tmp := filepath.Join(v.dir, "..data_tmp")
	os.Remove(tmp)
	if err := os.Symlink(ts, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(v.dir, "..data")); err != nil {
		t.Fatal(err)
	}
	for name := range files {
		link := filepath.Join(v.dir, name)
		if _, err := os.Lstat(link); err != nil {
			if err := os.Symlink(filepath.Join("..data", name), link); err != nil {
				t.Fatal(err)
			}
		}
	}
	if old != "" {
		os.RemoveAll(filepath.Join(v.dir, old))
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestDeploymentRuns starts the binary the Dockerfile builds with the
// Deployment's own args, env and volumes (mount paths moved under a temp
// dir, listeners on free loopback ports), then plays what the kubelet does:
// probes, a ConfigMap update, a bad ConfigMap update, SIGTERM.
// QRGATE_STORE is left out: no PostgreSQL here, so the store is SQLite in
// the data volume.
func TestDeploymentRuns(t *testing.T) {
	bin := qrgateBinary(t)
	m := loadManifests(t, manifestDir)
	d, c := m.one(t)
	pod := d.Spec.Template.Spec
	root := t.TempDir()

	volumes := map[string]corev1.Volume{}
	for _, v := range pod.Volumes {
		volumes[v.Name] = v
	}
	host := map[string]string{} // mountPath → host dir
	var policyVol *kubeletVolume
	var policyKey string
	for _, vm := range c.VolumeMounts {
		dir := filepath.Join(root, vm.MountPath)
		host[vm.MountPath] = dir
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		v := volumes[vm.Name]
		switch {
		case v.ConfigMap != nil:
			cm := findByName(m.configMaps, v.ConfigMap.Name)
			policyVol = &kubeletVolume{dir: dir}
			for k := range cm.Data {
				policyKey = k
			}
			policyVol.write(t, cm.Data)
		case v.Secret != nil:
			s := findByName(m.secrets, v.Secret.SecretName)
			files := map[string]string{}
			for _, it := range v.Secret.Items {
				files[it.Path] = s.StringData[it.Key]
			}
			(&kubeletVolume{dir: dir}).write(t, files)
		}
	}
	if policyVol == nil {
		t.Fatal("no ConfigMap volume")
	}

	publicPort, adminPort := freePort(t), freePort(t)
	args := []string{}
	for _, a := range c.Args {
		name, val, hasVal := strings.Cut(a, "=")
		switch {
		case name == "--listen":
			a = fmt.Sprintf("--listen=127.0.0.1:%d", publicPort)
		case name == "--admin-listen":
			a = fmt.Sprintf("--admin-listen=127.0.0.1:%d", adminPort)
		case hasVal && strings.HasPrefix(val, "/"):
			for mp, dir := range host {
				if rest, ok := strings.CutPrefix(val, mp); ok {
					a = name + "=" + dir + rest
				}
			}
		}
		args = append(args, a)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"HOME=" + root, "TMPDIR=" + host["/tmp"]}
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			cmd.Env = append(cmd.Env, e.Name+"="+e.Value)
		}
	}
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("qrgate log:\n%s", logs.String())
		}
	}()

	admin := fmt.Sprintf("http://127.0.0.1:%d", adminPort)
	get := func(path string) (int, string) {
		resp, err := http.Get(admin + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// Startup probe budget: periodSeconds × failureThreshold.
	sp := c.StartupProbe
	budget := time.Duration(sp.PeriodSeconds*sp.FailureThreshold) * time.Second
	start := time.Now()
	for {
		if code, _ := get(c.ReadinessProbe.HTTPGet.Path); code == http.StatusOK {
			break
		}
		if time.Since(start) > budget {
			t.Fatalf("%s not ready within the startup probe's %s", c.ReadinessProbe.HTTPGet.Path, budget)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("ready in %s", time.Since(start).Round(time.Millisecond))
	for _, p := range []*corev1.Probe{c.LivenessProbe, c.StartupProbe} {
		if code, body := get(p.HTTPGet.Path); code != http.StatusOK {
			t.Errorf("probe %s: %d %s", p.HTTPGet.Path, code, body)
		}
	}
	if code, body := get("/metrics"); code != http.StatusOK || !strings.Contains(body, "qrgate_policy_info") {
		t.Errorf("/metrics: %d, qrgate_policy_info missing", code)
	}

	// A ConfigMap update reaches the running process through the watch.
	cm := findByName(m.configMaps, volumes["policy"].ConfigMap.Name)
	policy := cm.Data[policyKey]
	verRE := regexp.MustCompile(`(?m)^version: .*$`)
	if !verRE.MatchString(policy) {
		t.Fatal("policy has no version line")
	}
	newPolicy := verRE.ReplaceAllString(policy, `version: "deploy-test.2"`)
	policyVol.write(t, map[string]string{policyKey: newPolicy})
	waitMetric := func(what string, re *regexp.Regexp) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			_, body := get("/metrics")
			if re.MatchString(body) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: /metrics never matched %s", what, re)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitMetric("ConfigMap update", regexp.MustCompile(`(?m)^qrgate_policy_info\{version="deploy-test.2"\} 1$`))
	waitMetric("ConfigMap update", regexp.MustCompile(`(?m)^qrgate_policy_reloads_total\{result="ok"\} [1-9]`))

	// A bad policy is refused; the good one stays.
	policyVol.write(t, map[string]string{policyKey: newPolicy + "\nno_such_key: true\n"})
	waitMetric("bad ConfigMap update", regexp.MustCompile(`(?m)^qrgate_policy_reloads_total\{result="error"\} [1-9]`))
	waitMetric("bad ConfigMap update", regexp.MustCompile(`(?m)^qrgate_policy_info\{version="deploy-test.2"\} 1$`))
	if code, _ := get(c.ReadinessProbe.HTTPGet.Path); code != http.StatusOK {
		t.Errorf("not ready after a refused policy: %d", code)
	}

	// SIGTERM (after preStop) ends the process cleanly within the grace period.
	grace := time.Duration(*pod.TerminationGracePeriodSeconds) * time.Second
	preStop := time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
	start = time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v, want status 0", err)
		}
		t.Logf("exited %s after SIGTERM", time.Since(start).Round(time.Millisecond))
	case <-time.After(grace - preStop):
		t.Errorf("still running %s after SIGTERM: the kubelet would SIGKILL it", grace-preStop)
	}
}
