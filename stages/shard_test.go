package stages

import (
	"errors"
	"testing"
)

// TestShardVUsStripe: for N = 1..16, shard I's users of v are exactly the
// users k ≤ v with (k−1) mod N = I, so the shards' counts sum to v at
// every v and a user never changes shard as v grows or falls.
func TestShardVUsStripe(t *testing.T) {
	for n := 1; n <= 16; n++ {
		for v := 0; v <= 300; v++ {
			sum := 0
			for i := range n {
				s := Shard{Index: i, Count: n}
				owned := 0
				for k := 1; k <= v; k++ {
					if (k-1)%n == i {
						owned++
					}
				}
				if got := s.VUs(v); got != owned {
					t.Fatalf("shard %v of %d users = %d; want the %d users striped to it", s, v, got, owned)
				}
				// Below(m) is the last v at which the shard has at most m.
				if m := s.VUs(v); s.Below(m) < v || s.VUs(s.Below(m)+1) != m+1 {
					t.Fatalf("shard %v: Below(%d) = %d at v = %d", s, m, s.Below(m), v)
				}
				sum += s.VUs(v)
			}
			if sum != v {
				t.Fatalf("%d shards of %d users sum to %d", n, v, sum)
			}
		}
	}
}

func TestParseShard(t *testing.T) {
	fromEnv := func() (int, error) { return 3, nil }
	noEnv := func() (int, error) { return 0, errors.New("no index in the environment") }
	for _, c := range []struct {
		in   string
		env  func() (int, error)
		want Shard
		err  bool
	}{
		{"0/4", noEnv, Shard{0, 4}, false},
		{"3/4", noEnv, Shard{3, 4}, false},
		{"auto/4", fromEnv, Shard{3, 4}, false},
		{"auto/3", fromEnv, Shard{}, true},
		{"auto/4", noEnv, Shard{}, true},
		{"4/4", noEnv, Shard{}, true},
		{"-1/4", noEnv, Shard{}, true},
		{"1/0", noEnv, Shard{}, true},
		{"1", noEnv, Shard{}, true},
		{"a/b", noEnv, Shard{}, true},
	} {
		got, err := ParseShard(c.in, c.env)
		if (err != nil) != c.err || (!c.err && got != c.want) {
			t.Errorf("ParseShard(%q) = %v, %v; want %v (error: %v)", c.in, got, err, c.want, c.err)
		}
	}
}

// FuzzParseShard: any input is refused or gives an index within its count.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"0/4", "auto/2", "9999/10000", "1/", "/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseShard(in, func() (int, error) { return 0, nil })
		if err == nil && (s.Index < 0 || s.Index >= s.Count || s.Count > MaxShards) {
			t.Fatalf("ParseShard(%q) = %v", in, s)
		}
	})
}
