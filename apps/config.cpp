#include "config.hpp"

#include "pint/core/galaxy.hpp"
#include "pint/core/systems.hpp"
#include "pint/core/time_grid.hpp"
#include "pint/io/file_names.hpp"
#include "pint/kernels/methods.hpp"
#include "system_list.hpp"
#include "usage_error.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace pint::apps {

namespace {

std::string number_text(double v) {
  char text[40];
  const auto end = std::to_chars(text, text + sizeof(text), v).ptr;
  return std::string(text, end);
}

// Reads settings by name: the given value, else the table's default.
class Reader {
 public:
  explicit Reader(const RawConfig& raw) : raw_(raw) {}

  bool given(const std::string& name) const { return raw_.values.count(name) > 0; }
  RawValue get(const std::string& name) const {
    const auto it = raw_.values.find(name);
    if (it != raw_.values.end()) return it->second;
    for (const Setting& s : run_settings())
      if (name == s.name) return {s.fallback, ""};
    return {};
  }
  std::string label(const std::string& name) const { return option_label("--" + name, get(name)); }

  std::string text(const std::string& name) const { return get(name).text; }
  bool flag(const std::string& name) const { return get(name).text == "true"; }
  std::int64_t integer(const std::string& name, std::int64_t min,
                       std::int64_t max = std::numeric_limits<int>::max()) const {
    return parse_integer(get(name).text, label(name), min, max);
  }
  double number(const std::string& name) const { return parse_number(get(name).text, label(name)); }

  static std::int64_t parse_integer(const std::string& text, const std::string& label,
                                    std::int64_t min, std::int64_t max) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      throw UsageError(label, "expected an integer, got '" + text + "'");
    }
    if (v < min) {
      throw UsageError(label, "must be >= " + std::to_string(min) + ", got " + text);
    }
    if (v > max) throw UsageError(label, "must be <= " + std::to_string(max) + ", got " + text);
    return v;
  }
  static double parse_number(const std::string& text, const std::string& label) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v)) {
      throw UsageError(label, "expected a finite number, got '" + text + "'");
    }
    return v;
  }

 private:
  const RawConfig& raw_;
};

double positive(double v, const std::string& label) {
  if (!(v > 0.0)) throw UsageError(label, "must be > 0, got " + number_text(v));
  return v;
}

// "0.5", "linspace:FIRST:LAST" or "random:LO:HI".
NamedValue parse_distribution(const std::string& name, const RawValue& raw,
                              const std::string& label) {
  const std::string& text = raw.text;
  const std::string accepted = "expected VALUE, linspace:FIRST:LAST or random:LO:HI, got '";
  NamedValue out{name, {}, ""};
  const auto colon = text.find(':');
  if (colon == std::string::npos) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size())
      throw UsageError(label, accepted + text + "'");
    if (!std::isfinite(v)) throw UsageError(label, "expected a finite number, got '" + text + "'");
    out.value = core::Distribution::constant(v);
    out.text = number_text(v);
    return out;
  }
  const std::string kind = text.substr(0, colon), rest = text.substr(colon + 1);
  const auto second = rest.find(':');
  if ((kind != "linspace" && kind != "random") || second == std::string::npos) {
    throw UsageError(label, accepted + text + "'");
  }
  const double a = Reader::parse_number(rest.substr(0, second), label);
  const double b = Reader::parse_number(rest.substr(second + 1), label);
  if (kind == "random" && !(a < b)) {
    throw UsageError(label, "random:LO:HI needs LO < HI, got '" + text + "'");
  }
  out.value =
      kind == "random" ? core::Distribution::uniform(a, b) : core::Distribution::linspace(a, b);
  out.text = kind + ":" + number_text(a) + ":" + number_text(b);
  return out;
}

std::vector<NamedValue> named_values(const std::map<std::string, RawValue>& given,
                                     const std::vector<std::string>& names,
                                     const std::vector<double>& defaults, const char* option,
                                     const std::string& system) {
  for (const auto& [name, value] : given) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      std::string accepted;
      for (const auto& n : names)
        accepted += (accepted.empty() ? "" : ", ") + n;
      throw UsageError(option_label(std::string(option) + " " + name, value),
                       "unknown name for " + system + "; accepted: " + accepted);
    }
  }
  std::vector<NamedValue> out;
  for (size_t i = 0; i < names.size(); ++i) {
    const auto it = given.find(names[i]);
    if (it == given.end() && i >= defaults.size()) {
      const bool param = std::string(option) == "--param";
      throw UsageError(std::string(option) + " " + names[i],
                       system + " has no default for it: give " + option + " " + names[i] +
                           "=VALUE, or " + names[i] + " = ... in the file's [" +
                           (param ? "param" : "initial") + "] table");
    }
    const RawValue raw = it != given.end() ? it->second : RawValue{number_text(defaults[i]), ""};
    out.push_back(
        parse_distribution(names[i], raw, option_label(std::string(option) + " " + names[i], raw)));
  }
  return out;
}

// "all", "none", or items "A", "A:B" (A..B-1), "A:B:S" (every S-th) separated by commas.
std::vector<std::int64_t> parse_member_set(const std::string& text, std::int64_t members,
                                           const std::string& label) {
  std::vector<std::int64_t> out;
  if (text == "none") return out;  // no trajectory at all
  if (text == "all") {
    out.resize(static_cast<size_t>(members));
    for (std::int64_t m = 0; m < members; ++m)
      out[static_cast<size_t>(m)] = m;
    return out;
  }
  const std::string accepted =
      "expected all, none, A:B (members A..B-1), A:B:S (every S-th) or a comma-separated list "
      "of these and single members, got '" +
      text + "'";
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    std::vector<std::int64_t> parts;
    size_t p = 0;
    while (p <= item.size()) {
      const size_t colon = std::min(item.find(':', p), item.size());
      std::int64_t v = 0;
      const auto [end, ec] = std::from_chars(item.data() + p, item.data() + colon, v);
      if (colon == p || ec != std::errc() || end != item.data() + colon || v < 0) {
        throw UsageError(label, accepted);
      }
      parts.push_back(v);
      p = colon + 1;
    }
    if (parts.size() > 3 || (parts.size() == 3 && parts[2] < 1) ||
        (parts.size() >= 2 && parts[1] <= parts[0])) {
      throw UsageError(label, accepted);
    }
    // The last member the item names: A, or the last of A, A+S, ... below B.
    const std::int64_t stride = parts.size() == 3 ? parts[2] : 1;
    const std::int64_t last =
        parts.size() == 1 ? parts[0] : parts[0] + (parts[1] - 1 - parts[0]) / stride * stride;
    if (last >= members) {
      throw UsageError(label, "member " + std::to_string(last) +
                                  " is out of range; the ensemble has members 0.." +
                                  std::to_string(members - 1));
    }
    for (std::int64_t m = parts[0]; m <= last; m += stride)
      out.push_back(m);
    start = comma + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

PropagatorConfig propagator(const Reader& r, const std::string& which) {
  PropagatorConfig p;
  p.method = r.text(which);
  try {
    kernels::parse_method(p.method);
  } catch (const std::invalid_argument&) {
    throw UsageError(r.label(which),
                     "unknown method '" + p.method + "'; accepted: " + kernels::method_names());
  }
  const std::string h = which + "-h", steps = which + "-steps";
  if (r.given(h) && r.given(steps)) {
    throw UsageError(r.label(steps), "give --" + h + " or --" + steps + ", not both");
  }
  if (r.given(h) || (!r.given(steps) && *r.get(h).text.c_str())) {
    p.h = positive(r.number(h), r.label(h));
  } else {
    // The bound core::steps_for() puts on --fine-h / --coarse-h too.
    p.steps = r.integer(steps, 1, 9'000'000'000'000'000);
  }
  return p;
}

// "block", "cyclic", "block-cyclic:B" (B >= 1) or "auto".
parareal::Placement placement(const std::string& text, const std::string& label) {
  try {
    return parareal::parse_placement(text);
  } catch (const std::invalid_argument& e) {
    throw UsageError(label, e.what());
  }
}

}  // namespace

core::EnsembleSpec RunConfig::ensemble() const {
  if (system == core::Galaxy::name()) {
    core::GalaxySetup setup;
    setup.stars = members;
    setup.seed = seed;
    setup.m_host = params.at(0).value.lo;
    setup.a_host = params.at(1).value.lo;
    setup.m_nucleus = params.at(2).value.lo;
    setup.a_nucleus = params.at(3).value.lo;
    return setup.ensemble();
  }
  core::EnsembleSpec spec;
  spec.members = members;
  spec.seed = seed;
  for (const auto& p : params)
    spec.params.push_back(p.value);
  for (const auto& c : initial)
    spec.initial.push_back(c.value);
  return spec;
}

std::vector<double> RunConfig::times() const {
  return core::linspace(t0, t1, slices + 1);
}

RunConfig resolve(const RawConfig& raw, const Invocation& invocation) {
  const Reader r(raw);
  RunConfig c;
  c.invocation = invocation;
  if (invocation.overwrite && invocation.resume) {
    throw UsageError("--overwrite", "cannot be combined with --resume; give one of them");
  }
  const SystemInfo& system = find_system(r.text("system"), r.label("system"));
  c.system = system.name;
  c.members = r.integer("members", 1, std::numeric_limits<std::int64_t>::max());
  if (invocation.node_memory > 0) {
    // What every rank holds at least: its share of the states (twice: the
    // state and a copy) and parameters, and with --save-members all the list
    // of every member.
    const auto values = static_cast<long double>(2 * system.states.size() + system.params.size());
    const long double share = std::ceil(static_cast<long double>(c.members) / invocation.ranks);
    const long double need =
        share * values * 8 + (r.text("save-members") == "all" ? c.members * 8.0L : 0.0L);
    if (need > static_cast<long double>(invocation.node_memory)) {
      throw UsageError(r.label("members"),
                       std::to_string(c.members) + " members need at least " +
                           bytes_text(static_cast<double>(need)) + " of memory on each of the " +
                           std::to_string(invocation.ranks) + " rank(s), more than the " +
                           bytes_text(static_cast<double>(invocation.node_memory)) +
                           " of this node; give fewer members, or run on more ranks or nodes");
    }
  }
  c.seed =
      static_cast<std::uint64_t>(r.integer("seed", 0, std::numeric_limits<std::int64_t>::max()));
  c.params = named_values(raw.params, system.params, system.default_params, "--param", c.system);
  if (system.fixed_initial.empty()) {
    c.initial =
        named_values(raw.initial, system.states, system.default_initial, "--initial", c.system);
  } else if (!raw.initial.empty()) {
    throw UsageError(
        option_label("--initial " + raw.initial.begin()->first, raw.initial.begin()->second),
        system.fixed_initial);
  } else {
    for (const auto& p : c.params) {
      if (p.value.kind != core::Distribution::Kind::constant) {
        throw UsageError("--param " + p.name, "the " + c.system +
                                                  " system's parameters are single numbers; got " +
                                                  p.value.describe());
      }
    }
    try {
      (void)c.ensemble();  // the galaxy's own checks (positive masses and radii)
    } catch (const std::invalid_argument& e) {
      throw UsageError("--param", e.what());
    }
  }

  c.t0 = r.number("t0");
  c.t1 = r.number("t1");
  for (const char* t : {"t0", "t1"}) {
    if (std::fabs(r.number(t)) >= 9.0e15) {
      throw UsageError(r.label(t),
                       "must be below 9e15 in magnitude (file names hold times in "
                       "thousandths), got " +
                           r.text(t));
    }
  }
  if (!(c.t1 > c.t0)) {
    throw UsageError(r.label("t1"), "must be greater than --t0 = " + number_text(c.t0) + ", got " +
                                        number_text(c.t1));
  }
  c.slices = static_cast<int>(r.integer("slices", 1, 10000000));
  const auto times = c.times();
  try {
    io::check_unique_file_names(times);
  } catch (const std::invalid_argument& e) {
    std::string message = e.what();
    const std::string prefix = "pint::io: ";
    if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
    throw UsageError(r.label("slices"), message);
  }

  c.fine = propagator(r, "fine");
  c.coarse = propagator(r, "coarse");
  if (system.check_method) {
    for (const char* which : {"fine", "coarse"}) {
      try {
        system.check_method(r.text(which));
      } catch (const std::invalid_argument& e) {
        throw UsageError(r.label(which), e.what());
      }
    }
  }
  for (const auto* p : {&c.fine, &c.coarse}) {
    if (p->h <= 0) continue;
    const std::string which = p == &c.fine ? "fine-h" : "coarse-h";
    for (int n = 0; n < c.slices; ++n) {
      try {
        core::steps_for(times[n], times[n + 1], p->h);
      } catch (const std::invalid_argument& e) {
        throw UsageError(r.label(which), std::string(e.what()) + " in slice " + std::to_string(n));
      }
    }
  }

  c.tolerance = r.number("tolerance");
  if (c.tolerance < 0) {
    throw UsageError(r.label("tolerance"),
                     "must be >= 0 (0: no tolerance test), got " + number_text(c.tolerance));
  }
  c.relative = r.flag("relative");
  c.max_iterations = static_cast<int>(r.integer("max-iterations", 0));
  c.window = static_cast<int>(r.integer("window", 0));
  c.sequential = r.flag("sequential");

  const int ranks = invocation.ranks;
  if (r.given("p-time")) {
    c.p_time = static_cast<int>(r.integer("p-time", 1));
    if (ranks % c.p_time != 0) {
      throw UsageError(r.label("p-time"), std::to_string(c.p_time) + " does not divide the " +
                                              std::to_string(ranks) +
                                              " ranks; P_members = ranks / P_time must be whole");
    }
  } else {
    c.p_time = ranks;
  }
  const std::string p_label =
      r.given("p-time") ? r.label("p-time") : "--p-time (default: every rank)";
  if (c.sequential) {
    if (c.members < ranks) {
      // The cause is the rank count, not the members line of a file.
      throw UsageError(r.label("sequential"),
                       "runs on " + std::to_string(ranks) + " ranks, each a block of the " +
                           std::to_string(c.members) +
                           " member(s), and needs at least one member per rank; launch it on at "
                           "most " +
                           std::to_string(c.members) + " rank(s) (mpiexec -n " +
                           std::to_string(c.members) + ") or give --members " +
                           std::to_string(ranks) + " or more");
    }
  } else {
    const int window = c.window <= 0 || c.window > c.slices ? c.slices : c.window;
    const int last = c.slices - (c.slices - 1) / window * window;
    if (c.p_time > window) {
      throw UsageError(p_label, std::to_string(c.p_time) + " time ranks exceed the " +
                                    std::to_string(window) +
                                    " slices per window; use at most as many time ranks as "
                                    "slices (P_time = ranks / P_members)");
    }
    if (c.p_time > last) {
      throw UsageError(r.label("window"),
                       "the last window has " + std::to_string(last) + " slices, fewer than the " +
                           std::to_string(c.p_time) +
                           " time ranks; choose W so that every window has at least P_time "
                           "slices");
    }
    c.placement = placement(r.text("placement"), r.label("placement"));
    const parareal::Placement check = c.placement.kind == parareal::Placement::Kind::automatic
                                          ? parareal::Placement{}
                                          : c.placement;
    for (const int slices : {window, last}) {
      try {
        parareal::place(0, slices, c.p_time, check);
      } catch (const std::invalid_argument& e) {
        throw UsageError(r.label("placement"), e.what());
      }
    }
    if (c.members < c.p_members()) {
      throw UsageError(r.label("members"), std::to_string(c.members) + " members cannot fill " +
                                               std::to_string(c.p_members()) +
                                               " member blocks (ranks / P_time); give more "
                                               "members or a larger --p-time");
    }
  }

  c.output = r.text("output");
  if (c.output.empty()) throw UsageError(r.label("output"), "must name a directory, got ''");
  c.save_every = r.integer("save-every", 1, std::numeric_limits<std::int64_t>::max());
  c.save_members = r.text("save-members");
  c.saved_members = parse_member_set(c.save_members, c.members, r.label("save-members"));
  c.compression = static_cast<int>(r.integer("compression", 0, 9));
  c.keep_iterations = r.flag("keep-iterations");
  c.final_sweep = r.flag("final-sweep");
  if (c.final_sweep && c.sequential) {
    throw UsageError(r.label("final-sweep"),
                     "is for parareal runs; a --sequential run's files already start at its "
                     "boundaries (leave one of them out)");
  }
  c.dim = static_cast<int>(system.states.size());
  c.output_chosen = r.given("save-every") || r.given("save-members");
  c.large_output = r.flag("large-output");
  if (r.given("memory-budget")) {
    c.memory_budget = r.text("memory-budget") == "none" ? RunConfig::memory_none
                                                        : parse_bytes(r.text("memory-budget"));
    if (c.memory_budget < 0 && c.memory_budget != RunConfig::memory_none) {
      throw UsageError(r.label("memory-budget"),
                       "expected bytes, optionally with a suffix k, M, G or T (binary "
                       "multiples: 512M, 2G), or none, got '" +
                           r.text("memory-budget") + "'");
    }
  }
  return c;
}

namespace {

// a * b and a + b of non-negative sizes, at most INT64_MAX (absurd settings
// must not overflow before they are refused).
std::int64_t saturated(long double v) {
  const auto max = static_cast<long double>(std::numeric_limits<std::int64_t>::max());
  return v >= max ? std::numeric_limits<std::int64_t>::max() : static_cast<std::int64_t>(v);
}

}  // namespace

OutputSize output_size(const RunConfig& c) {
  OutputSize o;
  const auto times = c.times();
  const auto saved = static_cast<std::int64_t>(c.saved_members.size());
  const std::int64_t value = 8;
  using L = long double;
  o.run_file = saturated(L(c.slices + 1) * L(c.members) * L(c.dim) * L(value));
  if (saved > 0) {
    o.files = c.slices;
    for (int n = 0; n < c.slices; ++n) {
      const std::int64_t steps = c.fine.steps > 0
                                     ? c.fine.steps
                                     : core::steps_for(times[static_cast<size_t>(n)],
                                                       times[static_cast<size_t>(n) + 1], c.fine.h);
      const std::int64_t m = c.save_every;
      const std::int64_t rows = steps / m + 1 + (steps % m != 0 ? 1 : 0);
      const std::int64_t bytes =
          saturated(L(rows) * L(saved) * L(c.dim) * L(value) + L(rows) * value + L(saved) * value);
      o.slice_min = n == 0 ? bytes : std::min(o.slice_min, bytes);
      o.slice_max = std::max(o.slice_max, bytes);
      o.slices = saturated(L(o.slices) + L(bytes));
    }
  }
  o.total = saturated(L(o.slices) + L(o.run_file));
  return o;
}

bool hold_by_default(const RunConfig& c) {
  const auto times = c.times();
  const std::int64_t stages = c.fine.method == "rk4" ? 4 : c.fine.method == "heun" ? 2 : 1;
  using L = long double;
  L computed = 0;
  for (int n = 0; n < c.slices; ++n) {
    const std::int64_t steps = c.fine.steps > 0
                                   ? c.fine.steps
                                   : core::steps_for(times[static_cast<size_t>(n)],
                                                     times[static_cast<size_t>(n) + 1], c.fine.h);
    computed += L(c.members) * L(c.dim) * L(steps) * L(stages);
  }
  return computed > L(10) * L(output_size(c).slices);
}

std::string bytes_text(double bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (bytes >= 1000.0 && u < 5) {
    bytes /= 1000.0;
    ++u;
  }
  char text[40];
  std::snprintf(text, sizeof(text), u == 0 ? "%.0f %s" : "%.3g %s", bytes, units[u]);
  return text;
}

std::int64_t parse_bytes(const std::string& text) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || v < 0) return -1;
  const std::string suffix(end, text.data() + text.size());
  int shift = 0;
  if (suffix == "k" || suffix == "K") {
    shift = 10;
  } else if (suffix == "M") {
    shift = 20;
  } else if (suffix == "G") {
    shift = 30;
  } else if (suffix == "T") {
    shift = 40;
  } else if (!suffix.empty()) {
    return -1;
  }
  if (v > (std::numeric_limits<std::int64_t>::max() >> shift)) return -1;
  return v << shift;
}

nlohmann::json problem_json(const RunConfig& c) {
  nlohmann::json j;
  j["system"] = c.system;
  j["members"] = c.members;
  j["seed"] = c.seed;
  for (const auto& p : c.params)
    j["param"][p.name] = p.text;
  for (const auto& v : c.initial)
    j["initial"][v.name] = v.text;
  j["t0"] = c.t0;
  j["t1"] = c.t1;
  j["slices"] = c.slices;
  for (const auto* p : {&c.fine, &c.coarse}) {
    j[p == &c.fine ? "fine" : "coarse"] = {{"method", p->method}, {"h", p->h}, {"steps", p->steps}};
  }
  j["tolerance"] = c.tolerance;
  j["relative"] = c.relative;
  j["max_iterations"] = c.max_iterations;
  j["window"] = c.window;
  j["save_every"] = c.save_every;
  j["save_members"] = c.save_members;
  j["sequential"] = c.sequential;
  j["final_sweep"] = c.final_sweep;
  return j;
}

}  // namespace pint::apps
