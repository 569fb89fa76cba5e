// Line charts as SVG (io/plot_chart.h): a self-contained file any browser or paper draft opens.
// write_svg writes atomically; errors name the file and the reason.
#pragma once
#include <filesystem>
#include <string>

#include "scidl/io/plot_chart.h"

namespace scidl::io {

std::string render_svg(const LineChart& chart, int width = 800, int height = 480);
void write_svg(const std::filesystem::path& path, const LineChart& chart, int width = 800,
               int height = 480);

}  // namespace scidl::io
