package deploy

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

const manifestDir = "kubernetes"

// manifests is every object under deploy/kubernetes, decoded strictly.
type manifests struct {
	deployments []*appsv1.Deployment
	services    []*corev1.Service
	hpas        []*autoscalingv2.HorizontalPodAutoscaler
	pdbs        []*policyv1.PodDisruptionBudget
	configMaps  []*corev1.ConfigMap
	secrets     []*corev1.Secret
	accounts    []*corev1.ServiceAccount
}

// newObject returns the typed object for an apiVersion and kind; the
// manifests may hold only these.
func (m *manifests) newObject(apiVersion, kind string) (any, error) {
	switch apiVersion + " " + kind {
	case "apps/v1 Deployment":
		o := &appsv1.Deployment{}
		m.deployments = append(m.deployments, o)
		return o, nil
	case "v1 Service":
		o := &corev1.Service{}
		m.services = append(m.services, o)
		return o, nil
	case "autoscaling/v2 HorizontalPodAutoscaler":
		o := &autoscalingv2.HorizontalPodAutoscaler{}
		m.hpas = append(m.hpas, o)
		return o, nil
	case "policy/v1 PodDisruptionBudget":
		o := &policyv1.PodDisruptionBudget{}
		m.pdbs = append(m.pdbs, o)
		return o, nil
	case "v1 ConfigMap":
		o := &corev1.ConfigMap{}
		m.configMaps = append(m.configMaps, o)
		return o, nil
	case "v1 Secret":
		o := &corev1.Secret{}
		m.secrets = append(m.secrets, o)
		return o, nil
	case "v1 ServiceAccount":
		o := &corev1.ServiceAccount{}
		m.accounts = append(m.accounts, o)
		return o, nil
	}
	return nil, fmt.Errorf("unexpected apiVersion %q kind %q", apiVersion, kind)
}

// loadManifests decodes every YAML document under dir into its k8s.io/api
// type; unknown and duplicate fields are errors (sigs.k8s.io/yaml strict
// mode: YAML → JSON → json.Decoder with DisallowUnknownFields).
func loadManifests(t *testing.T, dir string) *manifests {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in %s: %v", dir, err)
	}
	m := &manifests{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(raw)))
		for n := 1; ; n++ {
			doc, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if len(bytes.TrimSpace(stripComments(doc))) == 0 {
				continue
			}
			var tm metav1.TypeMeta
			if err := yaml.Unmarshal(doc, &tm); err != nil {
				t.Errorf("%s doc %d: %v", f, n, err)
				continue
			}
			obj, err := m.newObject(tm.APIVersion, tm.Kind)
			if err != nil {
				t.Errorf("%s doc %d: %v", f, n, err)
				continue
			}
			if err := yaml.UnmarshalStrict(doc, obj); err != nil {
				t.Errorf("%s doc %d (%s): %v", f, n, tm.Kind, err)
				continue
			}
			meta := obj.(metav1.ObjectMetaAccessor).GetObjectMeta()
			for _, msg := range validation.IsDNS1123Subdomain(meta.GetName()) {
				t.Errorf("%s: %s name %q: %s", f, tm.Kind, meta.GetName(), msg)
			}
			if meta.GetNamespace() != "" {
				t.Errorf("%s: %s %s sets a namespace; leave it to kubectl -n / kustomize", f, tm.Kind, meta.GetName())
			}
			for k, v := range meta.GetLabels() {
				for _, msg := range append(validation.IsQualifiedName(k), validation.IsValidLabelValue(v)...) {
					t.Errorf("%s: label %s=%s: %s", f, k, v, msg)
				}
			}
		}
	}
	return m
}

func stripComments(doc []byte) []byte {
	var out []byte
	for _, line := range bytes.Split(doc, []byte("\n")) {
		if !bytes.HasPrefix(bytes.TrimSpace(line), []byte("#")) {
			out = append(append(out, line...), '\n')
		}
	}
	return out
}

// TestManifestsStrictDecode proves the strict decoding catches what
// kubeconform would: an unknown field and a wrong type.
func TestManifestsStrictDecode(t *testing.T) {
	for name, doc := range map[string]string{
		"unknown field": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replica: 2\n",
		"wrong type":    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replicas: two\n",
		"duplicate key": "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nmetadata: {name: y}\n",
	} {
		if err := yaml.UnmarshalStrict([]byte(doc), &appsv1.Deployment{}); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

func (m *manifests) one(t *testing.T) (*appsv1.Deployment, *corev1.Container) {
	t.Helper()
	if len(m.deployments) != 1 {
		t.Fatalf("want 1 Deployment, got %d", len(m.deployments))
	}
	d := m.deployments[0]
	for i := range d.Spec.Template.Spec.Containers {
		if c := &d.Spec.Template.Spec.Containers[i]; c.Name == "qrgate" {
			return d, c
		}
	}
	t.Fatal("Deployment has no container named qrgate")
	return nil, nil
}

// argValue returns the value of --name in a container's args.
func argValue(args []string, name string) (string, bool) {
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v, true
		}
		if a == name && i+1 < len(args) {
			return args[i+1], true
		}
	}
	return "", false
}

func portOf(addr string) int {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return -1
	}
	n, _ := strconv.Atoi(p)
	return n
}

// containerPort resolves a probe's or a Service's target port (number or
// name) to the container port number, or -1.
func containerPort(c *corev1.Container, p intstr.IntOrString) int {
	for _, cp := range c.Ports {
		if (p.Type == intstr.String && cp.Name == p.StrVal) || (p.Type == intstr.Int && cp.ContainerPort == p.IntVal) {
			return int(cp.ContainerPort)
		}
	}
	return -1
}

func TestDeployment(t *testing.T) {
	m := loadManifests(t, manifestDir)
	d, c := m.one(t)
	pod := &d.Spec.Template.Spec
	podLabels := labels.Set(d.Spec.Template.Labels)

	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil || sel.Empty() || !sel.Matches(podLabels) {
		t.Errorf("Deployment selector %v does not match its pod labels %v (%v)", d.Spec.Selector, podLabels, err)
	}
	if d.Spec.Replicas != nil && len(m.hpas) > 0 {
		t.Error("Deployment sets replicas while an HPA owns the count: every apply would reset it")
	}
	if len(c.Args) == 0 || c.Args[0] != "serve" {
		t.Fatalf("container args %q: want serve …", c.Args)
	}
	if strings.HasSuffix(c.Image, ":latest") || !strings.Contains(c.Image, ":") {
		t.Errorf("image %q: pin a tag or digest", c.Image)
	}

	// Resources: every container has requests and limits for CPU and memory.
	for _, ct := range append(slices.Clone(pod.InitContainers), pod.Containers...) {
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			req, okReq := ct.Resources.Requests[r]
			lim, okLim := ct.Resources.Limits[r]
			if !okReq || !okLim {
				t.Errorf("container %s: want %s request and limit", ct.Name, r)
				continue
			}
			if req.Cmp(lim) > 0 {
				t.Errorf("container %s: %s request %s above limit %s", ct.Name, r, req.String(), lim.String())
			}
		}
	}
	if v := envValue(c, "GOMEMLIMIT"); v != "" {
		lim := c.Resources.Limits[corev1.ResourceMemory]
		soft, err := parseGoBytes(v)
		if err != nil || soft >= lim.Value() {
			t.Errorf("GOMEMLIMIT=%s must parse and stay below the memory limit %s (%v)", v, lim.String(), err)
		}
	}

	// Probes: liveness /healthz and readiness /readyz on the admin port
	// the process really listens on.
	admin, ok := argValue(c.Args, "--admin-listen")
	if !ok || strings.HasPrefix(admin, "127.") || strings.HasPrefix(admin, "localhost") {
		t.Errorf("--admin-listen %q: probes and Prometheus need it on all interfaces (:9090)", admin)
	}
	adminPort := portOf(admin)
	for name, want := range map[string]struct {
		p    *corev1.Probe
		path string
	}{
		"liveness":  {c.LivenessProbe, "/healthz"},
		"readiness": {c.ReadinessProbe, "/readyz"},
		"startup":   {c.StartupProbe, "/healthz"},
	} {
		if want.p == nil {
			if name != "startup" {
				t.Errorf("no %s probe", name)
			}
			continue
		}
		g := want.p.HTTPGet
		if g == nil {
			t.Errorf("%s probe is not an httpGet", name)
			continue
		}
		if g.Path != want.path {
			t.Errorf("%s probe path %q, want %q", name, g.Path, want.path)
		}
		if p := containerPort(c, g.Port); p != adminPort {
			t.Errorf("%s probe port %v is container port %d, --admin-listen is %q", name, g.Port.String(), p, admin)
		}
	}
	if pub, _ := argValue(c.Args, "--listen"); containerPort(c, intstr.FromString("http")) != portOf(pub) {
		t.Errorf("container port http does not match --listen %q", pub)
	}

	// Graceful shutdown: preStop sleep + --shutdown-timeout fit in the grace period.
	grace := int64(30)
	if pod.TerminationGracePeriodSeconds != nil {
		grace = *pod.TerminationGracePeriodSeconds
	}
	var preStop int64
	if c.Lifecycle != nil && c.Lifecycle.PreStop != nil && c.Lifecycle.PreStop.Sleep != nil {
		preStop = c.Lifecycle.PreStop.Sleep.Seconds
	} else {
		t.Error("want a preStop sleep so load balancers drop the pod before SIGTERM")
	}
	st, ok := argValue(c.Args, "--shutdown-timeout")
	shutdown, err := time.ParseDuration(st)
	if !ok || err != nil {
		t.Errorf("set --shutdown-timeout explicitly so the grace period can be checked against it (%q, %v)", st, err)
	}
	if need := time.Duration(preStop)*time.Second + shutdown + 5*time.Second; time.Duration(grace)*time.Second < need {
		t.Errorf("terminationGracePeriodSeconds %d < preStop %ds + --shutdown-timeout %s + 5s to exit", grace, preStop, shutdown)
	}

	// Security: non-root, read-only root, no privilege escalation, no caps.
	sc := c.SecurityContext
	switch {
	case sc == nil:
		t.Fatal("container has no securityContext")
	case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
		t.Error("readOnlyRootFilesystem must be true")
	case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
		t.Error("allowPrivilegeEscalation must be false")
	case sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL"):
		t.Error("capabilities must drop ALL")
	case len(sc.Capabilities.Add) > 0:
		t.Errorf("capabilities add %v", sc.Capabilities.Add)
	}
	nonRoot := (sc.RunAsNonRoot != nil && *sc.RunAsNonRoot) ||
		(pod.SecurityContext != nil && pod.SecurityContext.RunAsNonRoot != nil && *pod.SecurityContext.RunAsNonRoot)
	if !nonRoot {
		t.Error("runAsNonRoot must be true")
	}
	if uid := pod.SecurityContext.RunAsUser; uid == nil || *uid == 0 {
		t.Error("pod runAsUser must be a non-zero uid")
	}

	// Writable paths the process needs are volumes (the root is read-only).
	mounts := map[string]corev1.VolumeMount{}
	for _, vm := range c.VolumeMounts {
		mounts[vm.MountPath] = vm
	}
	if dataDir, _ := argValue(c.Args, "--data-dir"); mounts[dataDir].Name == "" || mounts[dataDir].ReadOnly {
		t.Errorf("--data-dir %q is not a writable volume mount", dataDir)
	}
	checkFileFlags(t, m, pod, c)
	checkEnvRefs(t, m, c)
}

// checkFileFlags: --policy comes from the policy ConfigMap mounted as a
// directory (a subPath mount never sees updates), and the API keys and
// moderators files from the Secret.
func checkFileFlags(t *testing.T, m *manifests, pod *corev1.PodSpec, c *corev1.Container) {
	t.Helper()
	volumes := map[string]corev1.Volume{}
	for _, v := range pod.Volumes {
		volumes[v.Name] = v
	}
	for _, flagName := range []string{"--policy", "--api-keys-file", "--moderators-file"} {
		path, ok := argValue(c.Args, flagName)
		if !ok {
			t.Errorf("container does not set %s", flagName)
			continue
		}
		var found bool
		for _, vm := range c.VolumeMounts {
			rel, err := filepath.Rel(vm.MountPath, path)
			if err != nil || strings.HasPrefix(rel, "..") {
				continue
			}
			found = true
			if vm.SubPath != "" || vm.SubPathExpr != "" {
				t.Errorf("%s %s: mount %s uses subPath, which never sees updates", flagName, path, vm.Name)
			}
			v := volumes[vm.Name]
			switch {
			case v.ConfigMap != nil:
				cm := findByName(m.configMaps, v.ConfigMap.Name)
				if cm == nil {
					t.Errorf("%s: ConfigMap %s is not in the manifests", flagName, v.ConfigMap.Name)
				} else if _, ok := cm.Data[projectedKey(rel, v.ConfigMap.Items)]; !ok {
					t.Errorf("%s %s: ConfigMap %s has no key for %s", flagName, path, cm.Name, rel)
				}
			case v.Secret != nil:
				s := findByName(m.secrets, v.Secret.SecretName)
				if s == nil {
					t.Errorf("%s: Secret %s is not in the manifests", flagName, v.Secret.SecretName)
				} else if !secretHas(s, projectedKey(rel, v.Secret.Items)) {
					t.Errorf("%s %s: Secret %s has no key for %s", flagName, path, s.Name, rel)
				}
			default:
				t.Errorf("%s %s: volume %s is neither a ConfigMap nor a Secret", flagName, path, vm.Name)
			}
		}
		if !found {
			t.Errorf("%s %s is under no volume mount", flagName, path)
		}
	}
	if p, _ := argValue(c.Args, "--policy"); !strings.Contains(p, "/") {
		t.Errorf("--policy %q: want a file inside the mounted ConfigMap directory", p)
	}
}

func projectedKey(rel string, items []corev1.KeyToPath) string {
	for _, it := range items {
		if it.Path == rel {
			return it.Key
		}
	}
	if len(items) > 0 {
		return "" // items given, and none projects to rel
	}
	return rel
}

func secretHas(s *corev1.Secret, key string) bool {
	_, a := s.Data[key]
	_, b := s.StringData[key]
	return key != "" && (a || b)
}

func checkEnvRefs(t *testing.T, m *manifests, c *corev1.Container) {
	t.Helper()
	for _, e := range c.Env {
		if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
			continue
		}
		ref := e.ValueFrom.SecretKeyRef
		s := findByName(m.secrets, ref.Name)
		if s == nil || !secretHas(s, ref.Key) {
			t.Errorf("env %s refers to secret %s key %s, which the manifests lack", e.Name, ref.Name, ref.Key)
		}
	}
	if envValue(c, "QRGATE_STORE") == "" && !hasEnv(c, "QRGATE_STORE") {
		if _, ok := argValue(c.Args, "--store"); !ok {
			t.Error("no --store / QRGATE_STORE: replicas would each keep their own SQLite review queue")
		}
	}
}

func hasEnv(c *corev1.Container, name string) bool {
	return slices.ContainsFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == name })
}

func envValue(c *corev1.Container, name string) string {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

// parseGoBytes parses a GOMEMLIMIT value (a number with an optional
// B, KiB, MiB, GiB or TiB suffix).
func parseGoBytes(s string) (int64, error) {
	m := regexp.MustCompile(`^([0-9]+)(B|KiB|MiB|GiB|TiB)?$`).FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("bad GOMEMLIMIT %q", s)
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	shift := map[string]uint{"": 0, "B": 0, "KiB": 10, "MiB": 20, "GiB": 30, "TiB": 40}[m[2]]
	return n << shift, err
}

func findByName[T metav1.ObjectMetaAccessor](objs []T, name string) T {
	for _, o := range objs {
		if o.GetObjectMeta().GetName() == name {
			return o
		}
	}
	var zero T
	return zero
}

func TestServicesHPAAndPDB(t *testing.T) {
	m := loadManifests(t, manifestDir)
	d, c := m.one(t)
	podLabels := labels.Set(d.Spec.Template.Labels)

	if len(m.services) == 0 {
		t.Error("no Service")
	}
	for _, s := range m.services {
		if len(s.Spec.Selector) == 0 || !labels.SelectorFromSet(s.Spec.Selector).Matches(podLabels) {
			t.Errorf("Service %s selector %v does not match the pods %v", s.Name, s.Spec.Selector, podLabels)
		}
		for _, p := range s.Spec.Ports {
			if containerPort(c, p.TargetPort) < 0 {
				t.Errorf("Service %s port %s targets %s, not a container port", s.Name, p.Name, p.TargetPort.String())
			}
		}
	}

	if len(m.hpas) != 1 {
		t.Fatalf("want 1 HorizontalPodAutoscaler, got %d", len(m.hpas))
	}
	h := m.hpas[0]
	ref := h.Spec.ScaleTargetRef
	if ref.Kind != "Deployment" || ref.APIVersion != "apps/v1" || ref.Name != d.Name {
		t.Errorf("HPA targets %s %s %s, want apps/v1 Deployment %s", ref.APIVersion, ref.Kind, ref.Name, d.Name)
	}
	var cpu bool
	for _, mt := range h.Spec.Metrics {
		if mt.Type == autoscalingv2.ResourceMetricSourceType && mt.Resource != nil && mt.Resource.Name == corev1.ResourceCPU {
			cpu = true
			if u := mt.Resource.Target.AverageUtilization; u == nil || *u <= 0 || *u > 90 {
				t.Errorf("CPU target utilisation %v: want (0, 90]%% to leave headroom before 503s", u)
			}
		}
	}
	if !cpu {
		t.Error("HPA does not scale on CPU")
	}
	if _, ok := c.Resources.Requests[corev1.ResourceCPU]; !ok {
		t.Error("HPA on CPU utilisation needs a CPU request")
	}
	minR := int32(1)
	if h.Spec.MinReplicas != nil {
		minR = *h.Spec.MinReplicas
	}
	if minR < 2 || h.Spec.MaxReplicas < minR {
		t.Errorf("HPA replicas [%d, %d]: want at least 2 for availability", minR, h.Spec.MaxReplicas)
	}

	if len(m.pdbs) != 1 {
		t.Fatalf("want 1 PodDisruptionBudget, got %d", len(m.pdbs))
	}
	p := m.pdbs[0]
	sel, err := metav1.LabelSelectorAsSelector(p.Spec.Selector)
	if err != nil || sel.Empty() || !sel.Matches(podLabels) {
		t.Errorf("PDB selector %v does not match the pods %v", p.Spec.Selector, podLabels)
	}
	switch {
	case p.Spec.MaxUnavailable != nil && p.Spec.MaxUnavailable.Type == intstr.Int:
		if mu := p.Spec.MaxUnavailable.IntVal; mu < 1 || mu >= minR {
			t.Errorf("PDB maxUnavailable %d with minReplicas %d: drains would block or empty the service", mu, minR)
		}
	case p.Spec.MinAvailable != nil && p.Spec.MinAvailable.Type == intstr.Int:
		if ma := p.Spec.MinAvailable.IntVal; ma >= minR {
			t.Errorf("PDB minAvailable %d with minReplicas %d blocks every drain", ma, minR)
		}
	}
}

// TestSecretPlaceholders keeps real secrets out of the repository: every
// value in the Secret is a marked placeholder.
func TestSecretPlaceholders(t *testing.T) {
	m := loadManifests(t, manifestDir)
	if len(m.secrets) == 0 {
		t.Fatal("no Secret")
	}
	for _, s := range m.secrets {
		if len(s.Data) > 0 {
			t.Errorf("Secret %s: use stringData with visible placeholders, not data", s.Name)
		}
		for k, v := range s.StringData {
			for _, line := range strings.Split(strings.TrimSpace(v), "\n") {
				if !strings.Contains(line, "CHANGE-ME") {
					t.Errorf("Secret %s key %s: line %q is not a CHANGE-ME placeholder", s.Name, k, line)
				}
			}
		}
	}
}

// TestManifestsAgainstBinary checks the manifests against the binary the
// Dockerfile builds: every flag exists, and the policy ConfigMap passes
// `qrgate policy check`.
func TestManifestsAgainstBinary(t *testing.T) {
	bin := qrgateBinary(t)
	m := loadManifests(t, manifestDir)
	_, c := m.one(t)

	help, _ := exec.Command(bin, "serve", "--help").CombinedOutput()
	known := map[string]bool{}
	for _, mm := range regexp.MustCompile(`(?m)^\s+-([a-z0-9-]+)`).FindAllSubmatch(help, -1) {
		known[string(mm[1])] = true
	}
	if len(known) == 0 {
		t.Fatalf("no flags in qrgate serve --help:\n%s", help)
	}
	for _, a := range c.Args[1:] {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && !known[name] {
			t.Errorf("qrgate serve has no flag %s", a)
		}
	}
	for _, e := range c.Env {
		if name, ok := strings.CutPrefix(e.Name, "QRGATE_"); ok {
			if f := strings.ToLower(strings.ReplaceAll(name, "_", "-")); !known[f] {
				t.Errorf("env %s: qrgate serve has no flag --%s", e.Name, f)
			}
		}
	}

	for _, cm := range m.configMaps {
		for key, policy := range cm.Data {
			f := filepath.Join(t.TempDir(), key)
			if err := os.WriteFile(f, []byte(policy), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(bin, "policy", "check", f).CombinedOutput()
			if err != nil {
				t.Errorf("ConfigMap %s key %s: qrgate policy check: %v\n%s", cm.Name, key, err, out)
			} else {
				t.Logf("ConfigMap %s: %s", cm.Name, bytes.TrimSpace(out))
			}
		}
	}
}
