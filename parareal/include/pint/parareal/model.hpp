// The parareal performance model (SPEC section 3). tau_f, tau_g: fine and coarse
// cost of one slice; K: iterations after the initial coarse sweep; N slices over
// P time ranks, s = ceil(N / P) slices per rank (s = 1 gives the SPEC's forms).
#pragma once

#include <algorithm>

namespace pint::parareal {

struct ModelPrediction {
  double sequential = 0;   // N tau_f
  double synchronous = 0;  // N tau_g + K (s tau_f + N tau_g)
  double pipelined = 0;    // N tau_g + K s (tau_f + tau_g)
  double speedup_pipelined = 0;
  double speedup_bound = 0;  // N / K
};

inline ModelPrediction predict(int slices, int time_ranks, int iterations, double tau_f,
                               double tau_g) {
  const double N = slices, K = std::max(1, iterations);
  const double s = (slices + time_ranks - 1) / time_ranks;
  ModelPrediction m;
  m.sequential = N * tau_f;
  m.synchronous = N * tau_g + K * (s * tau_f + N * tau_g);
  m.pipelined = N * tau_g + K * s * (tau_f + tau_g);
  m.speedup_pipelined = m.pipelined > 0 ? m.sequential / m.pipelined : 0;
  m.speedup_bound = N / K;
  return m;
}

}  // namespace pint::parareal
