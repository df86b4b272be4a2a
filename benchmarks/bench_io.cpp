// HDF5 streaming benchmarks of pint::io.
//
//  stream_write        a solve of <steps> x 1000 members x 2 streamed through
//                      Hdf5TrajectorySink (write() in batches of 64 rows);
//  stream_write_inline the same with SinkOptions::background = false (no writer
//                      thread: what the double buffering buys);
//  plain_write         the same bytes written with one std::fwrite of one buffer,
//                      to the same directory;
//  compute_only        a synthetic computation (real floating-point work: each
//                      member advances an oscillator `work` substeps per saved
//                      row) producing the same rows, without output;
//  compute_and_write   the same computation streaming its rows through the sink
//                      with write() (which copies each batch into the sink's buffer);
//  compute_into_sink   the same computation producing its rows in place, in the
//                      sink's buffer (next_rows() / filled(): no copy);
//  kernel_only         pint's RK4 ensemble kernel (pint::kernels::propagate) on
//                      the same members, m steps per saved row, no output;
//  kernel_into_memory  the same propagation saving every m-th step into a sink
//                      that lends buffers and discards them: what producing
//                      the rows costs the kernel, without a file;
//  kernel_into_sink    the same propagation saving every m-th step through the
//                      Hdf5TrajectorySink: the rows a real run streams (m
//                      calibrated so that the kernel takes about as long as the
//                      write, the hardest case for overlap);
//  write_pair          plain_write and stream_write back to back in every
//                      iteration (31 pairs, rotating order), for the ratio of
//                      their throughputs in each pair;
//  kernel_overlap      kernel_only, stream_write and kernel_into_sink back to
//                      back in every iteration (31 triples), for the ratio
//                      with output / max(without output, write alone) of each.
//                      The medians of these paired ratios are the figures least
//                      disturbed by the slow drifts of a shared machine.
//
// After the runs it prints, from this one invocation, stream_write / plain_write
// throughput (target >= 0.80), compute_and_write, compute_into_sink and
// kernel_into_sink over max(without output, stream_write) (target <= 1.15), from
// the best repetition, and the medians of write_pair's and kernel_overlap's ratios
// (run with --benchmark_repetitions=N; other work on a shared machine only ever
// slows a run down). `work` is calibrated at start so that the computation
// takes about as long as the write.
//
// Usage: pint_bench_io [--dir=DIRECTORY] [--steps=N] [--work=N] [--save-every=M]
//                      [--buffer-mib=N] [benchmark options]
// (the directory defaults to ./pint_bench_io_scratch, created and removed;
// --work and --save-every skip their calibration; --buffer-mib sets the sink's
// SinkOptions::buffer_bytes for stream_write, kernel_into_sink and the paired runs).
#include "pint/core/build_info.hpp"
#include "pint/core/ensemble.hpp"
#include "pint/core/runtime.hpp"
#include "pint/core/systems.hpp"
#include "pint/io/trajectory_sink.hpp"
#include "pint/kernels/propagate.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kMembers = 1000, kDim = 2, kBatch = 64;
constexpr std::int64_t kRow = kMembers * kDim;

struct Setup {
  std::string dir;
  std::int64_t steps = 8192;  // 128 MiB
  int work = 0;               // substeps per saved row; 0: calibrate
  std::string calibration = "none (--work given)";
  std::size_t buffer_bytes = pint::io::SinkOptions{}.buffer_bytes;
  std::int64_t save_every = 0;  // kernel steps per saved row; 0: calibrate
  std::string kernel_calibration = "none (--save-every given)";
  double write_seconds = 0;  // the sink's write of all rows, measured by the calibration
  std::vector<double> rows, times;
} g;

double bytes() {
  return static_cast<double>(g.steps * kRow) * sizeof(double);
}

pint::core::SolveDescription solve() {
  pint::core::SolveDescription s;
  s.system = "oscillator";
  s.integrator = "euler";
  s.dim = kDim;
  s.t0 = 0;
  s.t1 = 1;
  s.n = g.steps - 1;
  s.h = 1.0 / static_cast<double>(s.n);
  for (std::int64_t m = 0; m < kMembers; ++m)
    s.saved_members.push_back(m);
  s.local_members = kMembers;
  s.ensemble_size = kMembers;
  return s;
}

// The synthetic computation: every member is a damped oscillator with its own
// frequency, advanced `work` forward-Euler substeps per saved row.
class Producer {
 public:
  Producer() : q_(kMembers, 1.0), p_(kMembers, 0.0), w2_(kMembers) {
    for (std::int64_t m = 0; m < kMembers; ++m) {
      const double w = 1.0 + 1e-3 * static_cast<double>(m);
      w2_[static_cast<std::size_t>(m)] = w * w;
    }
  }
  // Not inlined: every caller runs the same machine code.
  [[gnu::noinline]] void produce(std::int64_t count, int work, double* rows) {
    const double h = 1e-4, c = 0.1;
    for (std::int64_t i = 0; i < count; ++i) {
      for (std::int64_t m = 0; m < kMembers; ++m) {
        const auto k = static_cast<std::size_t>(m);
        double q = q_[k], p = p_[k];
        for (int s = 0; s < work; ++s) {
          const double dq = p, dp = -c * p - w2_[k] * q;
          q += h * dq;
          p += h * dp;
        }
        q_[k] = q;
        p_[k] = p;
        rows[i * kRow + 2 * m] = q;
        rows[i * kRow + 2 * m + 1] = p;
      }
    }
  }

 private:
  std::vector<double> q_, p_, w2_;
};

void remove_outputs() {
  for (const auto& e : fs::directory_iterator(g.dir))
    fs::remove(e.path());
}

void set_counters(benchmark::State& state) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(bytes()));
  state.counters["GB/s"] =
      benchmark::Counter(bytes() / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

// The sink options of the benchmarks (--buffer-mib).
pint::io::SinkOptions sink_options(bool background = true) {
  pint::io::SinkOptions options;
  options.background = background;
  options.buffer_bytes = g.buffer_bytes;
  return options;
}

// Streams g.rows through `sink` with write(), in batches of kBatch rows.
void stream_rows(pint::io::Hdf5TrajectorySink& sink, const pint::core::SolveDescription& s) {
  sink.begin(s);
  for (std::int64_t first = 0; first < g.steps; first += kBatch) {
    const std::int64_t count = std::min(kBatch, g.steps - first);
    sink.write(first, count, g.times.data() + first, g.rows.data() + first * kRow);
  }
  sink.commit();
}

// Writes g.rows with one std::fwrite; false if that failed.
bool write_plain() {
  const std::string path = (fs::path(g.dir) / "plain.bin").string();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  const bool ok =
      f != nullptr && std::fwrite(g.rows.data(), sizeof(double), g.rows.size(), f) == g.rows.size();
  if (f != nullptr) std::fclose(f);
  return ok;
}

void stream_write(benchmark::State& state, bool background) {
  const auto s = solve();
  pint::io::Hdf5TrajectorySink sink(g.dir, sink_options(background));
  for (auto _ : state) {
    stream_rows(sink, s);
    state.PauseTiming();
    remove_outputs();
    state.ResumeTiming();
  }
  set_counters(state);
}

void plain_write(benchmark::State& state) {
  for (auto _ : state) {
    if (!write_plain()) state.SkipWithError("cannot write the plain file");
    state.PauseTiming();
    remove_outputs();
    state.ResumeTiming();
  }
  set_counters(state);
}

void compute_only(benchmark::State& state) {
  std::vector<double> batch(static_cast<std::size_t>(kBatch * kRow));
  for (auto _ : state) {
    Producer producer;
    for (std::int64_t first = 0; first < g.steps; first += kBatch) {
      const std::int64_t count = std::min(kBatch, g.steps - first);
      producer.produce(count, g.work, batch.data());
      benchmark::DoNotOptimize(batch.data());
      benchmark::ClobberMemory();
    }
  }
  set_counters(state);
}

void compute_and_write(benchmark::State& state) {
  const auto s = solve();
  pint::io::Hdf5TrajectorySink sink(g.dir);
  std::vector<double> batch(static_cast<std::size_t>(kBatch * kRow));
  for (auto _ : state) {
    Producer producer;
    sink.begin(s);
    for (std::int64_t first = 0; first < g.steps; first += kBatch) {
      const std::int64_t count = std::min(kBatch, g.steps - first);
      producer.produce(count, g.work, batch.data());
      sink.write(first, count, g.times.data() + first, batch.data());
    }
    sink.commit();
    state.PauseTiming();
    remove_outputs();
    state.ResumeTiming();
  }
  set_counters(state);
}

void compute_into_sink(benchmark::State& state) {
  const auto s = solve();
  pint::io::Hdf5TrajectorySink sink(g.dir);
  for (auto _ : state) {
    Producer producer;
    sink.begin(s);
    for (auto span = sink.next_rows(kBatch); span.count > 0; span = sink.next_rows(kBatch)) {
      producer.produce(span.count, g.work, span.rows);
      std::copy_n(g.times.data() + span.first, span.count, span.times);
      sink.filled(span.count);
    }
    sink.commit();
    state.PauseTiming();
    remove_outputs();
    state.ResumeTiming();
  }
  set_counters(state);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

using Exec = Kokkos::DefaultExecutionSpace;

// kMembers oscillators with their own frequencies, for the real kernel.
pint::core::EnsembleBlock<Exec::memory_space> kernel_ensemble() {
  pint::core::EnsembleSpec spec;
  spec.members = kMembers;
  spec.params = {pint::core::Distribution::linspace(1.0, 2.0),
                 pint::core::Distribution::constant(0.05)};
  spec.initial = {pint::core::Distribution::constant(1.0), pint::core::Distribution::constant(0.0)};
  return pint::core::make_ensemble<pint::core::Oscillator, Exec::memory_space>(spec, 0, kMembers);
}

// Propagates (g.steps - 1) * m steps with RK4, saving every m-th step to `sink`
// (the same g.steps rows as the write benchmarks) or nothing.
void run_kernel(pint::core::TrajectorySink* sink) {
  auto ens = kernel_ensemble();
  auto s = solve();
  s.integrator = "rk4";
  s.save_every = g.save_every;
  s.n = (g.steps - 1) * g.save_every;
  s.h = 1.0 / static_cast<double>(s.n);
  pint::kernels::SaveRequest<Exec::memory_space> save{
      sink, s, pint::kernels::saved_rows<Exec::memory_space>(s, 0)};
  pint::kernels::propagate<pint::core::Oscillator, pint::kernels::RK4>(
      Exec(), ens.params, ens.state, s.t0, s.t1, s.n, sink ? &save : nullptr);
}

void kernel_only(benchmark::State& state) {
  for (auto _ : state)
    run_kernel(nullptr);
  set_counters(state);
}

// A sink that lends two 4 MiB buffers and discards what is written into them:
// the producer's side of streaming (the stores into lent rows) without a file.
class DiscardingSink final : public pint::core::TrajectorySink {
 public:
  void begin(const pint::core::SolveDescription& s) override {
    row_ = s.local_members * s.dim;
    per_ = std::max<std::int64_t>(1, (std::int64_t{4} << 20) / (row_ * 8));
    rows_.resize(static_cast<std::size_t>(2 * per_ * row_));
    times_.resize(static_cast<std::size_t>(2 * per_));
    next_ = 0;
  }
  void write(std::int64_t, std::int64_t, const double*, const double*) override {}
  RowSpan next_rows(std::int64_t max_count) override {
    const std::int64_t half = (next_ / per_) % 2, used = next_ % per_;
    const std::int64_t count = std::min(max_count, per_ - used);
    const auto at = static_cast<std::size_t>(half * per_ + used);
    return {next_, count, times_.data() + at, rows_.data() + at * static_cast<std::size_t>(row_)};
  }
  void filled(std::int64_t count) override {
    benchmark::DoNotOptimize(rows_.data());
    next_ += count;
  }
  void commit() override {}
  void abandon() noexcept override {}

 private:
  std::int64_t row_ = 0, per_ = 0, next_ = 0;
  std::vector<double> rows_, times_;
};

void kernel_into_memory(benchmark::State& state) {
  DiscardingSink sink;
  for (auto _ : state)
    run_kernel(&sink);
  set_counters(state);
}

void kernel_into_sink(benchmark::State& state) {
  pint::io::Hdf5TrajectorySink sink(g.dir, sink_options());
  for (auto _ : state) {
    run_kernel(&sink);
    state.PauseTiming();
    remove_outputs();
    state.ResumeTiming();
  }
  set_counters(state);
}

// Paired measurements: every iteration runs `jobs` back to back, in a rotating
// order, and appends ratio(their times) to `ratios`. The median of these ratios
// is immune to the slow drifts of a shared machine that separate benchmarks,
// seconds or minutes apart, are not.
template <std::size_t N, class Ratio>
void paired(benchmark::State& state, const std::array<std::function<void()>, N>& jobs, Ratio ratio,
            std::vector<double>& ratios) {
  std::size_t turn = 0;
  for (auto _ : state) {
    std::array<double, N> t{};
    for (std::size_t i = 0; i < N; ++i) {
      const std::size_t which = (turn + i) % N;
      const auto t0 = std::chrono::steady_clock::now();
      jobs[which]();
      t[which] = seconds_since(t0);
      remove_outputs();
    }
    ++turn;
    ratios.push_back(ratio(t));
  }
  set_counters(state);
}

std::vector<double> g_write_ratios, g_overlap_ratios;

// plain_write and stream_write in pairs: plain time / stream time, the
// throughput of streaming relative to the plain write.
void write_pair(benchmark::State& state) {
  pint::io::Hdf5TrajectorySink sink(g.dir, sink_options());
  const auto s = solve();
  paired<2>(
      state, {[] { write_plain(); }, [&] { stream_rows(sink, s); }},
      [](const std::array<double, 2>& t) { return t[0] / t[1]; }, g_write_ratios);
}

// kernel_only, stream_write and kernel_into_sink in triples: with output /
// max(without output, write alone).
void kernel_overlap(benchmark::State& state) {
  pint::io::Hdf5TrajectorySink sink(g.dir, sink_options());
  const auto s = solve();
  paired<3>(
      state,
      {[] { run_kernel(nullptr); }, [&] { stream_rows(sink, s); }, [&] { run_kernel(&sink); }},
      [](const std::array<double, 3>& t) { return t[2] / std::max(t[0], t[1]); }, g_overlap_ratios);
}

// Substeps per row that make the computation last about as long as the
// write (searched: the cost of a substep is not quite constant).
int calibrate_work() {
  const auto s = solve();
  pint::io::Hdf5TrajectorySink sink(g.dir);
  double write = 1e300;
  for (int i = 0; i < 4; ++i) {  // as stream_write does it, best of 4
    const auto t0 = std::chrono::steady_clock::now();
    stream_rows(sink, s);
    write = std::min(write, seconds_since(t0));
    remove_outputs();
  }
  std::vector<double> batch(static_cast<std::size_t>(kBatch * kRow));
  g.write_seconds = write;
  double below = 0;
  for (int work = 1;; ++work) {
    double compute = 1e300;
    for (int i = 0; i < 2; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      Producer producer;
      for (std::int64_t first = 0; first < g.steps; first += kBatch) {
        producer.produce(std::min(kBatch, g.steps - first), work, batch.data());
        benchmark::DoNotOptimize(batch.data());
      }
      compute = std::min(compute, seconds_since(t0));
    }
    if (compute >= write) {
      const bool lower = work > 1 && write - below < compute - write;
      char text[128];
      std::snprintf(text, sizeof text, "write %.1f ms, compute %.1f ms at %d substeps per row",
                    write * 1e3, lower ? below * 1e3 : compute * 1e3, lower ? work - 1 : work);
      g.calibration = text;
      return lower ? work - 1 : work;
    }
    below = compute;
  }
}

// Kernel steps per saved row that make the propagation last about as long as
// the write of its rows.
std::int64_t calibrate_save_every(double write_seconds) {
  g.save_every = 1;
  double best = 1e300;
  for (int i = 0; i < 3; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    run_kernel(nullptr);
    best = std::min(best, seconds_since(t0));
  }
  const auto m = std::max<std::int64_t>(1, std::llround(write_seconds / best));
  char text[128];
  std::snprintf(text, sizeof text, "write %.1f ms, kernel %.1f ms per step per row: %lld steps",
                write_seconds * 1e3, best * 1e3, static_cast<long long>(m));
  g.kernel_calibration = text;
  return m;
}

// Keeps each benchmark's real time (ms) for the ratios.
class RecordingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    std::vector<Run> shown = runs;
    for (Run& r : shown) {
      if (r.error_occurred) continue;
      const double t = r.GetAdjustedRealTime();
      ms[r.benchmark_name()] = t;
      if (r.aggregate_name == "min") {  // the rates of the best run, not the least rates
        const double rate = bytes() / (t * 1e-3);
        r.counters["GB/s"] = benchmark::Counter(rate / 1e9, benchmark::Counter::kIsRate);
        r.counters["bytes_per_second"] = benchmark::Counter(rate, benchmark::Counter::kIsRate);
      }
    }
    ConsoleReporter::ReportRuns(shown);
  }
  // The best over repetitions if there were any (on a shared machine other
  // work only ever slows a run down), else the single result.
  double get(const std::string& name) const {
    for (const std::string& key : {name + "_min", name}) {
      const auto it = ms.find(key);
      if (it != ms.end()) return it->second;
    }
    return std::nan("");
  }
  std::map<std::string, double> ms;
};

}  // namespace

int main(int argc, char** argv) {
  pint::core::Runtime runtime(argc, argv);
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--dir=", 0) == 0) {
      g.dir = a.substr(6);
    } else if (a.rfind("--steps=", 0) == 0) {
      g.steps = std::max<std::int64_t>(2, std::stoll(a.substr(8)));
    } else if (a.rfind("--buffer-mib=", 0) == 0) {
      g.buffer_bytes = static_cast<std::size_t>(std::max(1, std::stoi(a.substr(13)))) << 20;
    } else if (a.rfind("--save-every=", 0) == 0) {
      g.save_every = std::max(1LL, std::stoll(a.substr(13)));
    } else if (a.rfind("--work=", 0) == 0) {
      g.work = std::max(1, std::stoi(a.substr(7)));
    } else {
      args.push_back(argv[i]);
    }
  }
  const bool own_dir = g.dir.empty();
  if (own_dir) g.dir = (fs::current_path() / "pint_bench_io_scratch").string();
  fs::create_directories(g.dir);

  // The trajectory the write benchmarks stream (any values; real ones).
  g.rows.resize(static_cast<std::size_t>(g.steps * kRow));
  g.times.resize(static_cast<std::size_t>(g.steps));
  for (std::int64_t i = 0; i < g.steps; ++i) {
    g.times[static_cast<std::size_t>(i)] =
        static_cast<double>(i) / static_cast<double>(g.steps - 1);
    for (std::int64_t j = 0; j < kRow; ++j) {
      g.rows[static_cast<std::size_t>(i * kRow + j)] =
          std::sin(1e-3 * static_cast<double>(i) + static_cast<double>(j));
    }
  }
  if (g.work == 0) g.work = calibrate_work();
  if (g.save_every == 0) {
    if (g.write_seconds == 0) g.work = calibrate_work();  // measures the write
    g.save_every = calibrate_save_every(g.write_seconds);
  }

  const auto& b = pint::core::build_info();
  benchmark::AddCustomContext("pint_version", b.version);
  benchmark::AddCustomContext("pint_git", b.git_revision);
  benchmark::AddCustomContext("kokkos_version", b.kokkos_version);
  benchmark::AddCustomContext("kokkos_backends", b.backends);
  benchmark::AddCustomContext("hdf5_version", b.hdf5_version);
  benchmark::AddCustomContext("compiler", b.compiler);
  benchmark::AddCustomContext("io_directory", g.dir);
  benchmark::AddCustomContext("io_shape", std::to_string(g.steps) + " steps x " +
                                              std::to_string(kMembers) + " members x " +
                                              std::to_string(kDim) + " float64");
  benchmark::AddCustomContext("io_work", std::to_string(g.work) + " substeps per row");
  benchmark::AddCustomContext("io_calibration", g.calibration);
  benchmark::AddCustomContext("kernel_calibration", g.kernel_calibration);

  const auto add = [](const char* name, auto fn) {
    benchmark::RegisterBenchmark(name, fn)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->ComputeStatistics("min", [](const std::vector<double>& v) {
          return *std::min_element(v.begin(), v.end());
        });
  };
  add("plain_write", plain_write);
  add("stream_write", [](benchmark::State& state) { stream_write(state, true); });
  add("stream_write_inline", [](benchmark::State& state) { stream_write(state, false); });
  add("compute_only", compute_only);
  add("compute_and_write", compute_and_write);
  add("compute_into_sink", compute_into_sink);
  add("kernel_only", kernel_only);
  add("kernel_into_memory", kernel_into_memory);
  add("kernel_into_sink", kernel_into_sink);
  for (const auto& [name, fn] :
       {std::pair{"write_pair", &write_pair}, std::pair{"kernel_overlap", &kernel_overlap}}) {
    benchmark::RegisterBenchmark(name, fn)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->Iterations(31);
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  RecordingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  if (own_dir) fs::remove_all(g.dir);

  const double plain = reporter.get("plain_write/real_time"),
               stream = reporter.get("stream_write/real_time"),
               compute = reporter.get("compute_only/real_time"),
               both = reporter.get("compute_and_write/real_time"),
               in_place = reporter.get("compute_into_sink/real_time"),
               kernel = reporter.get("kernel_only/real_time"),
               kernel_out = reporter.get("kernel_into_sink/real_time"),
               kernel_mem = reporter.get("kernel_into_memory/real_time");
  std::printf(
      "\nthroughput: stream_write %.2f GB/s, plain_write %.2f GB/s: ratio %.2f "
      "(target >= 0.80)\n",
      bytes() / stream / 1e6, bytes() / plain / 1e6, plain / stream);
  const double slowest = std::max(compute, stream);
  std::printf(
      "overlap: compute_only %.1f ms, stream_write %.1f ms; with output: "
      "compute_and_write (write() copies) %.1f ms = %.2f x, compute_into_sink (in place) "
      "%.1f ms = %.2f x max(compute, write) (target <= 1.15)\n",
      compute, stream, both, both / slowest, in_place, in_place / slowest);
  std::printf(
      "overlap with pint's kernel: kernel_only %.1f ms, stream_write %.1f ms; "
      "kernel_into_sink %.1f ms = %.2f x max(kernel, write) (target <= 1.15); "
      "kernel_into_memory (rows stored, no file) %.1f ms\n",
      kernel, stream, kernel_out, kernel_out / std::max(kernel, stream), kernel_mem);
  const auto quartiles = [](std::vector<double> r) {
    std::sort(r.begin(), r.end());
    return std::array<double, 3>{r[r.size() / 4], r[r.size() / 2], r[(3 * r.size()) / 4]};
  };
  if (!g_write_ratios.empty()) {
    const auto q = quartiles(g_write_ratios);
    std::printf(
        "throughput, paired (%zu pairs of plain_write and stream_write): stream / plain median "
        "%.2f, quartiles %.2f .. %.2f (target >= 0.80)\n",
        g_write_ratios.size(), q[1], q[0], q[2]);
  }
  if (!g_overlap_ratios.empty()) {
    const auto q = quartiles(g_overlap_ratios);
    std::printf(
        "overlap with pint's kernel, paired (%zu triples of kernel_only, stream_write and "
        "kernel_into_sink): with output / max(without, write) median %.2f, quartiles %.2f .. "
        "%.2f (target <= 1.15)\n",
        g_overlap_ratios.size(), q[1], q[0], q[2]);
  }
  return 0;
}
