// Rank, size and local rank from each launcher's variables, and what is refused.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "scidl/dist/communicator.h"
#include "scidl/dist/launch.h"

namespace scidl::dist {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

TEST(Launch, NoLauncherMeansNoJob) {
  EXPECT_FALSE(detect_launch(env_of({{"HOME", "/root"}})).has_value());
}

TEST(Launch, OpenMpiVariables) {
  auto l = detect_launch(env_of({{"OMPI_COMM_WORLD_RANK", "3"},
                                 {"OMPI_COMM_WORLD_SIZE", "4"},
                                 {"OMPI_COMM_WORLD_LOCAL_RANK", "1"},
                                 {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}}));
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->launcher, "open-mpi");
  EXPECT_EQ(l->rank, 3);
  EXPECT_EQ(l->size, 4);
  EXPECT_EQ(l->local_rank, 1);
  EXPECT_EQ(l->local_size, 2);
}

TEST(Launch, SlurmStepVariablesAndNotABatchScriptsOwnShell) {
  auto l = detect_launch(env_of({{"SLURM_PROCID", "5"},
                                 {"SLURM_STEP_NUM_TASKS", "8"},
                                 {"SLURM_NTASKS", "16"},
                                 {"SLURM_LOCALID", "1"},
                                 {"SLURM_NTASKS_PER_NODE", "4"}}));
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->launcher, "slurm");
  EXPECT_EQ(l->rank, 5);
  EXPECT_EQ(l->size, 8) << "the step's tasks, not the allocation's";
  EXPECT_EQ(l->local_rank, 1);
  EXPECT_EQ(l->local_size, 4);
  // sbatch's script: SLURM_PROCID=0 and SLURM_NTASKS of the allocation, but no step.
  EXPECT_FALSE(detect_launch(env_of({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "2"}})).has_value());
}

TEST(Launch, MpirunInsideSlurmIsMpirunsJob) {
  auto l = detect_launch(env_of({{"OMPI_COMM_WORLD_RANK", "1"},
                                 {"OMPI_COMM_WORLD_SIZE", "2"},
                                 {"SLURM_PROCID", "0"},
                                 {"SLURM_STEP_NUM_TASKS", "1"},
                                 {"SLURM_LOCALID", "0"}}));
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->launcher, "open-mpi");
  EXPECT_EQ(l->rank, 1);
  EXPECT_EQ(l->size, 2);
}

TEST(Launch, TorchrunVariables) {
  auto l = detect_launch(
      env_of({{"RANK", "1"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "1"}, {"LOCAL_WORLD_SIZE", "2"}}));
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->launcher, "torchrun");
  EXPECT_EQ(l->rank, 1);
  EXPECT_EQ(l->local_size, 2);
}

TEST(Launch, AVariableThatIsNotARankIsRefusedByName) {
  try {
    detect_launch(env_of({{"OMPI_COMM_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_RANK", "2"}}));
    FAIL() << "rank 2 of 2 was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("OMPI_COMM_WORLD_RANK='2'"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(detect_launch(env_of({{"WORLD_SIZE", "two"}})), std::invalid_argument);
}

TEST(SingleProcessCommunicator, EveryCollectiveLeavesTheDataAsItIs) {
  SingleProcessCommunicator c;
  EXPECT_EQ(c.rank(), 0);
  EXPECT_EQ(c.size(), 1);
  float f[2] = {1.5f, -2};
  c.all_reduce_sum(f, 2, "test");
  EXPECT_EQ(f[0], 1.5f);
  EXPECT_EQ(c.all_gather(42, "test"), std::vector<uint64_t>{42});
}

}  // namespace
}  // namespace scidl::dist
