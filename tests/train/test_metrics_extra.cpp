// Top-k accuracy and the confusion matrix on hand-made scores, metric state round trips (what
// a resumed mid-epoch run relies on), and the curve plots a run leaves (SVG text, PNG bytes).
#include "../test_util.h"
#include "scidl/io/file_io.h"
#include "scidl/io/plot_png.h"
#include "scidl/io/plot_svg.h"
#include "scidl/train/metrics.h"
#include "scidl/train/run_outputs.h"

namespace scidl::testing {
namespace {

// Four samples over four classes; the true class ranks 1st, 2nd, 3rd and 4th.
Tensor scores() {
  return from_vector(std::vector<double>{0.9, 0.1, 0.0, 0.0,  //
                                         0.5, 0.6, 0.1, 0.0,  //
                                         0.3, 0.2, 0.1, 0.4,  //
                                         0.1, 0.2, 0.3, 0.05},
                     {4, 4}, DType::Float32);
}
Tensor labels() { return from_vector(std::vector<int64_t>{0, 0, 1, 3}, {4}); }

TEST(TopKAccuracy, CountsTheTrueClassAmongTheKHighestScores) {
  auto top1 = train::make_metric("top1_accuracy"), top2 = train::make_metric("top2_accuracy"),
       top3 = train::make_metric("top3_accuracy"),
       keras_default = train::make_metric("top_k_accuracy");
  for (auto* m : {top1.get(), top2.get(), top3.get(), keras_default.get()}) {
    m->reset();
    m->update(scores(), labels());
  }
  EXPECT_DOUBLE_EQ(top1->value(), 0.25);
  EXPECT_DOUBLE_EQ(top2->value(), 0.5);
  EXPECT_DOUBLE_EQ(top3->value(), 0.75);
  EXPECT_DOUBLE_EQ(keras_default->value(), 1.0);  // k = 5 > classes
  EXPECT_EQ(top3->name(), "top3_accuracy");
  EXPECT_EQ(train::metric_direction("val_top3_accuracy"), 1);
  EXPECT_THROW(train::make_metric("topx_accuracy"), std::invalid_argument);
}

TEST(ConfusionMatrix, RowsAreTrueClassesAndColumnsPredictions) {
  train::ConfusionMatrix cm(4);
  cm.update(scores(), labels());
  EXPECT_EQ(cm.count(0, 0), 1);
  EXPECT_EQ(cm.count(0, 1), 1);
  EXPECT_EQ(cm.count(1, 3), 1);
  EXPECT_EQ(cm.count(3, 2), 1);
  int64_t total = 0;
  for (auto c : cm.counts()) total += c;
  EXPECT_EQ(total, 4);
  EXPECT_NE(cm.format().find("true\\pred"), std::string::npos);
  EXPECT_THROW(cm.update(scores(), from_vector(std::vector<int64_t>{0, 0, 1, 4}, {4})),
               std::invalid_argument);
}

TEST(MetricState, RoundTripsSoAResumedEpochContinuesTheSums) {
  for (const char* name : {"mae", "mse", "rmse", "r2", "top2_accuracy", "accuracy"}) {
    auto a = train::make_metric(name), b = train::make_metric(name);
    Tensor p = std::string(name).find("acc") != std::string::npos
                   ? scores()
                   : from_vector(std::vector<double>{1, 2, 3, 5}, {4, 1}, DType::Float32);
    Tensor t = std::string(name).find("acc") != std::string::npos
                   ? labels()
                   : from_vector(std::vector<double>{1.5, 2, 2, 7}, {4, 1}, DType::Float32);
    a->reset();
    a->update(p, t);
    b->load_state(a->state());
    a->update(p, t);
    b->update(p, t);
    EXPECT_EQ(a->value(), b->value()) << name;
  }
}

TEST(CurvePlots, SvgAndPngOfEachQuantityWithTrainingAndValidation) {
  TempDir dir("plots");
  train::History h;
  for (int e = 0; e < 5; ++e)
    h.epochs.push_back({{"loss", 1.0 / (e + 1)},
                        {"val_loss", 1.2 / (e + 1)},
                        {"mae", 0.5 - 0.05 * e},
                        {"val_mae", 0.6 - 0.05 * e},
                        {"lr", 0.01},
                        {"time_s", 0.1}});
  auto files = train::write_curve_plots(dir.path, h);
  EXPECT_EQ(files.size(), 4u);
  std::ifstream svg(dir.path / "plots" / "loss.svg");
  std::string text((std::istreambuf_iterator<char>(svg)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.rfind("<svg", 0), 0u);
  EXPECT_NE(text.find(">training</text>"), std::string::npos);
  EXPECT_NE(text.find(">validation</text>"), std::string::npos);
  EXPECT_NE(text.find(">loss per epoch</text>"), std::string::npos);
  size_t paths = 0;
  for (size_t at = text.find("<path"); at != std::string::npos; at = text.find("<path", at + 1))
    ++paths;
  EXPECT_EQ(paths, 2u);
  auto bytes = io::read_file_bytes(dir.path / "plots" / "mae.png");
  ASSERT_GT(bytes.size(), 1000u);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_FALSE(std::filesystem::exists(dir.path / "plots" / "lr.svg"));
}

TEST(CurvePlots, TheImageHasTheLinesInTheSeriesColours) {
  io::LineChart chart{"t", "epoch", "y", {{"a", {1, 2, 3}, {1, 2, 3}}}};
  auto img = io::render_chart_image(chart, 400, 300);
  ASSERT_EQ(img.pixels.size(), 400u * 300u * 3u);
  int blue = 0;  // tab10 blue, #1f77b4
  for (size_t i = 0; i < img.pixels.size(); i += 3)
    blue += img.pixels[i] == 0x1f && img.pixels[i + 1] == 0x77 && img.pixels[i + 2] == 0xb4;
  EXPECT_GT(blue, 200);
  auto ticks = io::nice_ticks(0, 1, 5);
  ASSERT_EQ(ticks.size(), 6u);
  for (size_t i = 0; i < ticks.size(); ++i)
    EXPECT_NEAR(ticks[i], 0.2 * static_cast<double>(i), 1e-12);
  EXPECT_EQ(io::format_tick(0.6000000000000001), "0.6");
}

}  // namespace
}  // namespace scidl::testing
