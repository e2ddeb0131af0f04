package infra

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/lmibench/lmibench/platform"
)

// TestTemplateHasWhatInfraReads reads template.yaml, the stack users
// deploy, and checks that it gives every output infra reads, that each
// function's URL output and HTTP API event use the path platform.Functions
// names, and that the LMI function publishes to $LATEST.PUBLISHED.
func TestTemplateHasWhatInfraReads(t *testing.T) {
	b, err := os.ReadFile("template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// CloudFormation's short tags (!Sub, !Ref, !GetAtt) are kept as text.
	var tmpl struct {
		Parameters map[string]struct {
			MinValue int `yaml:"MinValue"`
		} `yaml:"Parameters"`
		Resources map[string]struct {
			Type       string    `yaml:"Type"`
			Properties yaml.Node `yaml:"Properties"`
		} `yaml:"Resources"`
		Outputs map[string]struct {
			Value yaml.Node `yaml:"Value"`
		} `yaml:"Outputs"`
	}
	if err := yaml.Unmarshal(b, &tmpl); err != nil {
		t.Fatal(err)
	}
	output := func(key string) string {
		o, ok := tmpl.Outputs[key]
		if !ok {
			t.Errorf("template.yaml has no output %s", key)
		}
		return o.Value.Value
	}
	output(OutputCapacityProviderName)
	output(OutputCapacityProviderArn)

	// Each function: a resource with its HTTP API path and memory, a URL
	// output ending in the path, a name output referring to the resource.
	byName := map[string]struct {
		Path       string `yaml:"-"`
		MemorySize int    `yaml:"MemorySize"`
		Publish    bool   `yaml:"PublishToLatestPublished"`
		Capacity   any    `yaml:"CapacityProviderConfig"`
		Events     map[string]struct {
			Properties struct {
				Path string `yaml:"Path"`
			} `yaml:"Properties"`
		} `yaml:"Events"`
	}{}
	for name, r := range tmpl.Resources {
		if r.Type != "AWS::Serverless::Function" {
			continue
		}
		v := byName[name]
		if err := r.Properties.Decode(&v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		byName[name] = v
	}
	for _, f := range platform.Functions {
		if url := output(f.URLOutput); !strings.HasSuffix(url, f.Path) {
			t.Errorf("output %s = %q; want a URL ending in %s", f.URLOutput, url, f.Path)
		}
		resource := output(f.NameOutput)
		fn, ok := byName[resource]
		if !ok {
			t.Errorf("output %s refers to %q, which is no function of the template", f.NameOutput, resource)
			continue
		}
		paths := []string{}
		for _, e := range fn.Events {
			paths = append(paths, e.Properties.Path)
		}
		if len(paths) != 1 || paths[0] != f.Path || fn.MemorySize != f.MemoryMB || (fn.Capacity != nil) != f.LMI {
			t.Errorf("%s serves %v with %d MB (on LMI: %v); want %s with %d MB (on LMI: %v)",
				resource, paths, fn.MemorySize, fn.Capacity != nil, f.Path, f.MemoryMB, f.LMI)
		}
		if f.LMI && !fn.Publish {
			t.Errorf("%s does not set PublishToLatestPublished: a second deploy would not reach $LATEST.PUBLISHED", resource)
		}
	}
	if min := tmpl.Parameters["MaxVCpuCount"].MinValue; min < 12 {
		t.Errorf("MaxVCpuCount's MinValue = %d; want at least 12 (three c8g.xlarge of 4 vCPUs)", min)
	}
}
