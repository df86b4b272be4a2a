// Internal MPI helpers of pint::io: agreement checks that make every rank
// throw the same error instead of some ranks hanging in a collective.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <string>

namespace pint::io::Impl {

// 64-bit FNV-1a hash of a text.
std::uint64_t fnv1a(const std::string& text);

// Rank 0's text on every rank of `comm`.
void broadcast(std::string& text, MPI_Comm comm);

// Collective: checks that every rank of `comm` has the same `hash` (of what
// must agree) and that the blocks [offset, offset + count) of the ranks tile
// 0 .. total-1 exactly once. Every rank throws the same std::invalid_argument
// otherwise; `what` names the shared object in the message.
void check_member_blocks(std::uint64_t hash, std::int64_t offset, std::int64_t count,
                         std::int64_t total, MPI_Comm comm, const std::string& what);

}  // namespace pint::io::Impl
