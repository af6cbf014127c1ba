package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseRunArgs(t *testing.T) {
	cases := []struct {
		args   []string
		script string
		rest   []string
		config map[string]string
		err    string
	}{
		{args: []string{"job.py", "a", "-pyfs", "x"}, script: "job.py", rest: []string{"a", "-pyfs", "x"}, config: map[string]string{}},
		{args: []string{"-pyfs", "u.py,v.py", "-pyarch", "venv.zip#env", "-pyreq", "req.txt#cache", "-pyexec", "/usr/bin/python3", "-py", "job.py", "--in", "f"},
			script: "job.py", rest: []string{"--in", "f"},
			config: map[string]string{"python.files": "u.py,v.py", "python.archives": "venv.zip#env", "python.requirements": "req.txt#cache", "python.executable": "/usr/bin/python3"}},
		{args: []string{"--pyFiles", "u.py", "-D", "parallelism.default=2", "-Dpipeline.name=x", "--python", "j.py"},
			script: "j.py", rest: []string{}, config: map[string]string{"python.files": "u.py", "parallelism.default": "2", "pipeline.name": "x"}},
		{args: []string{"--", "-odd.py", "1"}, script: "-odd.py", rest: []string{"1"}, config: map[string]string{}},
		{args: []string{"-pyfs"}, err: "needs a value"},
		{args: []string{"-x", "job.py"}, err: "unknown option -x"},
		{args: []string{"-D", "novalue", "job.py"}, err: "key=value"},
	}
	for _, tc := range cases {
		o, err := parseRunArgs(tc.args)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%v: err = %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", tc.args, err)
			continue
		}
		if o.script != tc.script || !reflect.DeepEqual(append([]string{}, o.args...), tc.rest) || !reflect.DeepEqual(o.config, tc.config) {
			t.Errorf("%v: got script %q args %q config %v", tc.args, o.script, o.args, o.config)
		}
	}
}

func TestScriptEnv(t *testing.T) {
	env := scriptEnv([]string{"HOME=/h", "PYTHONPATH=/mine", "SPRY_GATEWAY=old:1"}, "127.0.0.1:5", "/shim")
	got := strings.Join(env, "\n")
	if !strings.Contains(got, "SPRY_GATEWAY=127.0.0.1:5") || strings.Contains(got, "old:1") || !strings.Contains(got, "HOME=/h") {
		t.Errorf("env = %v", env)
	}
	for _, kv := range env {
		if strings.HasPrefix(kv, "PYTHONPATH=") {
			if !strings.HasPrefix(kv, "PYTHONPATH=/shim:") || !strings.HasSuffix(kv, ":/mine") {
				t.Errorf("PYTHONPATH = %s", kv)
			}
		}
	}
}
