#include "pint/io/galaxy_file.hpp"

#include "impl/hdf5.hpp"
#include "impl/mpi.hpp"
#include "pint/core/compat.hpp"
#include "pint/io/file_names.hpp"

#include <hdf5.h>

#include <cstdio>
#include <stdexcept>
#include <vector>

namespace pint::io {

struct GalaxyFileSink::State {
  std::string path, partial;
  MPI_Comm comm;
  int rank = 0;
  Attributes attributes;
  core::SolveDescription solve;
  bool open = false;
  bool writes_nucleus = false;  // the rank holding the first saved star writes pos_nuc, vel_nuc, t
  Impl::Handle file, pos_pt, vel_pt, pos_nuc, vel_nuc, t;
  std::vector<double> pos, vel;

  void close_all() noexcept {
    for (Impl::Handle* h : {&pos_pt, &vel_pt, &pos_nuc, &vel_nuc, &t, &file})
      h->reset();
    open = false;
  }
};

GalaxyFileSink::GalaxyFileSink(std::string path, MPI_Comm comm, Attributes attributes)
    : state_(std::make_unique<State>()) {
  state_->path = std::move(path);
  state_->partial = partial_path(state_->path);
  state_->comm = comm;
  state_->attributes = std::move(attributes);
  MPI_Comm_rank(comm, &state_->rank);
}

GalaxyFileSink::~GalaxyFileSink() {
  if (state_ && state_->open) abandon();
}

const std::string& GalaxyFileSink::path() const noexcept {
  return state_->path;
}

void GalaxyFileSink::begin(const core::SolveDescription& solve) {
  ScopedRegion region("pint::io::GalaxyFileSink::begin");
  State& s = *state_;
  if (s.open) throw std::logic_error("pint::io: GalaxyFileSink::begin() while a solve is open");
  if (solve.dim != 12) {
    throw std::invalid_argument(
        "pint::io: the galaxy file needs the galaxy system's 12 state "
        "components, got " +
        std::to_string(solve.dim) + "; use it with --system galaxy only");
  }
  const auto stars = static_cast<std::int64_t>(solve.saved_members.size());
  Impl::check_member_blocks(
      Impl::fnv1a(std::to_string(stars) + "/" + std::to_string(solve.saved_steps())),
      solve.member_offset, solve.local_members, stars, s.comm, s.path);
  s.solve = solve;
  s.writes_nucleus = solve.local_members > 0 && solve.member_offset == 0;
  const auto T = static_cast<hsize_t>(solve.saved_steps());
  const std::string& f = s.partial;

  Impl::Hdf5Guard guard;
  Impl::Handle fapl = Impl::property_list(H5P_FILE_ACCESS, f);
  Impl::check(H5Pset_fapl_mpio(fapl, s.comm, MPI_INFO_NULL), "set up MPI-IO", f);
  s.file =
      Impl::Handle(H5Fcreate(f.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), "create the file", f);
  s.open = true;
  auto dataset = [&](const char* name, std::vector<hsize_t> dims) {
    Impl::Handle space = Impl::dataspace(dims, f);
    return Impl::Handle(
        H5Dcreate2(s.file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        std::string("create dataset ") + name, f);
  };
  s.pos_pt = dataset("pos_pt", {static_cast<hsize_t>(stars), T, 3});
  s.vel_pt = dataset("vel_pt", {static_cast<hsize_t>(stars), T, 3});
  s.pos_nuc = dataset("pos_nuc", {1, T, 3});
  s.vel_nuc = dataset("vel_nuc", {1, T, 3});
  s.t = dataset("t", {T});
  {
    Impl::Handle space = Impl::dataspace({static_cast<hsize_t>(stars)}, f);
    Impl::Handle members(
        H5Dcreate2(s.file, "members", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        "create dataset members", f);
    const auto local = static_cast<hsize_t>(solve.local_members);
    Impl::write_box(members, H5T_NATIVE_INT64, {static_cast<hsize_t>(solve.member_offset)}, {local},
                    solve.saved_members.data() + solve.member_offset, H5P_DEFAULT, "write members",
                    f);
  }
  Impl::write_attributes(s.file, s.attributes, f);
  Impl::write_attributes(s.file,
                         {{"t0", solve.t0},
                          {"t1", solve.t1},
                          {"h", solve.h},
                          {"n", solve.n},
                          {"save_every", solve.save_every},
                          {"integrator", solve.integrator},
                          {"system", solve.system}},
                         f);
}

void GalaxyFileSink::write(std::int64_t first, std::int64_t count, const double* times,
                           const double* rows) {
  ScopedRegion region("pint::io::GalaxyFileSink::write");
  State& s = *state_;
  if (!s.open) throw std::logic_error("pint::io: GalaxyFileSink::write() without begin()");
  const std::int64_t L = s.solve.local_members;
  const std::string& f = s.partial;
  // rows[step][star][12] -> pos[star][step][3], vel[star][step][3]
  s.pos.resize(static_cast<size_t>(L * count * 3));
  s.vel.resize(s.pos.size());
  for (std::int64_t j = 0; j < L; ++j)
    for (std::int64_t k = 0; k < count; ++k)
      for (int i = 0; i < 3; ++i) {
        const double* y = rows + (k * L + j) * 12;
        s.pos[static_cast<size_t>((j * count + k) * 3 + i)] = y[i];
        s.vel[static_cast<size_t>((j * count + k) * 3 + i)] = y[6 + i];
      }
  Impl::Hdf5Guard guard;
  const std::vector<hsize_t> start{static_cast<hsize_t>(s.solve.member_offset),
                                   static_cast<hsize_t>(first), 0};
  const std::vector<hsize_t> extent{static_cast<hsize_t>(L), static_cast<hsize_t>(count), 3};
  Impl::write_box(s.pos_pt, H5T_NATIVE_DOUBLE, start, extent, s.pos.data(), H5P_DEFAULT,
                  "write pos_pt", f);
  Impl::write_box(s.vel_pt, H5T_NATIVE_DOUBLE, start, extent, s.vel.data(), H5P_DEFAULT,
                  "write vel_pt", f);
  if (s.writes_nucleus) {
    std::vector<double> pn(static_cast<size_t>(count * 3)), vn(pn.size());
    for (std::int64_t k = 0; k < count; ++k)
      for (int i = 0; i < 3; ++i) {
        pn[static_cast<size_t>(k * 3 + i)] = rows[k * L * 12 + 3 + i];
        vn[static_cast<size_t>(k * 3 + i)] = rows[k * L * 12 + 9 + i];
      }
    const std::vector<hsize_t> nstart{0, static_cast<hsize_t>(first), 0};
    const std::vector<hsize_t> nextent{1, static_cast<hsize_t>(count), 3};
    Impl::write_box(s.pos_nuc, H5T_NATIVE_DOUBLE, nstart, nextent, pn.data(), H5P_DEFAULT,
                    "write pos_nuc", f);
    Impl::write_box(s.vel_nuc, H5T_NATIVE_DOUBLE, nstart, nextent, vn.data(), H5P_DEFAULT,
                    "write vel_nuc", f);
    Impl::write_box(s.t, H5T_NATIVE_DOUBLE, {static_cast<hsize_t>(first)},
                    {static_cast<hsize_t>(count)}, times, H5P_DEFAULT, "write t", f);
  }
}

void GalaxyFileSink::commit() {
  ScopedRegion region("pint::io::GalaxyFileSink::commit");
  State& s = *state_;
  if (!s.open) throw std::logic_error("pint::io: GalaxyFileSink::commit() without begin()");
  {
    Impl::Hdf5Guard guard;
    for (Impl::Handle* h : {&s.pos_pt, &s.vel_pt, &s.pos_nuc, &s.vel_nuc, &s.t})
      h->close("close a dataset", s.partial);
    s.file.close("close the file", s.partial);  // collective: every rank's rows are in
  }
  s.open = false;
  MPI_Barrier(s.comm);
  if (s.rank == 0) Impl::publish(s.partial, s.path);
  MPI_Barrier(s.comm);
}

void GalaxyFileSink::abandon() noexcept {
  State& s = *state_;
  {
    Impl::Hdf5Guard guard;
    s.close_all();
  }
  if (s.rank == 0) std::remove(s.partial.c_str());
}

}  // namespace pint::io
