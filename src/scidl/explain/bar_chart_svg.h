// A ranked horizontal bar chart as a self-contained SVG document (no fonts or scripts loaded):
// one bar per label in the given order, top to bottom, with its value printed beside it.
// Contract: values are finite (a non-finite value throws ExplainError); negative values draw to
// the left of a zero line; labels and title are XML-escaped.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace scidl::explain {

struct Bar {
  std::string label;
  double value = 0.0;
};

std::string bar_chart_svg(const std::vector<Bar>& bars, const std::string& title,
                          const std::string& value_label);
void write_bar_chart_svg(const std::filesystem::path& path, const std::vector<Bar>& bars,
                         const std::string& title, const std::string& value_label);

}  // namespace scidl::explain
