package main

import (
	"strconv"
	"strings"
)

// splitArgs takes flags from among the files: urfave/cli v2 stops
// reading flags at the first argument, and `report a.csv b.csv -o x.html`
// is how people write it. Each flag named in values takes a value (as
// -f V or -f=V), appended to its slice; each in switches sets its bool
// (-f, or -f=false); anything else starting with - is refused.
func splitArgs(cmd string, args []string, values map[string]*[]string, switches map[string]*bool) (files []string, err error) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			files = append(files, arg)
			continue
		}
		name, value, inline := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if sw, ok := switches[name]; ok { // a switch: --partial, or --partial=false
			on, err := strconv.ParseBool(value)
			if !inline {
				on, err = true, nil
			}
			if err != nil {
				return nil, badInput("%s: %s: want true or false", cmd, arg)
			}
			*sw = on
			continue
		}
		dst, ok := values[name]
		if !ok {
			return nil, badInput("%s: unknown flag %s", cmd, arg)
		}
		if !inline {
			if i+1 == len(args) {
				what := "a value"
				switch name {
				case "o", "output", "summary":
					what = "a file name"
				case "threshold":
					what = "a condition"
				}
				return nil, badInput("%s: %s needs %s", cmd, arg, what)
			}
			i++
			value = args[i]
		}
		*dst = append(*dst, value)
	}
	return files, nil
}

// last is the last value given, or def.
func last(vs []string, def string) string {
	if len(vs) == 0 {
		return def
	}
	return vs[len(vs)-1]
}
