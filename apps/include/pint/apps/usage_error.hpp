// Invalid input to the pint command: one line on stderr, exit code 2.
#pragma once

#include <mpi.h>

#include <optional>
#include <stdexcept>
#include <string>

namespace pint::apps {

// An input the command refuses: `option` names what was wrong ("--fine-h",
// "--config"), `message` what is accepted. Printed (on rank 0 only) as
//   pint: error: --fine-h: must be > 0, got -1
class UsageError : public std::runtime_error {
 public:
  UsageError(std::string option, std::string message);
  const std::string& option() const noexcept { return option_; }
  const std::string& message() const noexcept { return message_; }
  // The whole line, without a newline (newlines in the message become spaces).
  std::string line() const;

 private:
  std::string option_;
  std::string message_;
};

// Exit code of every invalid input.
inline constexpr int usage_exit_code = 2;

// Collective over `comm`: throws on every rank the error rank 0 found (only
// rank 0's argument is looked at), or returns on every rank if there is none.
// For checks that only rank 0 makes (the file system).
void throw_if_error_on_root(MPI_Comm comm, const std::optional<UsageError>& error);

}  // namespace pint::apps
