package emulator

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/lmibench/lmibench/function"
	"github.com/lmibench/lmibench/report"
)

// model is one emulated function. invoke returns function.ErrThrottled
// when the model has no capacity for the request.
type model interface {
	invoke(ctx context.Context, w function.Work) (function.Response, error)
	close()
}

// Emulator serves the three endpoints of function.Endpoints, each on its
// model: 128 and 2048 on the standard model, lmi on LMI.
type Emulator struct {
	cfg     Config
	std128  *standard
	std2048 *standard
	lmi     *lmi
}

// New starts the models (the LMI scaler runs until Close).
func New(cfg Config) (*Emulator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ids := &idSource{}
	account := &accountLimit{max: int64(cfg.AccountConcurrency)}
	return &Emulator{
		cfg:     cfg,
		std128:  newStandard(cfg, 128, account, ids),
		std2048: newStandard(cfg, 2048, account, ids),
		lmi:     newLMI(cfg, ids),
	}, nil
}

// Config is the emulator's configuration.
func (e *Emulator) Config() Config { return e.cfg }

// Close stops the platform's background work.
func (e *Emulator) Close() {
	e.std128.close()
	e.std2048.close()
	e.lmi.close()
}

// Handler serves the endpoints with the function's JSON answers, 400 for
// bad parameters, 429 when the model throttles. The hash is not computed
// (its CPU time is modelled), so the hash field is empty.
func (e *Emulator) Handler() http.Handler {
	mux := http.NewServeMux()
	models := map[string]model{"128": e.std128, "2048": e.std2048, "lmi": e.lmi}
	for _, ep := range function.Endpoints {
		m := models[ep.Name]
		mux.HandleFunc("GET "+ep.Path, func(w http.ResponseWriter, r *http.Request) { function.ServeWith(w, r, m.invoke) })
	}
	return mux
}

// State is the platform at a moment, as the emulator sees it.
type State struct {
	Envs128, Envs2048, EnvsLMI, InstancesLMI  int
	Throttles128, Throttles2048, ThrottlesLMI int64
	ColdStarts                                int64
}

// State reports the environments, instances and throttles now.
func (e *Emulator) State() State {
	s := State{Envs128: e.std128.count(), Envs2048: e.std2048.count()}
	s.EnvsLMI, s.InstancesLMI = e.lmi.counts()
	s.Throttles128, s.Throttles2048, s.ThrottlesLMI = e.std128.throttles.Load(), e.std2048.throttles.Load(), e.lmi.throttles.Load()
	s.ColdStarts = e.std128.colds.Load() + e.std2048.colds.Load()
	return s
}

// SampleEvery is how often Observe records the platform's state.
const SampleEvery = time.Second

// Observe records the platform every SampleEvery from start, for the
// report's "platform" chart, like the CloudWatch series of a deployed run.
func (e *Emulator) Observe(start time.Time) func(end time.Time) ([]report.Series, error) {
	names := []struct{ name, unit string }{
		{"128 environments", "environments"}, {"2048 environments", "environments"}, {"lmi environments", "environments"},
		{"lmi instances", "instances"}, {"throttles (429) per second", "throttles"},
	}
	series := make([]report.Series, len(names))
	for i, n := range names {
		series[i] = report.Series{Name: n.name, Unit: n.unit}
	}
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
			throttles := s.Throttles128 + s.Throttles2048 + s.ThrottlesLMI
			for i, v := range []float64{float64(s.Envs128), float64(s.Envs2048), float64(s.EnvsLMI), float64(s.InstancesLMI),
				float64(throttles-lastThrottles) / SampleEvery.Seconds()} {
				series[i].Points = append(series[i].Points, [2]float64{at, v})
			}
			lastThrottles = throttles
			select {
			case <-t.C:
			case <-stop:
				return
			}
		}
	}()
	return func(time.Time) ([]report.Series, error) {
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
