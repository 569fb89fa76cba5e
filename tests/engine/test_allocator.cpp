// The caching allocator: after the first training step, the steady state asks the system for
// no new memory.
#include "../test_util.h"
#include "scidl/nn/model_spec.h"
#include "scidl/optim/adam.h"
#include "scidl/train/fused_step.h"
#include "scidl/train/step_forward.h"

namespace scidl::testing {
namespace {

TEST(CachingAllocator, ReusesFreedBlocks) {
  auto before = cpu_allocator().stats();
  { Tensor a = empty({1000}); }
  { Tensor b = empty({1000}); }
  auto after = cpu_allocator().stats();
  EXPECT_LE(after.system_allocations - before.system_allocations, 1);
  EXPECT_GE(after.cache_hits - before.cache_hits, 1);
}

TEST(CachingAllocator, TrainingStepsAfterTheFirstAllocateNothingNew) {
  manual_seed(1);
  auto model = nn::build_sequential(
      {{"inputs", 3},
       {"layers",
        {{{"type", "dense"}, {"units", 128}, {"activation", "relu"}, {"repeat", 3}},
         {{"type", "dense"}, {"units", 4}}}}},
      1);
  optim::Adam opt(model->parameters(), {});
  Tensor x = rand({256, 3}), y = rand({256, 4});
  // every way a step can go: the ops one by one, the fused forward and backward, and the
  // whole step in one pass (train/fused_step.h), the one `scidl train` takes for this model
  for (const int way : {0, 1, 2}) {
    auto step = [&] {
      if (way == 2 && train::fused_training_step(*model, opt, x, y, FusedLoss::L1)) return;
      opt.zero_grad();
      if (way >= 1)
        train::forward_and_loss(*model, x, y, l1_loss, FusedLoss::L1).loss.backward();
      else
        l1_loss((*model)(x), y).backward();
      opt.step();
    };
    step();
    // the first step populates the cache
    int64_t after_warmup = cpu_allocator().stats().system_allocations;
    for (int i = 0; i < 10; ++i) step();
    EXPECT_EQ(cpu_allocator().stats().system_allocations, after_warmup) << "way " << way;
  }
}

TEST(ExternalStorage, MemoryIsSharedAndNeverReturnedToTheAllocator) {
  auto values = std::make_shared<std::vector<float>>(std::vector<float>{1, 2, 3, 4, 5, 6});
  const auto before = cpu_allocator().stats();
  {
    Tensor t = from_blob(values->data(), values->size() * sizeof(float), {2, 3}, {3, 1},
                         DType::Float32, values);
    (*values)[4] = 50;  // the tensor sees writes to the memory: nothing was copied
    EXPECT_EQ(t.to_vector<float>(), (std::vector<float>{1, 2, 3, 4, 50, 6}));
    Tensor doubled = mul(t, scalar_tensor(2.0));
    EXPECT_EQ(doubled.to_vector<float>()[4], 100);
    EXPECT_EQ(values.use_count(), 2);  // the storage keeps its owner alive
  }
  EXPECT_EQ(values.use_count(), 1);
  EXPECT_EQ(cpu_allocator().stats().bytes_in_use, before.bytes_in_use);
}

TEST(ExternalStorage, MemoryOutOfBoundsViewIsRefused) {
  auto values = std::make_shared<std::vector<double>>(4);
  EXPECT_THROW(
      from_blob(values->data(), 4 * sizeof(double), {2, 3}, {3, 1}, DType::Float64, values),
      std::invalid_argument);
}

}  // namespace
}  // namespace scidl::testing
