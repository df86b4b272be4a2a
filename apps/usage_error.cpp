#include "usage_error.hpp"

#include "collective.hpp"

#include <algorithm>

namespace pint::apps {

UsageError::UsageError(std::string option, std::string message)
    : std::runtime_error(option + ": " + message),
      option_(std::move(option)),
      message_(std::move(message)) {}

std::string UsageError::line() const {
  std::string text = "pint: error: " + option_ + ": " + message_;
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

void throw_if_error_on_root(MPI_Comm comm, const std::optional<UsageError>& error) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  int failed = rank == 0 && error ? 1 : 0;
  MPI_Bcast(&failed, 1, MPI_INT, 0, comm);
  if (!failed) return;
  const bool root = rank == 0;
  std::string option = broadcast_string(comm, root ? error->option() : std::string());
  std::string message = broadcast_string(comm, root ? error->message() : std::string());
  throw UsageError(std::move(option), std::move(message));
}

}  // namespace pint::apps
