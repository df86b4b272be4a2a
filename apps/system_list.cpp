#include "system_list.hpp"

#include "usage_error.hpp"

#include <stdexcept>

namespace pint::apps {

namespace {

std::vector<SystemInfo>& registry() {
  static std::vector<SystemInfo> all = builtin_systems();
  return all;
}

}  // namespace

void add_systems(std::vector<SystemInfo> added) {
  auto& all = registry();
  for (auto& s : added) {
    if (s.name.empty() || s.name.find_first_of(" \t\n=,") != std::string::npos) {
      throw std::invalid_argument("pint: a system's name() must be one word, got '" + s.name + "'");
    }
    for (const auto& known : all) {
      if (known.name == s.name) {
        throw std::invalid_argument("pint: two systems are called '" + s.name +
                                    "' (pint's own systems are " + system_names() +
                                    "); give yours another name()");
      }
    }
    all.push_back(std::move(s));
  }
}

const std::vector<SystemInfo>& systems() {
  return registry();
}

std::string system_names() {
  std::string names;
  for (const auto& s : systems())
    names += (names.empty() ? "" : ", ") + s.name;
  return names;
}

const SystemInfo& find_system(const std::string& name, const std::string& option) {
  for (const auto& s : systems())
    if (s.name == name) return s;
  throw UsageError(option, "unknown system '" + name + "'; accepted: " + system_names());
}

}  // namespace pint::apps
