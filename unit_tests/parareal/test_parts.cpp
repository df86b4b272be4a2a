// The solver's parts on their own: the decision queue, the boundary link, the
// slice store and the paced sink.
#include "pint/core/ensemble.hpp"
#include "pint/core/runtime.hpp"
#include "pint/core/systems.hpp"
#include "pint/kernels/propagate.hpp"
#include "pint/parareal/boundary_link.hpp"
#include "pint/parareal/decisions.hpp"
#include "pint/parareal/paced_sink.hpp"
#include "pint/parareal/slice_store.hpp"

#include "../test_category.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

namespace {

using namespace pint;
using Mem = test::TEST_MEMSPACE;
using Exec = test::TEST_EXECSPACE;
using View = Kokkos::View<double**, Kokkos::LayoutLeft, Mem>;
using parareal::DecisionQueue;

MPI_Comm world() {
  return core::Runtime::current()->world();
}
int world_size() {
  return core::Runtime::current()->size();
}
int world_rank() {
  return core::Runtime::current()->rank();
}

TEST(TEST_CATEGORY, decisions_are_the_global_maximum_completed_in_order) {
  const int P = world_size(), r = world_rank();
  DecisionQueue q(world(), 0.25, false);
  std::vector<int> seen;
  q.on_decided = [&](int k, double) { seen.push_back(k); };
  // Changes 1/k^2 scaled by rank: the maximum is P / k^2 on every rank.
  for (int k = 1; k <= 4; ++k)
    q.start(k, (r + 1.0) / (k * k), 1.0);
  EXPECT_EQ(q.started(), 4);
  q.test();  // may complete some, never out of order
  EXPECT_LE(q.decided(), 4);
  EXPECT_TRUE(q.wait(4) || P >= 4) << "P / k^2 < 0.25 at some k <= 4 when P < 4";
  EXPECT_EQ(q.decided(), 4);
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3, 4}));
  for (int k = 1; k <= 4; ++k)
    EXPECT_EQ(q.change(k), static_cast<double>(P) / (k * k));
  // The first k with P / k^2 < 0.25, the same on every rank.
  int first = 0;
  for (int k = 1; k <= 4 && first == 0; ++k)
    if (static_cast<double>(P) / (k * k) < 0.25) first = k;
  EXPECT_EQ(q.stop_at(), first);
  EXPECT_FALSE(q.diverged());
  EXPECT_THROW(q.start(6, 0.0, 0.0), std::logic_error);
  EXPECT_THROW(q.wait(5), std::logic_error);
}

TEST(TEST_CATEGORY, relative_decisions_divide_by_the_largest_state) {
  DecisionQueue q(world(), 1e-3, true);
  // Change 0.5 against |U| up to 1000 (on the last rank): 5e-4 < 1e-3.
  q.start(1, 0.5, world_rank() == world_size() - 1 ? 1000.0 : 1.0);
  q.wait(1);
  EXPECT_EQ(q.stop_at(), 1);
  // Zero scale: converged only by a zero change.
  DecisionQueue zero(world(), 1e-3, true);
  zero.start(1, 1e-12, 0.0);
  zero.start(2, 0.0, 0.0);
  zero.wait(2);
  EXPECT_EQ(zero.stop_at(), 2);
  DecisionQueue absolute(world(), 1e-3, false);
  absolute.start(1, 0.5, 1000.0);
  EXPECT_FALSE(absolute.wait(1));
}

TEST(TEST_CATEGORY, a_non_finite_change_on_one_rank_stops_every_rank_as_diverged) {
  DecisionQueue q(world(), 1e-6, false);
  q.start(1, 1.0, 1.0);
  q.start(2, world_rank() == 0 ? std::numeric_limits<double>::infinity() : 0.0, 1.0);
  q.start(3, 0.0, 1.0);  // converged, but after the divergence
  EXPECT_TRUE(q.wait(3));
  EXPECT_TRUE(q.diverged());
  EXPECT_EQ(q.stop_at(), 2);
}

// A chain over the ranks: rank 0 sends states k + member/1000 + component, each
// rank passes on what it receives; every state arrives bit for bit with its flag.
void chain(parareal::Transfer transfer) {
  const int P = world_size(), r = world_rank();
  const std::int64_t M = 1001;
  parareal::BoundaryLink<Mem> link(world(), r > 0 ? 1 : 0, r + 1 < P ? 1 : 0, M, 2, P, transfer);
  link.route({r}, {r - 1}, {r + 1 < P ? r + 1 : -1});
  const int allocated = link.allocations();
  EXPECT_EQ(link.receives(0), r > 0);
  EXPECT_EQ(link.sends(0), r + 1 < P);
  View mine("mine", M, size_t(2));
  auto host = Kokkos::create_mirror_view(mine);
  View previous;  // the state received in the iteration before
  const int rounds = 12;
  link.post_receives(0);
  for (int k = 0; k < rounds; ++k) {
    bool changed = k % 3 != 0;
    if (r == 0) {
      link.wait_sent();  // `host` may alias `mine`, which a direct send reads
      for (std::int64_t m = 0; m < M; ++m)
        for (int c = 0; c < 2; ++c)
          host(m, c) = k + 0.001 * static_cast<double>(m) + c;
      Kokkos::deep_copy(mine, host);
    } else {
      // The state received before is intact while this one may be arriving
      // (direct mode: two buffers; staged: copied into the view on receipt).
      if (k > 0) {
        link.progress();
        auto before = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), previous);
        EXPECT_EQ(before(7, 1), (k - 1) + 0.007 + 1);
      }
      const auto got = link.receive(Exec(), 0);  // posts round k + 1's receive
      EXPECT_EQ(got.second, changed) << "flag of round " << k;
      if (k > 0 && link.direct()) {
        EXPECT_NE(got.first.data(), previous.data()) << "receives alternate between two views";
      }
      previous = got.first;
      auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), got.first);
      int wrong = 0;
      for (std::int64_t m = 0; m < M; ++m)
        for (int c = 0; c < 2; ++c)
          wrong += h(m, c) != k + 0.001 * static_cast<double>(m) + c;
      EXPECT_EQ(wrong, 0) << "round " << k << " on rank " << r;
      link.wait_sent(0);
      Kokkos::deep_copy(mine, got.first);
    }
    link.progress();
    link.send(Exec(), k, 0, mine, changed);
  }
  link.wait_sent();
  link.cancel_receives();  // round `rounds`: never sent
  MPI_Barrier(world());    // before the next link reuses the tags
  EXPECT_FALSE(link.pending());
  EXPECT_EQ(link.allocations(), allocated) << "buffers are allocated once, when the link is made";
}

TEST(TEST_CATEGORY, the_boundary_link_passes_states_bitwise_with_direct_transfers) {
  chain(parareal::Transfer::automatic);
  if (parareal::BoundaryLink<Mem>::host_memory) chain(parareal::Transfer::direct);
}

TEST(TEST_CATEGORY, the_boundary_link_passes_states_bitwise_through_host_staging) {
  chain(parareal::Transfer::staged);
  parareal::BoundaryLink<Mem> middle(world(), 1, 1, 10, 2, 4, parareal::Transfer::staged);
  EXPECT_EQ(middle.allocations(), 3) << "one device view and a staging buffer each way";
  parareal::BoundaryLink<Mem> direct(world(), 1, 1, 10, 2, 4, parareal::Transfer::automatic);
  if (direct.direct()) {
    EXPECT_EQ(direct.allocations(), 2) << "two device views, no staging";
  }
  parareal::BoundaryLink<Mem> cyclic(world(), 3, 2, 10, 2, 8, parareal::Transfer::staged);
  EXPECT_EQ(cyclic.allocations(), 3 * 2 + 2) << "per receive a device view and a staging buffer";
}

// Cyclic placement: rank r owns slices r, r + P and r + 2P of 3P; each slice's
// output goes to the owner of the next (messages between every pair of
// neighbouring ranks, and from the last rank back to rank 0, several per sweep
// between the same two ranks). Each slice adds 1 to its input; every input
// arrives bit for bit with its flag, in every round, in both modes.
void cyclic_sweeps(parareal::Transfer transfer) {
  const int P = world_size(), r = world_rank(), N = 3 * P;
  const std::int64_t M = 37;
  std::vector<int> slices, from, to;
  for (int j = 0; j < 3; ++j) {
    const int n = r + j * P;
    slices.push_back(n);
    from.push_back(n > 0 && (n - 1) % P != r ? (n - 1) % P : -1);
    to.push_back(n + 1 < N && (n + 1) % P != r ? (n + 1) % P : -1);
  }
  const int receives =
      static_cast<int>(std::count_if(from.begin(), from.end(), [](int p) { return p >= 0; }));
  const int sends =
      static_cast<int>(std::count_if(to.begin(), to.end(), [](int p) { return p >= 0; }));
  parareal::BoundaryLink<Mem> link(world(), receives, sends, M, 2, N, transfer);
  link.route(slices, from, to);
  const int allocated = link.allocations();
  std::vector<View> out;
  for (int j = 0; j < 3; ++j)
    out.emplace_back("out", M, size_t(2));
  const auto expected = [](int k, int n, std::int64_t m, int c) {
    double v = 1000.0 * k + 0.001 * static_cast<double>(m) + c;  // slice 0's input
    for (int j = 0; j < n; ++j)
      v += 1.0;
    return v;
  };
  const int rounds = 5;
  link.post_receives(0);
  int wrong = 0, flags = 0, received = 0;
  for (int k = 0; k < rounds; ++k) {
    for (int j = 0; j < 3; ++j) {
      const int n = slices[static_cast<size_t>(j)];
      Kokkos::View<double**, Kokkos::LayoutLeft, Kokkos::HostSpace> in("in", M, 2);
      if (link.receives(j)) {
        const auto got = link.receive(Exec(), j);
        flags += got.second != ((k + n) % 3 != 0);
        Kokkos::deep_copy(in, got.first);
        ++received;
      } else if (n == 0) {
        for (std::int64_t m = 0; m < M; ++m)
          for (int c = 0; c < 2; ++c)
            in(m, c) = expected(k, 0, m, c);
      } else {
        Kokkos::deep_copy(in, out[static_cast<size_t>(j) - 1]);
      }
      for (std::int64_t m = 0; m < M; ++m)
        for (int c = 0; c < 2; ++c) {
          wrong += in(m, c) != expected(k, n, m, c);
          in(m, c) += 1.0;
        }
      link.wait_sent(j);  // out[j] may still be being sent
      Kokkos::deep_copy(out[static_cast<size_t>(j)], in);
      link.send(Exec(), k, j, out[static_cast<size_t>(j)], (k + n + 1) % 3 != 0);
    }
    link.progress();
  }
  link.wait_sent();
  link.cancel_receives();
  MPI_Barrier(world());  // before the next link reuses the tags
  EXPECT_EQ(wrong, 0) << "rank " << r;
  EXPECT_EQ(flags, 0) << "rank " << r;
  EXPECT_EQ(received, rounds * receives);
  EXPECT_EQ(receives, P > 1 ? 3 - (r == 0 ? 1 : 0) : 0);
  EXPECT_FALSE(link.pending());
  EXPECT_EQ(link.allocations(), allocated);
}

TEST(TEST_CATEGORY, the_boundary_link_carries_cyclic_placements_slice_by_slice) {
  cyclic_sweeps(parareal::Transfer::automatic);
  cyclic_sweeps(parareal::Transfer::staged);
}

TEST(TEST_CATEGORY, boundary_link_tags_tell_slices_and_iterations_apart) {
  parareal::BoundaryLink<Mem> link(MPI_COMM_SELF, 0, 0, 1, 2, 10);
  std::vector<int> tags;
  for (int k = 0; k < 2; ++k)
    for (int n = 0; n <= 10; ++n) {
      tags.push_back(link.tag(k, n));
      tags.push_back(link.tag(k, n) + 1);  // the flag's
    }
  std::sort(tags.begin(), tags.end());
  EXPECT_EQ(std::adjacent_find(tags.begin(), tags.end()), tags.end()) << "every tag distinct";
  EXPECT_EQ(link.tag(2, 3), link.tag(0, 3)) << "k mod 2: at most two iterations in flight";
  EXPECT_LE(tags.back(), 32767) << "within the tags every MPI allows";
}

TEST(TEST_CATEGORY, a_pending_receive_is_withdrawn_cleanly) {
  const int P = world_size(), r = world_rank();
  parareal::BoundaryLink<Mem> link(world(), 1, 1, 5, 2, P);
  link.route({r}, {r - 1}, {r + 1 < P ? r + 1 : -1});
  link.post_receives(3);  // never sent
  if (link.receives(0)) {
    EXPECT_THROW(link.post_receives(4), std::logic_error);
    EXPECT_THROW(link.route({r}, {r - 1}, {-1}), std::logic_error) << "messages pending";
  }
  link.cancel_receives();
  EXPECT_FALSE(link.pending());
  MPI_Barrier(world());
}

TEST(TEST_CATEGORY, the_slice_store_chains_inputs_without_copies) {
  parareal::SliceStore<Mem> store(3, 17, 2);
  EXPECT_EQ(store.capacity(), 3);
  View y0("y0", 17, size_t(2));
  store.set_input(0, y0);
  EXPECT_EQ(store.input(0).data(), y0.data());
  EXPECT_EQ(store.input(1).data(), store.out(0).data());
  EXPECT_EQ(store.input(2).data(), store.out(1).data());
  const double* g_new = store.g_new().data();
  const double* g_old = store.g_old(1).data();
  store.accept_coarse(1);
  EXPECT_EQ(store.g_old(1).data(), g_new);
  EXPECT_EQ(store.g_new().data(), g_old);
  // Flags: all changed at a window's start; a fine solve clears one.
  store.start(2);
  EXPECT_EQ(store.slices(), 2);
  EXPECT_TRUE(store.changed(0) && store.changed(1));
  EXPECT_EQ(store.fine_iterations(), (std::vector<int>{-1, -1}));
  store.set_fine(1, 4);
  EXPECT_FALSE(store.changed(1));
  EXPECT_EQ(store.fine_iterations(), (std::vector<int>{-1, 4}));
  store.set_changed(1, true);
  EXPECT_TRUE(store.changed(1));
  EXPECT_THROW(store.start(4), std::invalid_argument);
  EXPECT_EQ(store.input(1).extent(0), 17u);
}

TEST(TEST_CATEGORY, the_slice_store_takes_the_inputs_of_dealt_slices_from_outside) {
  parareal::SliceStore<Mem> store(3, 5, 2);
  store.start(std::vector<int>{2, 3, 7});  // block-cyclic: slices 2, 3 and 7
  EXPECT_EQ(store.slice(0), 2);
  EXPECT_EQ(store.slice(2), 7);
  EXPECT_FALSE(store.chained(0));
  EXPECT_TRUE(store.chained(1));
  EXPECT_FALSE(store.chained(2)) << "slice 6 belongs to another rank";
  View a("a", 5, size_t(2)), b("b", 5, size_t(2));
  store.set_input(0, a);
  store.set_input(2, b);
  EXPECT_EQ(store.input(0).data(), a.data());
  EXPECT_EQ(store.input(1).data(), store.out(0).data());
  EXPECT_EQ(store.input(2).data(), b.data());
  EXPECT_THROW(store.set_input(1, a), std::logic_error) << "slice 3's input is slice 2's output";
  store.start(std::vector<int>{0, 2});
  EXPECT_EQ(store.input(1).data(), nullptr) << "a new window forgets the handles";
}

// Records what reaches it; lends its own buffer when `lend`.
struct Recorder : core::TrajectorySink {
  bool lend = false;
  core::SolveDescription solve;
  std::vector<std::int64_t> spans;
  std::vector<double> rows, buffer, times;
  bool committed = false;
  void begin(const core::SolveDescription& s) override {
    solve = s;
    rows.assign(static_cast<size_t>(s.saved_steps() * s.local_members * s.dim), 0.0);
  }
  void write(std::int64_t first, std::int64_t count, const double*, const double* r) override {
    spans.push_back(count);
    const auto row = static_cast<size_t>(solve.local_members * solve.dim);
    std::copy(r, r + count * row, rows.begin() + static_cast<std::ptrdiff_t>(first * row));
  }
  RowSpan next_rows(std::int64_t max_count) override {
    if (!lend) return {};
    lent_first = next;
    buffer.resize(static_cast<size_t>(max_count * solve.local_members * solve.dim));
    times.resize(static_cast<size_t>(max_count));
    return {next, max_count, times.data(), buffer.data()};
  }
  void filled(std::int64_t count) override {
    write(lent_first, count, times.data(), buffer.data());
    next += count;
  }
  void commit() override { committed = true; }
  void abandon() noexcept override {}
  std::int64_t next = 0, lent_first = 0;
};

// Propagates an ensemble saving every step through `sink`; returns how often
// the between-spans hook ran.
int saving_run(core::TrajectorySink& sink, std::int64_t members, std::int64_t steps) {
  core::EnsembleSpec spec;
  spec.members = members;
  spec.params = {core::Distribution::linspace(0.5, 1.5), core::Distribution::constant(0.2)};
  spec.initial = {core::Distribution::constant(1.0), core::Distribution::constant(0.0)};
  auto ens = core::make_ensemble<core::Oscillator, Mem>(spec, 0, members);
  kernels::SaveRequest<Mem> save;
  save.sink = &sink;
  auto& d = save.solve;
  d.dim = 2;
  d.t0 = 0.0;
  d.t1 = 1.0;
  d.n = steps;
  d.save_every = 1;
  for (std::int64_t m = 0; m < members; ++m)
    d.saved_members.push_back(m);
  d.local_members = members;
  d.ensemble_size = members;
  save.rows = kernels::saved_rows<Mem>(d, 0);
  int calls = 0;
  const std::function<bool()> hook = [&] {
    ++calls;
    return false;
  };
  kernels::propagate<core::Oscillator>(Exec(), kernels::Method::rk4, ens.params, ens.state, 0.0,
                                       1.0, steps, &save, &hook);
  return calls;
}

TEST(TEST_CATEGORY, the_paced_sink_hands_rows_on_in_spans_and_gives_progress_points) {
  for (bool lend : {false, true}) {
    Recorder direct, inner;
    inner.lend = lend;
    saving_run(direct, 33, 100);  // 101 rows in one span: no progress points
    ASSERT_EQ(direct.spans.size(), 1u);
    parareal::PacedSink paced(inner, 8);
    const int calls = saving_run(paced, 33, 100);
    EXPECT_EQ(paced.span_rows(), 13);  // ceil(101 / 8)
    EXPECT_EQ(inner.spans.size(), 8u);
    for (auto c : inner.spans)
      EXPECT_LE(c, 13);
    EXPECT_EQ(calls, 7) << "the hook runs between spans";
    EXPECT_TRUE(inner.committed);
    EXPECT_EQ(inner.rows, direct.rows) << "the same rows, bit for bit (lending: " << lend << ")";
  }
  // Spans of at least 50 steps (saving every step): 3 spans of 101 rows.
  Recorder inner;
  parareal::PacedSink paced(inner, 8, 50);
  EXPECT_EQ(saving_run(paced, 5, 100), 2);
  EXPECT_EQ(paced.span_rows(), 50);
}

}  // namespace
