#include "report.hpp"

#include "output_dir.hpp"
#include "pint/core/build_info.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

extern char** environ;

namespace pint::apps {

namespace fs = std::filesystem;

std::string progress_line(const parareal::Progress& p, int windows) {
  char line[200];
  char window[40] = "";
  if (windows > 1) std::snprintf(window, sizeof(window), "window %d/%d, ", p.window + 1, windows);
  std::snprintf(line, sizeof(line),
                "%siteration %2d: max change %.3e, slices final %2d/%d, elapsed %.3f s, "
                "remaining <= %.3f s",
                window, p.iteration, p.max_change, p.slices_final, p.window_slices, p.elapsed,
                p.remaining);
  return line;
}

std::string output_size_line(const RunConfig& cfg) {
  const OutputSize o = output_size(cfg);
  const auto text = [](std::int64_t b) { return bytes_text(static_cast<double>(b)); };
  std::string line = "output: " + std::to_string(o.total) + " bytes (" + text(o.total) + "): ";
  if (o.files == 0) {
    line += "no per-slice files (--save-members none)";
  } else {
    line += std::to_string(o.files) + " per-slice files of " +
            (o.slice_min == o.slice_max ? text(o.slice_max) + " each"
                                        : text(o.slice_min) + " to " + text(o.slice_max));
  }
  line += ", run.h5 " + text(o.run_file);
  if (cfg.keep_iterations && o.files > 0) {
    line += "; --keep-iterations keeps up to one set of files per iteration";
  }
  return line;
}

std::vector<std::string> timing_names() {
  return {"setup",          "coarse",      "fine",          "communication", "waiting",
          "solve",          "output",      "writer",        "fine_solves",   "coarse_solves",
          "fine_cancelled", "fine_stored", "files_written", "output_solves", "output_stored"};
}

std::vector<double> timing_values(const Outcome& o) {
  const auto& t = o.timings;
  return {o.setup,
          t.coarse,
          t.fine,
          t.communication,
          t.waiting,
          t.total,
          t.output + o.output,
          o.writer,
          static_cast<double>(t.fine_solves),
          static_cast<double>(t.coarse_solves),
          static_cast<double>(t.fine_cancelled),
          static_cast<double>(t.fine_stored),
          static_cast<double>(o.files_written),
          static_cast<double>(t.output_solves),
          static_cast<double>(t.output_stored)};
}

namespace {

std::string number(double v) {
  char text[40];
  std::snprintf(text, sizeof(text), "%.17g", v);
  return text;
}

// Runs argv[0] with its output captured; returns the exit status (-1: not started).
int run_captured(const std::vector<std::string>& args, std::string& output) {
  std::vector<char*> argv;
  for (const auto& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int fds[2];
  if (::pipe(fds) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  pid_t pid = 0;
  const int started = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof(buffer))) > 0;)
    output.append(buffer, static_cast<size_t>(n));
  ::close(fds[0]);
  if (started != 0) return -1;
  int status = 0;
  if (::waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string last_line(std::string text) {
  while (!text.empty() && text.back() == '\n')
    text.pop_back();
  const auto nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

}  // namespace

Plots make_plots(const RunConfig& cfg) {
  Plots plots;
  if (!cfg.invocation.plots) {
    plots.note = "plots not drawn (--no-plots)";
    return plots;
  }
  if (cfg.saved_members.empty()) {
    plots.note = "plots not drawn (--save-members none: no trajectory)";
    return plots;
  }
  const char* python_env = std::getenv("PINT_PYTHON");
  const char* script_env = std::getenv("PINT_PLOT_SCRIPT");
  const std::string python = python_env && *python_env ? python_env : "/usr/bin/python3";
  const std::string script = script_env && *script_env      ? script_env
                             : fs::exists(PINT_PLOT_SCRIPT) ? PINT_PLOT_SCRIPT
                                                            : PINT_INSTALLED_PLOT_SCRIPT;
  if (::access(python.c_str(), X_OK) != 0) {
    plots.note = "plots skipped: " + python + " not found (set PINT_PYTHON)";
    return plots;
  }
  if (!fs::is_regular_file(script)) {
    plots.note = "plots skipped: " + script + " not found (set PINT_PLOT_SCRIPT)";
    return plots;
  }
  std::vector<std::string> args = {python, script, cfg.output, "--member", "0"};
  if (cfg.system == "oscillator") {
    // The exact solution of the first saved member (column 0).
    const auto spec = cfg.ensemble();
    const std::int64_t m = cfg.saved_members.front();
    for (const auto& [name, value] : {std::pair<std::string, double>{"omega0", spec.param(m, 0)},
                                      {"zeta", spec.param(m, 1)},
                                      {"q0", spec.initial_value(m, 0)},
                                      {"p0", spec.initial_value(m, 1)}}) {
      args.push_back("--" + name);
      args.push_back(number(value));
    }
  }
  std::string output;
  const int status = run_captured(args, output);
  if (status != 0) {
    plots.note = "plots skipped: " + python + " " + script + " failed" +
                 (status > 0 ? " (exit " + std::to_string(status) + "): " + last_line(output)
                             : std::string(" to start")) +
                 " (it needs h5py, numpy and matplotlib)";
    return plots;
  }
  for (const char* png : {"trajectory.png", "convergence.png"})
    if (fs::exists(fs::path(cfg.output) / png)) plots.files.push_back(png);
  plots.note = "plots: " + (plots.files.empty() ? std::string("none") : plots.files.front()) +
               (plots.files.size() > 1 ? ", " + plots.files[1] : "");
  return plots;
}

// The model's advice in one line: the alternatives on the same ranks.
static std::string advice_line(const Outcome& o) {
  const auto& a = o.advice;
  const int P = o.p_time * o.p_members;
  char line[512];
  if (a.parareal_pays) {
    std::snprintf(line, sizeof line,
                  "on %d rank(s) parareal pays: the model gives %.4f s with --p-time %d against "
                  "%.4f s for the member-parallel --sequential run",
                  P, a.best, a.best_p_time, a.sequential);
  } else {
    std::snprintf(line, sizeof line,
                  "on %d rank(s) the member-parallel --sequential run is faster: the model gives "
                  "%.4f s for it against %.4f s for parareal at its best (--p-time %d); parareal "
                  "pays when the members are too few to keep every rank busy",
                  P, a.sequential, a.best, a.best_p_time);
  }
  return line;
}

nlohmann::json run_json(const RunConfig& cfg, const Outcome& o, const nlohmann::json& info,
                        const std::vector<std::vector<double>>& timings, const Plots& plots,
                        const std::string& command_line) {
  nlohmann::json j;
  j["command"] = command_line;
  j["configuration"] = problem_json(cfg);
  j["configuration"]["output"] = cfg.output;
  j["configuration"]["p_time"] = o.p_time;
  j["configuration"]["p_members"] = o.p_members;
  j["configuration"]["placement"] = parareal::placement_name(cfg.placement);
  j["configuration"]["compression"] = cfg.compression;
  j["configuration"]["keep_iterations"] = cfg.keep_iterations;
  j["configuration"]["resume"] = cfg.invocation.resume;
  j["configuration"]["config_file"] = cfg.invocation.config_file;
  j["build"] = info;
  j["build"].erase("ranks");
  j["ranks"] = info["ranks"];
  j["decomposition"] = {{"mode", o.mode},           {"ranks", cfg.invocation.ranks},
                        {"p_time", o.p_time},       {"p_members", o.p_members},
                        {"placement", o.placement}, {"description", o.layout}};
  if (!o.placement_model.empty()) {
    nlohmann::json candidates = nlohmann::json::array();
    for (const auto& [name, seconds] : o.placement_model)
      candidates.push_back({{"placement", name}, {"seconds", seconds}});
    j["decomposition"]["placement_model"] = candidates;
  }

  nlohmann::json windows = nlohmann::json::array();
  for (const auto& w : o.windows) {
    windows.push_back({{"iterations", w.iterations},
                       {"converged", w.converged},
                       {"diverged", w.diverged},
                       {"history", w.history}});
  }
  j["result"] = {{"iterations", o.iterations},
                 {"converged", o.converged},
                 {"diverged", o.diverged},
                 {"convergence_history", o.history},
                 {"windows", windows}};

  const auto names = timing_names();
  nlohmann::json ranks = nlohmann::json::array();
  double measured = 0;
  for (size_t r = 0; r < timings.size(); ++r) {
    nlohmann::json row = {{"rank", r}};
    for (size_t i = 0; i < names.size(); ++i) {
      if (i < phase_count) {
        row[names[i]] = timings[r][i];
      } else {
        row[names[i]] = static_cast<std::int64_t>(timings[r][i]);
      }
    }
    measured = std::max(measured, timings[r][5]);
    ranks.push_back(row);
  }
  j["timings"] = {{"unit", "seconds"},
                  {"phases", std::vector<std::string>(names.begin(), names.begin() + phase_count)},
                  {"ranks", ranks}};
  const auto& m = o.model;
  const bool par = o.mode == "parareal";
  const double model_time = par ? m.predicted : m.sequential;
  j["model"] = {{"tau_f", o.tau_f},
                {"tau_g", o.tau_g},
                {"tau_f_ranks", o.tau_f_ranks},
                {"tau_g_ranks", o.tau_g_ranks},
                {"sink_ranks", o.sink_ranks},
                {"sink_final_ranks", o.sink_final_ranks},
                {"other_ranks", o.other_ranks},
                {"sequential", m.sequential},
                {"synchronous", m.synchronous},
                {"pipelined", m.pipelined},
                {"schedule", m.schedule},
                {"schedule_messages", m.messages},
                {"boundary_messages", m.boundary_messages},
                {"setup", m.setup},
                {"output", m.output},
                {"output_after", m.output_after},
                {"other", m.other},
                {"predicted", m.predicted},
                {"boundary_message_seconds", o.messages.boundary},
                {"decision_seconds", o.messages.decision},
                {"measured", measured},
                {"measured_over_model", model_time > 0 && o.read_back == 0
                                            ? nlohmann::json(measured / model_time)
                                            : nlohmann::json(nullptr)},
                {"fine_solves_read_back", o.read_back},
                {"oversubscribed", o.oversubscribed.empty() ? nlohmann::json(nullptr)
                                                            : nlohmann::json(o.oversubscribed)},
                {"speedup_model", m.speedup_pipelined},
                {"speedup_bound", m.speedup_bound},
                {"speedup_estimated", measured > 0 ? m.sequential / measured : 0.0}};
  if (par) {
    nlohmann::json options = nlohmann::json::array();
    for (const auto& [p_time, seconds] : o.advice.by_p_time)
      options.push_back({{"p_time", p_time}, {"seconds", seconds}});
    j["advice"] = {{"ranks", o.p_time * o.p_members},
                   {"member_parallel_sequential_seconds", o.advice.sequential},
                   {"parareal_by_p_time", options},
                   {"best_p_time", o.advice.best_p_time},
                   {"best_parareal_seconds", o.advice.best},
                   {"parareal_pays", o.advice.parareal_pays},
                   {"advice", advice_line(o)}};
  }
  const OutputSize size = output_size(cfg);
  j["output_bytes"] = {{"total", size.total},
                       {"per_slice_files", size.slices},
                       {"per_slice_min", size.slice_min},
                       {"per_slice_max", size.slice_max},
                       {"files", size.files},
                       {"run_file", size.run_file}};
  j["files"] = {{"trajectory", cfg.saved_members.empty() ? nlohmann::json(nullptr)
                                                         : nlohmann::json("trajectory.h5")},
                {"run", "run.h5"},
                {"configuration", config_file_name},
                {"plots", plots.files},
                {"plots_note", plots.note}};
  return j;
}

void print_summary(const RunConfig& cfg, const Outcome& o, const Plots& plots, double measured) {
  const auto& m = o.model;
  if (o.mode == "sequential") {
    std::printf("sequential fine run: %d slices in %.4f s (tau_F %.3e s per slice, %d read back)\n",
                cfg.slices, measured, o.tau_f, o.timings.fine_stored);
  } else {
    const double last = o.history.empty() ? 0.0 : o.history.back();
    if (o.diverged) {
      std::printf("diverged: a NaN or infinity appeared by iteration %d\n", o.iterations);
    } else if (o.converged) {
      std::printf("converged after %d iterations in %.4f s (max change %.3e < tolerance %g%s)\n",
                  o.iterations, measured, last, cfg.tolerance, cfg.relative ? ", relative" : "");
    } else {
      std::printf(
          "stopped after %d iterations in %.4f s without reaching the tolerance (max "
          "change %.3e)\n",
          o.iterations, measured, last);
    }
    if (o.read_back > 0) {
      // The model knows no read-back solves: a ratio would mean nothing.
      std::printf(
          "resumed: %d fine solves read back from stored files, so the run is not compared "
          "with the model\n",
          o.read_back);
    } else {
      std::printf(
          "model: %.4f s for the measured %.4f s (measured / model %.2f): the solver's schedule "
          "%.4f s (boundary messages and decisions %.4f s of it, output during the fine solves "
          "%.4f s of it) + making and handing back the states %.4f s + fine solves after "
          "convergence for the files %.4f s; pipelined formula %.4f s; sequential N tau_F "
          "%.4f s; bound N/K %.2f\n",
          m.predicted, measured, m.predicted > 0 ? measured / m.predicted : 0.0, m.schedule,
          m.messages, m.output, m.setup, m.output_after, m.pipelined, m.sequential,
          m.speedup_bound);
      if (!o.oversubscribed.empty()) {
        std::printf(
            "note: %s share their cores: the model gives every rank cores of its own, so this "
            "run takes longer than it (run at most one rank x thread per core to compare)\n",
            o.oversubscribed.c_str());
      }
    }
    if (!o.placement_model.empty()) {
      std::string choice;
      for (const auto& [name, seconds] : o.placement_model) {
        char item[96];
        std::snprintf(item, sizeof(item), "%s%s %.4f s", choice.empty() ? "" : ", ", name.c_str(),
                      seconds);
        choice += item;
      }
      std::printf("placement: %s, the model's choice for the probed costs (%s)\n",
                  o.placement.c_str(), choice.c_str());
    }
    std::printf("advice: %s\n", advice_line(o).c_str());
  }
  int files = 0;
  std::error_code ec;
  for (fs::directory_iterator it(cfg.output, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    files += name.rfind("fine-", 0) == 0 && is_pint_file(name) ? 1 : 0;
  }
  const std::string held = o.held_note.empty() ? "" : " (" + o.held_note + ")";
  std::printf("output in %s: %srun.h5, run.json, %s, %d per-slice files%s; %s\n",
              cfg.output.c_str(), cfg.saved_members.empty() ? "" : "trajectory.h5, ",
              config_file_name, files, held.c_str(), plots.note.c_str());
  std::fflush(stdout);
}

}  // namespace pint::apps
