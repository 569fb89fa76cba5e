#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <cmath>
#include <set>

#include "scidl/io/config_reader.h"
#include "scidl/tune/search_space.h"
#include "scidl/tune/searcher.h"

using namespace scidl;
using namespace scidl::tune;

namespace {

SearchSpace space_of(const std::string& text) {
  auto table = toml::parse(text);
  return parse_search_space(table, "tune.toml");
}

std::string error_of(const std::string& text) {
  try {
    space_of(text);
  } catch (const io::ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(SearchSpace, RandintExcludesItsUpperBoundAndQrandintIncludesIt) {
  const auto space = space_of(R"("a" = { randint = [0, 3] }
"b" = { qrandint = [0, 10, 5] })");
  Generator rng(1);
  std::set<int64_t> a, b;
  for (int i = 0; i < 400; ++i) {
    a.insert(space.axes[0].domain.sample(rng).get<int64_t>());
    b.insert(space.axes[1].domain.sample(rng).get<int64_t>());
  }
  EXPECT_EQ(a, (std::set<int64_t>{0, 1, 2}));
  EXPECT_EQ(b, (std::set<int64_t>{0, 5, 10}));
}

TEST(SearchSpace, LoguniformStaysInItsBoundsAndCoversEveryDecade) {
  const auto space = space_of(R"("lr" = { loguniform = [1e-4, 1e-1] })");
  Generator rng(2);
  int per_decade[3] = {0, 0, 0};
  for (int i = 0; i < 3000; ++i) {
    const double v = space.axes[0].domain.sample(rng).get<double>();
    ASSERT_GE(v, 1e-4);
    ASSERT_LT(v, 1e-1);
    ++per_decade[std::min(2, static_cast<int>(std::floor(std::log10(v) + 4)))];
  }
  for (int n : per_decade) EXPECT_NEAR(n, 1000, 120);  // uniform in the logarithm
}

TEST(SearchSpace, QuniformDrawsMultiplesOfQIncludingTheUpperBound) {
  const auto space = space_of(R"("rate" = { quniform = [0.1, 0.5, 0.1] })");
  Generator rng(3);
  std::set<long> tenths;
  for (int i = 0; i < 500; ++i)
    tenths.insert(std::lround(space.axes[0].domain.sample(rng).get<double>() * 10));
  EXPECT_EQ(tenths, (std::set<long>{1, 2, 3, 4, 5}));
}

TEST(SearchSpace, GridSearchIsTheCartesianProductTimesNumSamples) {
  const auto space = space_of(R"("a" = { grid_search = [1, 2] }
"b" = { grid_search = ["x", "y", "z"] }
"c" = { uniform = [0, 1] })");
  EXPECT_EQ(space.grid_points(), 6);
  auto searcher = make_searcher("random", space, 4, 7, true);
  EXPECT_EQ(searcher->trials(), 24);  // Ray: 2 x 3 grid points, 4 samples each
  std::set<std::string> points;
  for (int64_t t = 0; t < 6; ++t) {
    const auto p = searcher->suggest(t, {});
    points.insert(p["a"].dump() + p["b"].dump());
  }
  EXPECT_EQ(points.size(), 6u);
}

TEST(SearchSpace, TheSameSeedDrawsTheSameTrialsInAnyOrder) {
  const auto space = space_of(R"("lr" = { loguniform = [1e-4, 1e-1] })");
  auto one = make_searcher("random", space, 10, 5, true);
  auto two = make_searcher("random", space, 10, 5, true);
  const auto late = two->suggest(7, {});
  EXPECT_EQ(one->suggest(7, {}), late);
  EXPECT_NE(one->suggest(6, {}), late);
}

TEST(SearchSpace, BadDomainsAreRefusedNamingTheKey) {
  EXPECT_NE(error_of(R"("lr" = { loguniform = [0, 0.1] })")
                .find("'lr': loguniform samples the "
                      "logarithm, so its lower bound "
                      "must be > 0"),
            std::string::npos);
  EXPECT_NE(error_of(R"("rate" = { quniform = [0.15, 0.5, 0.1] })").find("not divisible by q"),
            std::string::npos);
  EXPECT_NE(error_of(R"("u" = { uniform = [2, 1] })").find("low < high"), std::string::npos);
  EXPECT_NE(error_of(R"("u" = { unifrom = [0, 1] })").find("did you mean 'uniform'"),
            std::string::npos);
  EXPECT_NE(error_of(R"("c" = { choice = [] })").find("no values"), std::string::npos);
  EXPECT_NE(error_of(R"("n" = { randint = [0.5, 3] })").find("must be integers"),
            std::string::npos);
  EXPECT_NE(error_of("").find("the search space is empty"), std::string::npos);
  EXPECT_NE(error_of(R"("epochs" = 3)").find("the search space is empty"), std::string::npos);
}

TEST(Tpe, ProposesNearTheGoodTrialsOnceTenHaveFinished) {
  const auto space = space_of(R"("lr" = { loguniform = [1e-5, 1.0] })");
  auto tpe = make_searcher("tpe", space, 40, 3, true);
  std::vector<Observation> finished;
  // The metric is best at lr = 1e-2: its distance in decades.
  const auto metric = [](double lr) { return std::abs(std::log10(lr) + 2); };
  for (int64_t t = 0; t < 30; ++t) {
    const auto p = tpe->suggest(t, finished);
    const double lr = p["lr"].get<double>();
    ASSERT_GE(lr, 1e-5);
    ASSERT_LE(lr, 1.0);
    finished.push_back({p, metric(lr), true, 10});
  }
  // Drawn at random (the first ten), |log10(lr) + 2| averages 1.3 decades over [1e-5, 1]; the
  // last ten proposals, modelled on twenty finished trials, must do clearly better.
  double late = 0;
  for (size_t i = 20; i < 30; ++i) late += finished[i].value / 10;
  EXPECT_LT(late, 0.6 * 1.3);
  EXPECT_EQ(tpe_gamma(10), 1);
  EXPECT_EQ(tpe_gamma(11), 2);
  EXPECT_EQ(tpe_gamma(1000), 25);
}
