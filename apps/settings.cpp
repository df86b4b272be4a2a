#include "settings.hpp"

#include "system_list.hpp"
#include "usage_error.hpp"

#include <toml++/toml.h>

#include <cstdio>

namespace pint::apps {

using Kind = Setting::Kind;

const std::vector<Setting>& run_settings() {
  static const std::vector<Setting> table = {
      {"system", Kind::text, "NAME", "oscillator", "System"},
      {"members", Kind::integer, "M", "1", "Ensemble members"},
      {"seed", Kind::integer, "S", "0", "Seed of the random:LO:HI draws"},
      {"t0", Kind::number, "T", "0", "Start time"},
      {"t1", Kind::number, "T", "15", "End time (> t0)"},
      {"slices", Kind::integer, "N", "19", "Time slices; boundaries linspace(t0, t1, N + 1)"},
      {"fine", Kind::text, "METHOD", "euler",
       "Fine method: euler, heun, rk4, implicit-midpoint, backward-euler"},
      {"fine-h", Kind::number, "H", "0.01",
       "Fine step size: ceil((T[n+1] - T[n]) / H) equal steps per slice"},
      {"fine-steps", Kind::integer, "N", "", "Fine steps per slice (instead of --fine-h)"},
      {"coarse", Kind::text, "METHOD", "euler", "Coarse method (as --fine)"},
      {"coarse-h", Kind::number, "H", "", "Coarse step size (instead of --coarse-steps)"},
      {"coarse-steps", Kind::integer, "N", "1", "Coarse steps per slice"},
      {"tolerance", Kind::number, "TOL", "1e-4",
       "Converged when the largest change of any boundary value is below TOL "
       "(0: run to --max-iterations or to k = N)"},
      {"relative", Kind::flag, "", "false", "Compare the change divided by the largest |U|"},
      {"max-iterations", Kind::integer, "K", "0",
       "At most K iterations per window (0: as many as the window has slices)"},
      {"window", Kind::integer, "W", "0", "Slices per time window (0: one window)"},
      {"p-time", Kind::integer, "P", "",
       "Time ranks (default: all ranks); ranks / P member blocks split the ensemble"},
      {"placement", Kind::text, "HOW", "block",
       "How slices are dealt to the time ranks: block, cyclic, block-cyclic:B (runs of B "
       "slices round robin) or auto (the model's choice for costs probed before the run)"},
      {"output", Kind::text, "DIR", "pint-output", "Output directory"},
      {"save-every", Kind::integer, "M", "1", "Save every M-th fine step (and each slice's last)"},
      {"save-members", Kind::text, "SET", "all",
       "Members saved: all, none (no per-slice files, no trajectory.h5), A:B (A..B-1), "
       "A:B:S (every S-th), or a list like 0,5,10:20"},
      {"compression", Kind::integer, "L", "0", "gzip level of the trajectory files, 0-9"},
      {"keep-iterations", Kind::flag, "", "false",
       "Keep every iteration's files (default: only each slice's final one)"},
      {"final-sweep", Kind::flag, "", "false",
       "After convergence, one more fine solve per slice from the converged boundaries U^K "
       "into its file, so each trajectory starts at run.h5's boundary (slices already exact "
       "are not solved again)"},
      {"large-output", Kind::flag, "", "false",
       "Write the trajectories even when they exceed 1 GiB or 10% of the free disk (without "
       "it, or --save-every / --save-members, such a run stops before it starts)"},
      {"memory-budget", Kind::text, "BYTES", "",
       "Hold trajectories in memory until their slices are final, up to this many bytes a rank, "
       "e.g. 512M, 2G (default: a quarter of the node's memory shared by its ranks where a fine "
       "solve computes more than ten values per byte it saves, else none); 0: stream every solve "
       "to its file; none: hold nothing, after each window every slice's final solve is solved "
       "again from its kept input and written then"},
      {"sequential", Kind::flag, "", "false",
       "Run the fine propagator alone (the reference): one file per slice, iteration 0, "
       "members split over the ranks"},
  };
  return table;
}

std::string option_label(const std::string& option, const RawValue& value) {
  return value.from_file() ? option + " (" + value.origin + ")" : option;
}

namespace {

// "[oscillator: omega0=1 zeta=0.5; vanderpol: mu=1; lorenz: rho (no default)]"
std::string defaults_help(bool params) {
  std::string out;
  for (const auto& s : systems()) {
    const auto& names = params ? s.params : s.states;
    const auto& values = params ? s.default_params : s.default_initial;
    if (!params && !s.fixed_initial.empty()) continue;
    std::string item = s.name + ":";
    for (size_t i = 0; i < names.size(); ++i) {
      if (i < values.size()) {
        char text[64];
        std::snprintf(text, sizeof(text), " %s=%g", names[i].c_str(), values[i]);
        item += text;
      } else {
        item += " " + names[i] + " (no default)";
      }
    }
    out += (out.empty() ? "[" : "; ") + item;
  }
  return out.empty() ? out : out + "]";
}

}  // namespace

void add_run_options(CLI::App& run, RunFlags& flags) {
  run.add_option("--config", flags.config, "TOML file of settings (options given here win)")
      ->type_name("FILE");
  for (const Setting& s : run_settings()) {
    const std::string name = s.name;
    std::string help = s.help;
    if (name == "system") help += ": " + system_names();
    if (*s.fallback && s.kind != Kind::flag) help += " [default: " + std::string(s.fallback) + "]";
    if (s.kind == Kind::flag) {
      flags.options[name] = run.add_flag("--" + name, flags.flags[name], help);
    } else {
      flags.options[name] = run.add_option("--" + name, flags.texts[name], help)
                                ->type_name(s.value_name)
                                ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    }
    if (name == "system") {
      const auto add_list = [&](const char* option, std::vector<std::string>& to,
                                const std::string& text) {
        flags.options[option + 2] = run.add_option(option, to, text)
                                        ->type_name("NAME=VALUE")
                                        ->expected(1)
                                        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
      };
      add_list("--param", flags.params,
               "A parameter (repeatable): VALUE, linspace:FIRST:LAST or random:LO:HI over the "
               "members " +
                   defaults_help(true));
      add_list("--initial", flags.initial,
               "An initial component (repeatable), values as --param " + defaults_help(false));
    }
  }
  run.add_flag("--overwrite", flags.overwrite,
               "Replace pint's files in a non-empty output directory (other files are kept)");
  run.add_flag("--resume", flags.resume,
               "Continue an interrupted run in the output directory from its complete files");
  run.add_flag("--quiet", flags.quiet, "No progress lines and no summary");
  run.add_flag("--no-plots", flags.no_plots, "Do not call examples/plot.py");
  run.add_flag("--verbose", flags.verbose,
               "On an error while the run goes on (a full disk, a file that cannot be written), "
               "print HDF5's error stack after the one-line message");
}

namespace {

void add_pairs(const std::vector<std::string>& items, const char* option,
               std::map<std::string, RawValue>& to) {
  for (const auto& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw UsageError(option, "expected NAME=VALUE, got '" + item + "'");
    }
    to[item.substr(0, eq)] = {item.substr(eq + 1), ""};
  }
}

std::string origin(const std::string& file, const toml::node& node) {
  return file + " line " + std::to_string(node.source().begin.line);
}

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    default:
      return "a date or time";
  }
}

std::string number_text(double v) {
  char text[40];
  std::snprintf(text, sizeof(text), "%.17g", v);
  return text;
}

// A scalar as text, if it is one of the accepted node types.
RawValue scalar(const toml::node& node, const std::string& option, const std::string& file,
                bool integer, bool number, bool text, bool boolean, const char* expected) {
  const std::string where = origin(file, node);
  if (integer && node.is_integer()) return {std::to_string(node.as_integer()->get()), where};
  // An integer as its own digits: toml++ gives no double for one a double
  // cannot hold exactly (9223372036854775807), and the number parser rounds it.
  if (number && node.is_integer()) return {std::to_string(node.as_integer()->get()), where};
  if (number && node.is_floating_point()) {
    return {number_text(node.as_floating_point()->get()), where};
  }
  if (text && node.is_string()) return {node.as_string()->get(), where};
  if (boolean && node.is_boolean()) return {node.as_boolean()->get() ? "true" : "false", where};
  throw UsageError(option + " (" + where + ")",
                   std::string("expected ") + expected + ", got " + type_name(node));
}

void read_table(const toml::node& node, const char* key, const std::string& file,
                std::map<std::string, RawValue>& to) {
  const std::string option = std::string("--") + key;
  if (!node.is_table()) {
    throw UsageError(
        option + " (" + origin(file, node) + ")",
        "expected a table [" + std::string(key) + "] of NAME = VALUE, got " + type_name(node));
  }
  for (auto&& [name, value] : *node.as_table()) {
    const std::string n(name.str());
    to[n] = scalar(value, option + " " + n, file, false, true, true, false,
                   "a number or a string like \"linspace:0.1:0.9\"");
  }
}

}  // namespace

RawConfig command_line_values(const RunFlags& flags) {
  RawConfig raw;
  for (const Setting& s : run_settings()) {
    const std::string name = s.name;
    if (flags.options.at(name)->count() == 0) continue;
    raw.values[name] = {
        s.kind == Kind::flag ? (flags.flags.at(name) ? "true" : "false") : flags.texts.at(name),
        ""};
  }
  add_pairs(flags.params, "--param", raw.params);
  add_pairs(flags.initial, "--initial", raw.initial);
  return raw;
}

RawConfig parse_config_file(const std::string& text, const std::string& file) {
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw UsageError("--config", file + " line " + std::to_string(where.line) + " column " +
                                     std::to_string(where.column) + ": " +
                                     std::string(e.description()));
  }
  RawConfig raw;
  std::string accepted = "param, initial";
  for (const Setting& s : run_settings())
    accepted += std::string(", ") + s.name;
  for (auto&& [key, node] : root) {
    const std::string k(key.str());
    if (k == "param" || k == "initial") {
      read_table(node, k.c_str(), file, k == "param" ? raw.params : raw.initial);
      continue;
    }
    const Setting* setting = nullptr;
    for (const Setting& s : run_settings())
      if (k == s.name) setting = &s;
    if (!setting) {
      throw UsageError("--config", file + " line " + std::to_string(key.source().begin.line) +
                                       ": unknown key '" + k + "'; accepted: " + accepted);
    }
    const Kind kind = setting->kind;
    const char* expected = kind == Kind::integer  ? "an integer"
                           : kind == Kind::number ? "a number"
                           : kind == Kind::flag   ? "true or false"
                                                  : "a string";
    raw.values[k] = scalar(node, "--" + k, file, kind == Kind::integer, kind == Kind::number,
                           kind == Kind::text, kind == Kind::flag, expected);
  }
  return raw;
}

RawConfig merge(RawConfig file, const RawConfig& command_line) {
  for (const char* pair : {"fine", "coarse"}) {
    const std::string h = std::string(pair) + "-h", steps = std::string(pair) + "-steps";
    if (command_line.values.count(h) || command_line.values.count(steps)) {
      file.values.erase(h);
      file.values.erase(steps);
    }
  }
  for (const auto& [k, v] : command_line.values)
    file.values[k] = v;
  for (const auto& [k, v] : command_line.params)
    file.params[k] = v;
  for (const auto& [k, v] : command_line.initial)
    file.initial[k] = v;
  return file;
}

}  // namespace pint::apps
