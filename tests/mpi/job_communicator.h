// The communicator of the job the MPI test program runs in (mpirun -np N), made by its main
// (test_data_parallel_mpi.cpp) before the tests run, and the comparison every test of a job's
// training against one rank alone makes.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "scidl/dist/communicator.h"
#include "scidl/train/trainer.h"

namespace scidl {
extern dist::Communicator* g_comm;

// The job's flat parameters and epoch logs against one rank's over the same batches: equal to
// float32 rounding (sums over rows split differently, ten steps compounding it), the logged loss
// and `metric` the same, and every rank holding rank 0's weights exactly.
inline void expect_job_matches_one_rank(const std::vector<float>& job,
                                        const std::vector<float>& reference,
                                        const train::Logs& job_log, const train::Logs& alone_log,
                                        const char* metric, const std::string& what) {
  ASSERT_EQ(job.size(), reference.size());
  double worst = 0, scale = 0;
  for (size_t i = 0; i < job.size(); ++i) {
    worst = std::max(worst, double(std::abs(job[i] - reference[i])));
    scale = std::max(scale, double(std::abs(reference[i])));
  }
  EXPECT_LE(worst, 2e-5 * std::max(1.0, scale)) << what << " on rank " << g_comm->rank();
  for (const char* key : {"loss", metric})
    EXPECT_NEAR(job_log.at(key), alone_log.at(key), 1e-5 * std::abs(alone_log.at(key)))
        << key << " on rank " << g_comm->rank();
  std::vector<float> first = job;
  g_comm->broadcast(first.data(), int64_t(first.size() * sizeof(float)), 0, "rank 0's weights");
  EXPECT_EQ(first, job) << "rank " << g_comm->rank() << " differs from rank 0";
}

}  // namespace scidl
