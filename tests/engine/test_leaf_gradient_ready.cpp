// autograd::LeafGradientReady: the hook data-parallel training starts its all-reduces from. Each
// leaf is reported once per backward, with its gradient final, while the graph below the last
// layers may still be running.
#include <map>

#include "../test_util.h"

namespace scidl::testing {
namespace {

struct Report {
  std::string leaf;
  std::vector<double> gradient;  // the leaf's .grad when reported
};

TEST(LeafGradientReady, ReportsEachLeafOnceWithItsFinalGradientLastLayerFirst) {
  Tensor x = from_vector<double>({1.0, -2.0}, {1, 2});
  Tensor w1 = from_vector<double>({0.5, -1.0, 2.0, 0.25}, {2, 2}).requires_grad_();
  Tensor w2 = from_vector<double>({1.5, -0.5}, {2, 1}).requires_grad_();
  Tensor s = scalar_tensor(3.0, DType::Float64).requires_grad_();  // used twice: reported once
  std::vector<Report> reports;
  std::map<const TensorImpl*, std::string> names{
      {w1.impl(), "w1"}, {w2.impl(), "w2"}, {s.impl(), "s"}};
  {
    autograd::LeafGradientReady hook([&](const Tensor& leaf) {
      reports.push_back({names.at(leaf.impl()), leaf.grad().to_vector<double>()});
    });
    Tensor h = tanh(matmul(x, w1) * s);
    sum(matmul(h, w2) * s).backward();
  }
  ASSERT_EQ(reports.size(), 3u);
  // w2 and s's last use come before the first layer's weight, which backward reaches last.
  EXPECT_EQ(reports.back().leaf, "w1");
  for (const Report& r : reports) {
    const Tensor& leaf = r.leaf == "w1" ? w1 : r.leaf == "w2" ? w2 : s;
    EXPECT_EQ(r.gradient, leaf.grad().to_vector<double>()) << r.leaf << " reported early";
  }
  // Gone with its scope: a later backward reports nothing.
  reports.clear();
  w1.zero_grad();
  sum(matmul(x, w1)).backward();
  EXPECT_TRUE(reports.empty());
}

TEST(LeafGradientReady, GradAndLeavesWithoutAGradientPathAreNotReported) {
  Tensor w = from_vector<double>({2.0, 3.0}, {2}).requires_grad_();
  Tensor unused = from_vector<double>({1.0}, {1}).requires_grad_();
  int calls = 0;
  autograd::LeafGradientReady hook([&](const Tensor&) { ++calls; });
  autograd::grad({sum(w * w)}, {w});
  EXPECT_EQ(calls, 0);  // grad() touches no .grad, so it reports nothing
  sum(w * w).backward();
  EXPECT_EQ(calls, 1);  // `unused` is not below the loss
}

TEST(LeafGradientReady, NestedHooksHideTheOuterOneWhileTheyLive) {
  Tensor w = from_vector<double>({1.0}, {1}).requires_grad_();
  int outer = 0, inner = 0;
  autograd::LeafGradientReady a([&](const Tensor&) { ++outer; });
  {
    autograd::LeafGradientReady b([&](const Tensor&) { ++inner; });
    sum(w * 2.0).backward();
  }
  sum(w * 2.0).backward();
  EXPECT_EQ(inner, 1);
  EXPECT_EQ(outer, 1);
}

}  // namespace
}  // namespace scidl::testing
