// The communicator of the job the MPI test program runs in (mpirun -np 2), made by its main
// (test_data_parallel_mpi.cpp) before the tests run.
#pragma once
#include "scidl/dist/communicator.h"

namespace scidl {
extern dist::Communicator* g_comm;
}  // namespace scidl
