// Package platform is the vocabulary shared by what a benchmark runs
// against and what reads its results: the endpoints (Target), the
// benchmark's three Lambda functions, the series a platform reports over a
// run, and the Platform seam that the scenario loop drives. Producers of
// data (infra, emulator, attack) and the renderer (report) all import it,
// so no producer imports the renderer.
package platform
