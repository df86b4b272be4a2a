// The settings of `pint run`: one table that gives every setting its option
// (--name), its TOML key (name), its kind and its help; the command-line
// options registered from it; TOML files read into the same raw form; and the
// command line laid over the file.
#pragma once

#include <CLI/CLI.hpp>

#include <map>
#include <string>
#include <vector>

namespace pint::apps {

struct Setting {
  enum class Kind { integer, number, text, flag };
  const char* name;  // the option without "--", and the TOML key
  Kind kind;
  const char* value_name;  // e.g. "H" (empty for flags)
  const char* fallback;    // the default, as text ("" when there is none or it is computed)
  const char* help;
};

// Every setting a TOML file may hold (besides the [param] and [initial] tables).
const std::vector<Setting>& run_settings();

// A value as given, before conversion, and where it came from.
struct RawValue {
  std::string text;
  std::string origin;  // "" for the command line, else e.g. "run.toml line 3"
  bool from_file() const { return !origin.empty(); }
};

// Values by setting name, parameters and initial components by their names.
struct RawConfig {
  std::map<std::string, RawValue> values;
  std::map<std::string, RawValue> params, initial;
};

// How an error names a setting: "--fine-h", or "--fine-h (run.toml line 3)".
std::string option_label(const std::string& option, const RawValue& value);

// What the command line gave `pint run`.
struct RunFlags {
  std::map<std::string, std::string> texts;
  std::map<std::string, bool> flags;
  std::vector<std::string> params, initial;  // NAME=VALUE
  std::string config;
  bool overwrite = false, resume = false, quiet = false, no_plots = false, verbose = false;
  std::map<std::string, CLI::Option*> options;  // by setting name, and "param", "initial"
};

// Registers the options of `pint run` (flags must outlive the parse).
void add_run_options(CLI::App& run, RunFlags& flags);

// The values the command line gave (options not given are absent).
RawConfig command_line_values(const RunFlags& flags);

// Reads a TOML configuration (`text` of the file `file`). Throws UsageError
// for syntax errors, unknown keys and values of the wrong type.
RawConfig parse_config_file(const std::string& text, const std::string& file);

// The file's values with the command line's laid over them. Giving a step
// size or a step count on the command line replaces both of the file's.
RawConfig merge(RawConfig file, const RawConfig& command_line);

}  // namespace pint::apps
