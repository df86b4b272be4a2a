#include "pint/core/ensemble.hpp"
#include "pint/core/runtime.hpp"
#include "pint/core/systems.hpp"
#include "pint/core/time_grid.hpp"
#include "pint/parareal/solver.hpp"

#include "../test_category.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace {

using namespace pint;
using core::Distribution;
using core::Oscillator;
using Mem = test::TEST_MEMSPACE;
using Exec = test::TEST_EXECSPACE;
using parareal::Decomposition;
using parareal::Options;

// The mapping of members to work items the parareal solves use: the backend's
// own, or the one this executable is built with (pint_parareal_one_member_per_item_tests:
// kernels::OneMemberPerItem, the GPU's, on a host backend). The sequential
// references keep the backend's own mapping, so the bit-for-bit checks compare
// the two mappings.
#ifdef PINT_TEST_MAPPING
using Mapping = PINT_TEST_MAPPING;
#else
using Mapping = kernels::NaturalMapping;
#endif

MPI_Comm world() {
  return core::Runtime::current()->world();
}
int world_size() {
  return core::Runtime::current()->size();
}
int world_rank() {
  return core::Runtime::current()->rank();
}

core::EnsembleSpec mixed_ensemble(std::int64_t members) {
  core::EnsembleSpec spec;
  spec.members = members;
  spec.seed = 2024;
  spec.params = {Distribution::uniform(0.5, 2.0), Distribution::uniform(0.05, 1.5)};
  spec.initial = {Distribution::uniform(-1.0, 1.0), Distribution::uniform(-1.0, 1.0)};
  return spec;
}

// Every boundary state T_1..T_N of every member, assembled on all ranks from the
// slices and members each rank owns (each entry is owned by exactly one rank).
std::vector<double> gather(const parareal::Result& r, const Decomposition& dec) {
  const int N = dec.slices();
  const std::int64_t M = dec.members();
  const int D = r.dim;
  std::vector<double> all(static_cast<size_t>(N) * M * D, 0.0);
  const auto [mb, me] = dec.member_range();
  for (size_t i = 0; i < r.owned_slices.size(); ++i) {
    for (std::int64_t m = 0; m < me - mb; ++m)
      for (int c = 0; c < D; ++c)
        all[(static_cast<size_t>(r.owned_slices[i]) * M + mb + m) * D + c] =
            r.end_states[(i * static_cast<size_t>(me - mb) + m) * D + c];
  }
  MPI_Allreduce(MPI_IN_PLACE, all.data(), static_cast<int>(all.size()), MPI_DOUBLE, MPI_SUM,
                dec.world());
  return all;
}

// The sequential fine solution of members [b, e) at T_1..T_N on this rank.
std::vector<double> sequential(const core::EnsembleSpec& spec, const std::vector<double>& t,
                               const parareal::Propagator& fine) {
  auto ens = core::make_ensemble<Oscillator, Mem>(spec, 0, spec.members);
  return parareal::solve_sequential<Oscillator>(Exec(), ens, t, fine);
}

struct Run {
  parareal::Result result;
  std::vector<double> boundaries;
};

Run run(MPI_Comm comm, const core::EnsembleSpec& spec, const std::vector<double>& t,
        const Options& opt, int p_time = 0, int p_members = 1, int window = 0) {
  Decomposition dec(comm, static_cast<int>(t.size()) - 1, spec.members, p_time, p_members, window);
  const auto [b, e] = dec.member_range();
  auto ens = core::make_ensemble<Oscillator, Mem>(spec, b, e);
  Run out;
  out.result = parareal::solve<Oscillator, Mapping>(Exec(), dec, ens, t, opt);
  out.boundaries = gather(out.result, dec);
  return out;
}

using parareal::Placement;
const Placement block{Placement::Kind::block, 1};
const Placement cyclic{Placement::Kind::cyclic, 1};
Placement block_cyclic(int cycle) {
  return {Placement::Kind::cyclic, cycle};
}
const Placement automatic{Placement::Kind::automatic, 1};

// Block, cyclic and the block-cyclic deals that give every one of the world's
// ranks a slice of `slices`.
std::vector<Placement> placements(int slices) {
  std::vector<Placement> out{block, cyclic};
  for (int cycle = 2; cycle * (world_size() - 1) < slices && cycle <= 3; ++cycle)
    out.push_back(block_cyclic(cycle));
  return out;
}

TEST(TEST_CATEGORY, after_k_iterations_the_first_k_slices_are_exact) {
  const auto spec = mixed_ensemble(37);
  const auto t = core::linspace(0.0, 8.0, 9);  // 8 slices
  Options opt;
  opt.fine = {kernels::Method::rk4, 0.05, 0};
  opt.coarse = {kernels::Method::euler, 0.0, 1};
  opt.tolerance = 0.0;     // never converged by tolerance: run exactly k iterations
  opt.progress_spans = 7;  // fine solves of 20 steps in spans of 3: the same bits
  opt.min_span_steps = 1;
  const auto ref = sequential(spec, t, opt.fine);
  const size_t per_slice = static_cast<size_t>(spec.members) * 2;
  for (const Placement& p : placements(8)) {
    opt.placement = p;
    const std::string name = parareal::placement_name(p);
    for (int k = 1; k <= 8; ++k) {
      opt.max_iterations = k;
      const auto r = run(world(), spec, t, opt);
      ASSERT_EQ(r.result.iterations, k) << name;
      ASSERT_EQ(r.result.placement, p);
      for (int n = 0; n < 8; ++n) {
        int identical = 1;
        for (size_t j = 0; j < per_slice; ++j)
          identical &= r.boundaries[n * per_slice + j] == ref[n * per_slice + j];
        if (n < k) {
          EXPECT_TRUE(identical) << name << ": slice " << n << " after " << k << " iterations";
        } else if (k < 4) {
          EXPECT_FALSE(identical) << name << ": slice " << n << " exact too early after " << k;
        }
      }
    }
  }
}

TEST(TEST_CATEGORY, seed_tutorial_setting_converges_the_same_on_every_rank_count) {
  core::EnsembleSpec spec;
  spec.params = {Distribution::constant(1.0), Distribution::constant(0.5)};
  spec.initial = {Distribution::constant(1.0), Distribution::constant(0.0)};
  const auto t = core::linspace(0.0, 15.0, 20);
  Options opt;
  opt.fine = {kernels::Method::euler, 0.01, 0};
  opt.coarse = {kernels::Method::euler, 0.0, 1};
  opt.tolerance = 1e-4;
  const auto alone = run(MPI_COMM_SELF, spec, t, opt);  // one rank
  EXPECT_EQ(alone.result.iterations, 14) << "the seed tutorial's count";
  auto with = placements(19);
  with.push_back(automatic);
  for (const Placement& p : with) {
    opt.placement = p;
    const auto r = run(world(), spec, t, opt);
    const std::string name = parareal::placement_name(p);
    EXPECT_TRUE(r.result.converged) << name;
    EXPECT_EQ(r.result.iterations, alone.result.iterations) << name;
    EXPECT_EQ(r.result.windows[0].history, alone.result.windows[0].history) << name;
    EXPECT_EQ(r.boundaries, alone.boundaries) << name;
    if (p.kind == Placement::Kind::automatic) {
      EXPECT_NE(r.result.placement.kind, Placement::Kind::automatic);
      EXPECT_EQ(r.result.placement_model.size() > 1, world_size() > 1);
      if (world_rank() == 0) {
        std::printf("auto placement on %d rank(s): %s\n", world_size(),
                    parareal::placement_name(r.result.placement).c_str());
      }
    }
  }
  opt.placement = block;
  const auto all = run(world(), spec, t, opt);
  // The model replays each time rank with its own measured costs; the slowest
  // is the one reported.
  const auto& res = all.result;
  ASSERT_EQ(res.tau_f_ranks.size(), static_cast<size_t>(world_size()));
  ASSERT_EQ(res.tau_g_ranks.size(), static_cast<size_t>(world_size()));
  EXPECT_EQ(*std::max_element(res.tau_f_ranks.begin(), res.tau_f_ranks.end()), res.tau_f);
  EXPECT_EQ(*std::max_element(res.tau_g_ranks.begin(), res.tau_g_ranks.end()), res.tau_g);
  EXPECT_GT(*std::min_element(res.tau_f_ranks.begin(), res.tau_f_ranks.end()), 0.0);
  ASSERT_EQ(res.sink_ranks.size(), static_cast<size_t>(world_size()));
  ASSERT_EQ(res.sink_final_ranks.size(), static_cast<size_t>(world_size()));
  ASSERT_EQ(res.other_ranks.size(), static_cast<size_t>(world_size()));
  // Every second of a rank's solve is in one of its phases or in `other`.
  const auto& tm = res.timings;
  EXPECT_GE(tm.other, 0.0);
  EXPECT_NEAR(tm.setup + tm.coarse + tm.fine + tm.output + tm.waiting + tm.communication + tm.other,
              tm.total, 1e-9 * tm.total + 1e-12);
  // One fine solve per iteration has an exact input (slice k - 1 in iteration
  // k), and the speculative iteration K + 1 may complete its own.
  int finals = tm.final_solves;
  MPI_Allreduce(MPI_IN_PLACE, &finals, 1, MPI_INT, MPI_SUM, world());
  EXPECT_GE(finals, res.iterations);
  EXPECT_LE(finals, res.iterations + 1);
  parareal::RankCosts costs;  // what the solver's model replays
  for (size_t p = 0; p < res.tau_f_ranks.size(); ++p) {
    EXPECT_GE(res.other_ranks[p], 0.0);
    costs.fine.push_back(res.tau_f_ranks[p] + res.sink_ranks[p]);
    costs.fine_final.push_back(res.tau_f_ranks[p] + res.sink_final_ranks[p]);
    costs.coarse.push_back(res.tau_g_ranks[p] + res.other_ranks[p]);
  }
  EXPECT_DOUBLE_EQ(res.model.schedule,
                   parareal::schedule(19, parareal::place(0, 19, world_size(), block),
                                      res.iterations, costs, res.messages));
  EXPECT_DOUBLE_EQ(res.model.predicted,
                   res.model.schedule + res.model.setup + res.model.output_after);
  const auto ref = sequential(spec, t, opt.fine);
  double err = 0;
  for (size_t j = 0; j < ref.size(); ++j)
    err = std::max(err, std::fabs(all.boundaries[j] - ref[j]));
  EXPECT_LT(err, 1e-4);
  if (world_rank() == 0) {
    std::printf("seed setting on %d rank(s): %d iterations, history", world_size(),
                all.result.iterations);
    for (double h : all.result.windows[0].history)
      std::printf(" %.3e", h);
    std::printf(", max |U - fine| = %.3e\n", err);
  }
  // Same iteration count and history on every rank.
  int iters[2] = {all.result.iterations, -all.result.iterations};
  MPI_Allreduce(MPI_IN_PLACE, iters, 2, MPI_INT, MPI_MAX, world());
  EXPECT_EQ(iters[0], -iters[1]);
}

TEST(TEST_CATEGORY, member_blocks_and_windows_match_the_one_dimensional_run) {
  const auto spec = mixed_ensemble(101);
  const auto t = core::linspace(0.0, 6.0, 13);  // 12 slices
  Options opt;
  opt.fine = {kernels::Method::heun, 0.02, 0};
  opt.coarse = {kernels::Method::implicit_midpoint, 0.0, 2};
  opt.tolerance = 1e-6;
  const auto one_d = run(world(), spec, t, opt);
  // All ranks as member blocks, one time rank: the same iterations and bits.
  const auto two_d = run(world(), spec, t, opt, 1, world_size());
  EXPECT_EQ(two_d.result.iterations, one_d.result.iterations);
  EXPECT_EQ(two_d.result.windows[0].history, one_d.result.windows[0].history);
  EXPECT_EQ(two_d.boundaries, one_d.boundaries);
  if (world_size() == 4) {
    const auto square = run(world(), spec, t, opt, 2, 2);
    EXPECT_EQ(square.result.windows[0].history, one_d.result.windows[0].history);
    EXPECT_EQ(square.boundaries, one_d.boundaries);
  }
  // Windows of 4 slices, run to exactness, equal the 1-D run to exactness and
  // the sequential fine solution, bit for bit.
  opt.tolerance = 0.0;
  const auto exact = run(world(), spec, t, opt);
  const auto windowed = run(world(), spec, t, opt, 0, 1, 4);
  ASSERT_EQ(windowed.result.windows.size(), 3u);
  EXPECT_EQ(windowed.boundaries, exact.boundaries);
  for (const Placement& p : placements(4)) {
    opt.placement = p;  // slices dealt within each window, also to member blocks
    const auto dealt = run(world(), spec, t, opt, 0, 1, 4);
    EXPECT_EQ(dealt.boundaries, exact.boundaries) << parareal::placement_name(p);
    if (world_size() == 4) {
      const auto square = run(world(), spec, t, opt, 2, 2, 4);
      EXPECT_EQ(square.boundaries, exact.boundaries) << parareal::placement_name(p);
    }
  }
  EXPECT_EQ(exact.boundaries, sequential(spec, t, opt.fine));
}

TEST(TEST_CATEGORY, a_large_mixed_ensemble_converges_member_by_member) {
  const auto spec = mixed_ensemble(10000);
  const auto t = core::linspace(0.0, 10.0, 11);
  Options opt;
  opt.fine = {kernels::Method::rk4, 0.01, 0};
  opt.coarse = {kernels::Method::implicit_midpoint, 0.0, 4};
  opt.tolerance = 1e-6;
  const auto r = run(world(), spec, t, opt);
  EXPECT_TRUE(r.result.converged);
  EXPECT_LT(r.result.iterations, 10);
  const auto ref = sequential(spec, t, opt.fine);
  double err = 0;
  for (size_t j = 0; j < ref.size(); ++j)
    err = std::max(err, std::fabs(r.boundaries[j] - ref[j]));
  EXPECT_LT(err, opt.tolerance) << "after " << r.result.iterations << " iterations";
  if (world_rank() == 0)
    std::printf("10^4 members: %d iterations, max |U - fine| = %.3e\n", r.result.iterations, err);
}

// Resuming: fine results handed back through stored_fine (as the pint command
// reads them from complete files) end the run bit for bit like the first one.
TEST(TEST_CATEGORY, stored_fine_results_reproduce_the_run_bitwise) {
  const auto spec = mixed_ensemble(53);
  const auto t = core::linspace(0.0, 6.0, 9);
  Options opt;
  opt.fine = {kernels::Method::rk4, 0.02, 0};
  opt.coarse = {kernels::Method::euler, 0.0, 2};
  opt.tolerance = 1e-7;
  for (const Placement& p : {block, cyclic}) {
    opt.placement = p;
    // First run: a sink keeps every fine solve's last saved row (its end state).
    std::map<std::pair<int, int>, std::vector<double>> store;
    Decomposition dec(world(), 8, spec.members, 0, 1);
    const auto [b, e] = dec.member_range();
    auto ens = core::make_ensemble<Oscillator, Mem>(spec, b, e);
    struct Capture : core::TrajectorySink {
      std::map<std::pair<int, int>, std::vector<double>>* store;
      core::SolveDescription solve;
      std::vector<double> last;
      void begin(const core::SolveDescription& s) override { solve = s; }
      void write(std::int64_t first, std::int64_t count, const double*,
                 const double* rows) override {
        if (first + count == solve.saved_steps()) {
          const auto* end = rows + (count - 1) * solve.local_members * solve.dim;
          last.assign(end, end + solve.local_members * solve.dim);
        }
      }
      void commit() override { (*store)[{solve.iteration, solve.slice}] = last; }
      void abandon() noexcept override {}
    } capture;
    capture.store = &store;
    Options first = opt;
    first.sink = &capture;
    first.save_every = 1000000;  // first and last rows only
    for (std::int64_t m = 0; m < spec.members; ++m)
      first.saved_members.push_back(m);
    const auto r1 = parareal::solve<Oscillator, Mapping>(Exec(), dec, ens, t, first);
    ASSERT_GT(r1.timings.fine_solves, 0);

    Options again = opt;
    int asked = 0;
    again.stored_fine = [&](int k, int n, double* end_state) {
      ++asked;
      const auto it = store.find({k, n});
      if (it == store.end()) return false;
      std::copy(it->second.begin(), it->second.end(), end_state);
      return true;
    };
    const auto r2 = parareal::solve<Oscillator, Mapping>(Exec(), dec, ens, t, again);
    EXPECT_GT(asked, 0);
    EXPECT_EQ(r2.timings.fine_solves, 0) << "every fine result was stored";
    EXPECT_EQ(r2.timings.fine_stored, r1.timings.fine_solves);
    EXPECT_EQ(r2.iterations, r1.iterations);
    EXPECT_EQ(r2.windows[0].history, r1.windows[0].history);
    EXPECT_EQ(r2.end_states, r1.end_states);
    EXPECT_EQ(r2.owned_slices, r1.owned_slices);
  }
}

TEST(TEST_CATEGORY, decompositions_that_do_not_fit_are_refused) {
  EXPECT_THROW(Decomposition(world(), 8, 100, world_size() + 1, 1), std::invalid_argument);
  if (world_size() > 1) {
    EXPECT_THROW(Decomposition(world(), world_size() - 1, 100, 0, 1), std::invalid_argument);
    EXPECT_THROW(Decomposition(world(), 8, 1, 1, world_size()), std::invalid_argument);
  }
}

TEST(TEST_CATEGORY, placements_deal_slices_to_time_ranks) {
  using V = std::vector<std::vector<int>>;
  EXPECT_EQ(parareal::place(0, 7, 3, block), (V{{0, 1, 2}, {3, 4}, {5, 6}}));
  EXPECT_EQ(parareal::place(0, 7, 3, cyclic), (V{{0, 3, 6}, {1, 4}, {2, 5}}));
  EXPECT_EQ(parareal::place(4, 11, 2, block_cyclic(2)), (V{{4, 5, 8, 9}, {6, 7, 10}}));
  EXPECT_THROW(parareal::place(0, 4, 3, block_cyclic(2)), std::invalid_argument)
      << "rank 2 would own no slice";
  EXPECT_THROW(parareal::place(0, 5, 3, automatic), std::invalid_argument);
  EXPECT_EQ(parareal::placement_name(block_cyclic(3)), "block-cyclic:3");
  EXPECT_EQ(parareal::placement_name(cyclic), "cyclic");
  // Messages per sweep: P - 1 for blocks, N - 1 for cyclic.
  EXPECT_EQ(parareal::boundary_messages(12, parareal::place(0, 12, 3, block)), 2);
  EXPECT_EQ(parareal::boundary_messages(12, parareal::place(0, 12, 3, cyclic)), 11);
  EXPECT_EQ(parareal::boundary_messages(12, parareal::place(0, 12, 3, block_cyclic(2))), 5);
  // Candidates: block-cyclic deals equal to block are left out.
  const auto c = parareal::placement_candidates({8}, 2);
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[1], cyclic);
  EXPECT_EQ(c[3], block_cyclic(3));
  // The decomposition deals within each window.
  Decomposition dec(MPI_COMM_SELF, 10, 4, 1, 1, 4);
  EXPECT_EQ(dec.placement(2, cyclic), (V{{8, 9}}));
  EXPECT_EQ(dec.owned_slices(1, block_cyclic(2)), (std::vector<int>{4, 5, 6, 7}));
}

TEST(TEST_CATEGORY, the_model_chooses_placements_by_their_schedules) {
  // Cheap coarse solves and messages: dealt slices spread the fine solves of the
  // slices not yet exact (block leaves the first rank idle as they become exact).
  const double f = 1.0, g = 0.001;
  std::vector<std::pair<Placement, double>> times;
  const auto cheap = parareal::choose_placement({{19, 14}}, 2, f, g, {1e-5, 1e-5}, &times);
  EXPECT_NE(cheap, block);
  ASSERT_EQ(times.size(), 10u) << "block, cyclic, block-cyclic:2..9";
  EXPECT_EQ(times[0].first, block);
  EXPECT_EQ(times[1].first, cyclic);
  EXPECT_LT(times[1].second, times[0].second);
  for (const auto& pt : times) {
    EXPECT_GE(pt.second, std::min_element(times.begin(), times.end(), [](auto& a, auto& b) {
                           return a.second < b.second;
                         })->second);
    if (pt.first == cheap) {
      EXPECT_EQ(pt.second, std::min_element(times.begin(), times.end(), [](auto& a, auto& b) {
                             return a.second < b.second;
                           })->second);
    }
  }
  EXPECT_NEAR(times[0].second,
              parareal::schedule(19, parareal::place(0, 19, 2, block), 14, f, g, {1e-5, 1e-5}),
              1e-12);
  // Messages far dearer than a fine solve: the fewest messages win.
  EXPECT_EQ(parareal::choose_placement({{19, 14}}, 2, f, g, {10.0, 1e-5}), block);
  // One time rank: block only.
  EXPECT_EQ(parareal::choose_placement({{19, 14}}, 1, f, g, {}), block);
  // The schedule counts each placement's messages: with cyclic every slice of
  // sweep k waits for one (the schedule grows by N - 1 of them per sweep at most).
  const auto owned = parareal::place(0, 4, 2, cyclic);
  const double free = parareal::schedule(4, owned, 1, f, g, {});
  const double dear = parareal::schedule(4, owned, 1, f, g, {0.25, 0.0});
  EXPECT_GT(dear, free + 0.25);
  EXPECT_LE(dear, free + 2 * 3 * 0.25 + 1e-12);
}

TEST(TEST_CATEGORY, the_model_matches_the_spec_formulas) {
  const auto m = parareal::predict(10, 10, 2, 1.0, 0.01);
  EXPECT_DOUBLE_EQ(m.sequential, 10.0);
  EXPECT_DOUBLE_EQ(m.synchronous, 10 * 0.01 + 2 * (1.0 + 10 * 0.01));
  EXPECT_DOUBLE_EQ(m.pipelined, 10 * 0.01 + 2 * (1.0 + 0.01));
  EXPECT_DOUBLE_EQ(m.speedup_bound, 5.0);
}

TEST(TEST_CATEGORY, the_schedule_replays_the_solver) {
  const double f = 1.0, g = 0.01, b = 0.003, d = 0.0001;
  // One slice per rank, free messages: the SPEC's pipelined form.
  for (int K = 1; K <= 3; ++K) {
    const auto owned = parareal::block_placement(0, 8, 8);
    EXPECT_NEAR(parareal::schedule(8, owned, K, f, g, {}), 8 * g + K * (f + g), 1e-12) << K;
  }
  // One rank: exact slices are not solved again (iteration k solves N - k + 1).
  double one = 5 * g;
  for (int k = 1; k <= 3; ++k)
    one += (5 - k + 1) * f + 5 * g;
  EXPECT_NEAR(parareal::schedule(5, parareal::block_placement(0, 5, 1), 3, f, g, {}), one, 1e-12);
  // Two slices on two ranks, one iteration, with messages: the iteration's
  // sweep crosses the link, then the decision.
  EXPECT_NEAR(parareal::schedule(2, parareal::block_placement(0, 2, 2), 1, f, g, {b, d}),
              3 * g + f + b + d, 1e-12)
      << "the initial sweep's message is hidden behind the second rank's fine solve";
  // Each rank with its own costs: two slices on two ranks, one iteration, free
  // messages. Sweep 0 ends at g0 + g1; rank 1 is ready for sweep 1 at
  // g0 + g1 + f1, slice 0 ends at 2 g0 + f0, slice 1 at the later of the two + g1.
  const std::vector<double> g2{0.1, 0.2};
  const auto two = parareal::block_placement(0, 2, 2);
  EXPECT_NEAR(parareal::schedule(2, two, 1, std::vector<double>{1.0, 3.0}, g2, {}), 3.3 + 0.2,
              1e-12)
      << "the slower second rank is on the critical path";
  EXPECT_NEAR(parareal::schedule(2, two, 1, std::vector<double>{3.0, 1.0}, g2, {}), 3.2 + 0.2,
              1e-12)
      << "the slower first rank is on the critical path";
  EXPECT_NEAR(
      parareal::schedule(2, two, 1, std::vector<double>{f, f}, std::vector<double>{g, g}, {b, d}),
      parareal::schedule(2, two, 1, f, g, {b, d}), 1e-15)
      << "equal costs per rank are the scalar form";
  EXPECT_THROW(parareal::schedule(2, two, 1, std::vector<double>{f}, g2, {}),
               std::invalid_argument);
  // The fine solve whose input is exact (slice k - 1 in iteration k: it goes
  // to its file) at its own cost. One rank, 5 slices, 3 iterations, free
  // messages: sweep 0, then per iteration k the solves of slices k..4 at 1.0,
  // that of slice k - 1 at 10.0, and a sweep of 5 x 0.1.
  const auto one_rank = parareal::block_placement(0, 5, 1);
  EXPECT_NEAR(parareal::schedule(5, one_rank, 3, parareal::RankCosts{{1.0}, {10.0}, {0.1}}, {}),
              0.5 + 3 * (10.0 + 0.5) + (4 + 3 + 2) * 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(parareal::schedule(5, one_rank, 3, parareal::RankCosts{{1.0}, {}, {0.1}}, {}),
                   parareal::schedule(5, one_rank, 3, 1.0, 0.1, {}))
      << "without a cost of its own the final solve costs what the others do";
  EXPECT_THROW(
      parareal::schedule(5, one_rank, 3, parareal::RankCosts{{1.0}, {1.0, 2.0}, {0.1}}, {}),
      std::invalid_argument);
  // Blocks as the solver places them.
  EXPECT_EQ(parareal::block_placement(0, 7, 3),
            (std::vector<std::vector<int>>{{0, 1, 2}, {3, 4}, {5, 6}}));
}

TEST(TEST_CATEGORY, the_advice_compares_parareal_with_the_member_parallel_run) {
  // 4 slices converging in 2 iterations on 2 ranks as 2 time ranks: tau_f = 1
  // for the whole ensemble of 1000 members on one rank.
  const auto a = parareal::advise({{4, 2}}, 1000, 2, 1, 1.0, 0.1, {});
  EXPECT_DOUBLE_EQ(a.sequential, 2.0);  // 4 slices of half the members each
  ASSERT_EQ(a.by_p_time.size(), 2u);
  EXPECT_EQ(a.by_p_time[1].first, 2);
  EXPECT_NEAR(a.by_p_time[1].second,
              parareal::schedule(4, parareal::block_placement(0, 4, 2), 2, 1.0, 0.1, {}), 1e-12);
  // P_time = 1 (two member blocks): half the costs on one time rank.
  EXPECT_NEAR(a.by_p_time[0].second,
              parareal::schedule(4, parareal::block_placement(0, 4, 1), 2, 0.5, 0.05, {}), 1e-12);
  EXPECT_FALSE(a.parareal_pays) << "K = N / 2 on 2 ranks cannot beat the member-parallel run";
  // One member cannot be split: many slices converging fast pay.
  const auto fast = parareal::advise({{64, 2}}, 1, 4, 1, 1.0, 0.001, {});
  EXPECT_DOUBLE_EQ(fast.sequential, 64.0);
  EXPECT_EQ(fast.by_p_time.size(), 1u) << "P_time = 4 only: no member blocks of one member";
  EXPECT_TRUE(fast.parareal_pays);
  EXPECT_EQ(fast.best_p_time, 4);
}

}  // namespace
