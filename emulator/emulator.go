package emulator

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/platform"
)

// model is one emulated function. invoke returns function.ErrThrottled
// when the model has no capacity for the request.
type model interface {
	invoke(ctx context.Context, w function.Work) (function.Response, error)
	close()
}

// Emulator serves the three functions of platform.Functions, each on its
// model: the standard ones (128 and 2048 MB) on the standard model, the LMI
// one on LMI.
type Emulator struct {
	cfg    Config
	models []model // in the order of platform.Functions
	std    []*standard
	lmi    *lmi
}

// New starts the models (the LMI scaler runs until Close).
func New(cfg Config) (*Emulator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ids := &idSource{}
	account := &accountLimit{max: int64(cfg.AccountConcurrency)}
	e := &Emulator{cfg: cfg}
	for _, f := range platform.Functions {
		if f.LMI {
			e.lmi = newLMI(cfg, ids)
			e.models = append(e.models, e.lmi)
			continue
		}
		s := newStandard(cfg, f.MemoryMB, account, ids)
		e.std = append(e.std, s)
		e.models = append(e.models, s)
	}
	return e, nil
}

// Config is the emulator's configuration.
func (e *Emulator) Config() Config { return e.cfg }

// Close stops the platform's background work.
func (e *Emulator) Close() {
	for _, m := range e.models {
		m.close()
	}
}

// Handler serves the endpoints with the function's JSON answers, 400 for
// bad parameters, 429 when the model throttles. The hash is not computed
// (its CPU time is modelled), so the hash field is empty.
func (e *Emulator) Handler() http.Handler {
	mux := http.NewServeMux()
	for i, f := range platform.Functions {
		m := e.models[i]
		mux.HandleFunc("GET "+f.Path, func(w http.ResponseWriter, r *http.Request) { function.ServeWith(w, r, m.invoke) })
	}
	return mux
}

// State is the platform at a moment, as the emulator sees it.
type State struct {
	// Envs are the execution environments of each function, in the order
	// of platform.Functions.
	Envs []int
	// Instances are the LMI capacity provider's instances.
	Instances int
	// Throttles and ColdStarts count since the start, over all functions.
	Throttles, ColdStarts int64
}

// State reports the environments, instances and throttles now.
func (e *Emulator) State() State {
	var s State
	for _, m := range e.models {
		switch m := m.(type) {
		case *standard:
			s.Envs = append(s.Envs, m.count())
			s.Throttles += m.throttles.Load()
			s.ColdStarts += m.colds.Load()
		case *lmi:
			envs, instances := m.counts()
			s.Envs = append(s.Envs, envs)
			s.Instances = instances
			s.Throttles += m.throttles.Load()
		}
	}
	return s
}

// SampleEvery is how often Observe records the platform's state.
const SampleEvery = time.Second

// Observe records the platform every SampleEvery from start, for the
// report's "platform" chart, like the CloudWatch series of a deployed run.
func (e *Emulator) Observe(start time.Time) func(end time.Time) ([]platform.Series, error) {
	var series []platform.Series
	for _, f := range platform.Functions {
		series = append(series, platform.Series{Name: f.Name + " environments", Unit: "environments", Endpoint: f.Name})
	}
	for _, f := range platform.Functions {
		if f.LMI {
			series = append(series, platform.Series{Name: f.Name + " instances", Unit: "instances", Endpoint: f.Name, Metric: platform.MetricInstances})
		}
	}
	series = append(series, platform.Series{Name: "throttles (429) per second", Unit: "throttles"})
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(SampleEvery)
		defer t.Stop()
		var lastThrottles int64
		for {
			s := e.State()
			at := time.Since(start).Seconds()
			values := make([]float64, 0, len(series))
			for _, n := range s.Envs {
				values = append(values, float64(n))
			}
			if e.lmi != nil {
				values = append(values, float64(s.Instances))
			}
			values = append(values, float64(s.Throttles-lastThrottles)/SampleEvery.Seconds())
			for i, v := range values {
				series[i].Points = append(series[i].Points, [2]float64{at, v})
			}
			lastThrottles = s.Throttles
			select {
			case <-t.C:
			case <-stop:
				return
			}
		}
	}()
	return func(time.Time) ([]platform.Series, error) {
		close(stop)
		<-done
		return series, nil
	}
}

// idSource makes execution environment ids: random, as on Lambda.
type idSource struct{}

func (*idSource) next() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b[:])
}
