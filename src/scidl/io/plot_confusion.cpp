#include "scidl/io/plot_confusion.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "scidl/io/plot_canvas.h"
#include "scidl/io/plot_colorbar.h"
#include "scidl/io/plot_font.h"

namespace scidl::io {

namespace {

constexpr double kMargin = 10, kTitle = 30, kAxisTitle = 24, kGap = 6, kBarGap = 16;
constexpr double kMinBarHeight = 150;
constexpr size_t kLongestName = 14;
const std::string kAcross = "predicted class", kDown = "true class";

double text_width(const std::string& s) { return plot_font::kWidth * double(s.size()); }

// Where everything goes; the grid's cells are `cell` pixels square.
struct ConfusionLayout {
  double cell = 0, grid_left = 0, grid_top = 0, grid = 0, column_labels = 0, width = 0, height = 0,
         bar_left = 0, bar_height = 0;
  bool upright_columns = false;  // column names turned to read upwards
};

ConfusionLayout layout(const std::vector<std::vector<int64_t>>& confusion,
                       const std::vector<std::string>& names, const ColorBar& bar,
                       const std::string& title) {
  ConfusionLayout l;
  double longest_count = 1, longest_name = 1;
  for (const auto& row : confusion)
    for (int64_t v : row) longest_count = std::max(longest_count, text_width(std::to_string(v)));
  for (const auto& n : names) longest_name = std::max(longest_name, text_width(n));
  const auto k = static_cast<double>(confusion.size());
  // Cells fit their counts, and the grid its axis titles (a 2 x 2 matrix is still readable).
  l.cell = std::max({36.0, longest_count + 10, (text_width(kAcross) + 10) / k});
  l.grid = k * l.cell;
  l.upright_columns = longest_name > l.cell - 4;
  l.column_labels = l.upright_columns ? longest_name + kGap : plot_font::kHeight + kGap;
  l.grid_left = kMargin + kAxisTitle + longest_name + kGap;
  l.grid_top = kMargin + kTitle;
  l.bar_height = std::max(l.grid, kMinBarHeight);
  l.bar_left = l.grid_left + l.grid + kBarGap;
  l.width = std::max(l.bar_left + color_bar_width(bar, l.bar_height) + kMargin,
                     text_width(title) + 2 * kMargin);
  l.height = l.grid_top + std::max(l.grid + l.column_labels + kAxisTitle, l.bar_height) + kMargin;
  return l;
}

}  // namespace

std::string abbreviated_class_name(const std::string& name) {
  return name.size() <= kLongestName ? name : name.substr(0, kLongestName - 1) + "~";
}

RgbImage render_confusion_image(const std::vector<std::vector<int64_t>>& confusion,
                                const std::vector<std::string>& class_names) {
  const size_t k = confusion.size();
  if (k == 0 || class_names.size() != k)
    throw std::invalid_argument(
        fmt::format("confusion matrix: {} classes but {} names", k, class_names.size()));
  std::vector<std::string> names;
  for (const auto& n : class_names) names.push_back(abbreviated_class_name(n));
  int64_t examples = 0, correct = 0;
  for (size_t i = 0; i < k; ++i)
    for (size_t j = 0; j < k; ++j)
      examples += confusion[i][j], correct += i == j ? confusion[i][j] : 0;
  const std::string title =
      fmt::format("confusion matrix: {} of {} right ({:.1f}%)", correct, examples,
                  examples ? 100.0 * double(correct) / double(examples) : 0.0);
  const ColorBar bar{{Colormap::Blues, 0, 1}, "share of the true class"};
  const ConfusionLayout l = layout(confusion, names, bar, title);
  Canvas c(static_cast<int>(l.width), static_cast<int>(l.height));
  const Rgb black{0, 0, 0}, white{255, 255, 255};
  c.text(title, l.width / 2, kMargin + 14, 1, black);
  for (size_t i = 0; i < k; ++i) {
    int64_t total = 0;
    for (int64_t v : confusion[i]) total += v;
    const double y = l.grid_top + double(i) * l.cell;
    c.text(names[i], l.grid_left - kGap, y + l.cell / 2 + 4, 2, black);
    for (size_t j = 0; j < k; ++j) {
      const double x = l.grid_left + double(j) * l.cell;
      const double share = total ? double(confusion[i][j]) / double(total) : 0.0;
      c.fill_rect(x, y, l.cell, l.cell, bar.scale.color(share));
      c.text(std::to_string(confusion[i][j]), x + l.cell / 2, y + l.cell / 2 + 4, 1,
             share > 0.5 ? white : black);
    }
  }
  const double grid_bottom = l.grid_top + l.grid;
  for (size_t j = 0; j < k; ++j) {
    const double x = l.grid_left + (double(j) + 0.5) * l.cell;
    if (l.upright_columns)  // reads upwards, its end at the grid
      c.text(names[j], x + 4, grid_bottom + kGap, 2, black, true);
    else
      c.text(names[j], x, grid_bottom + kGap + 11, 1, black);
  }
  for (size_t i = 0; i <= k; ++i) {  // cell borders
    const double at = double(i) * l.cell;
    c.line(l.grid_left, l.grid_top + at, l.grid_left + l.grid, l.grid_top + at, white, 1);
    c.line(l.grid_left + at, l.grid_top, l.grid_left + at, grid_bottom, white, 1);
  }
  c.text(kAcross, l.grid_left + l.grid / 2, grid_bottom + l.column_labels + 16, 1, black);
  c.text(kDown, kMargin + 11, l.grid_top + l.grid / 2, 1, black, true);
  draw_color_bar(c, bar, l.bar_left, l.grid_top, l.bar_height);
  return c.take();
}

}  // namespace scidl::io
