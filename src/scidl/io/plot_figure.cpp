#include "scidl/io/plot_figure.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "scidl/io/file_io.h"
#include "scidl/io/plot_canvas.h"
#include "scidl/io/plot_chart.h"
#include "scidl/io/plot_colorbar.h"

namespace scidl::io {

namespace {

constexpr double kTitleHeight = 34, kLegendHeight = 24;
constexpr double kPanelLeft = 62, kPanelRight = 16, kPanelTop = 28, kPanelBottom = 44;
constexpr double kColorBarGap = 12;  // between a heatmap and its colour bar

// A Cells series' colour scale: viridis over its finite values.
ColorScale cells_scale(const FigureSeries& cells) {
  return color_scale_of(Colormap::Viridis, cells.values);
}

Rgb cell_color(const FigureSeries& s, size_t k, const ColorScale& scale) {
  return k < s.values.size() ? scale.color(s.values[k]) : scale.color(NAN);
}

PanelLayout layout_panel(const FigurePanel& panel, double cell_left, double cell_top,
                         double cell_width, double cell_height) {
  PanelLayout l;
  l.left = cell_left + kPanelLeft;
  l.top = cell_top + kPanelTop;
  l.width = cell_width - kPanelLeft - kPanelRight;
  l.height = cell_height - kPanelTop - kPanelBottom;
  for (const auto& s : panel.series)
    if (s.style == MarkStyle::Cells) {  // the first heatmap of the panel gets the bar
      l.color_bar = ColorBar{cells_scale(s), s.label};
      l.width -= kColorBarGap + color_bar_width(*l.color_bar, l.height);
      l.color_bar_left = l.left + l.width + kColorBarGap;
      break;
    }
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  bool cells_only = !panel.series.empty();
  for (const auto& s : panel.series) {
    const bool cells = s.style == MarkStyle::Cells;
    cells_only = cells_only && cells;
    const double hw = cells ? s.cell_width / 2 : 0, hh = cells ? s.cell_height / 2 : 0;
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      x0 = std::min(x0, s.x[i] - hw), x1 = std::max(x1, s.x[i] + hw);
      y0 = std::min(y0, s.y[i] - hh), y1 = std::max(y1, s.y[i] + hh);
      l.has_data = true;
    }
  }
  if (!l.has_data) x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  auto widen = [](double& lo, double& hi) {
    if (hi == lo) {
      const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
      lo -= pad, hi += pad;
    }
    const double pad = (hi - lo) * 0.05;
    lo -= pad, hi += pad;
  };
  if (!cells_only || !l.has_data) {  // a heatmap fills its axes exactly
    widen(x0, x1);
    widen(y0, y1);
  }
  if (panel.equal_aspect) {  // the same data units per pixel on both axes
    const double per_px = std::max((x1 - x0) / l.width, (y1 - y0) / l.height);
    const double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    x0 = cx - per_px * l.width / 2, x1 = cx + per_px * l.width / 2;
    y0 = cy - per_px * l.height / 2, y1 = cy + per_px * l.height / 2;
  }
  l.x_min = x0, l.x_max = x1, l.y_min = y0, l.y_max = y1;
  l.x_ticks = nice_ticks(x0, x1, std::max(2, static_cast<int>(l.width / 70)));
  l.y_ticks = nice_ticks(y0, y1, std::max(2, static_cast<int>(l.height / 50)));
  return l;
}

}  // namespace

FigureLayout layout_figure(const Figure& f) {
  FigureLayout out;
  const int columns = std::max(1, std::min<int>(f.columns, static_cast<int>(f.panels.size())));
  const int rows = static_cast<int>((f.panels.size() + columns - 1) / columns);
  out.width = columns * f.panel_width;
  out.height = static_cast<int>(kTitleHeight + kLegendHeight) + std::max(rows, 1) * f.panel_height;
  out.legend_top = kTitleHeight;
  for (size_t i = 0; i < f.panels.size(); ++i) {
    const double cell_left = static_cast<double>(i % columns) * f.panel_width;
    const double cell_top =
        kTitleHeight + kLegendHeight + static_cast<double>(i / columns) * f.panel_height;
    out.panels.push_back(
        layout_panel(f.panels[i], cell_left, cell_top, f.panel_width, f.panel_height));
  }
  return out;
}

std::vector<const FigureSeries*> legend_entries(const Figure& f) {
  std::vector<const FigureSeries*> out;
  for (const auto& p : f.panels)
    for (const auto& s : p.series) {
      if (s.label.empty() || s.style == MarkStyle::Cells) continue;  // its colour bar says it
      if (std::none_of(out.begin(), out.end(), [&](auto* e) { return e->label == s.label; }))
        out.push_back(&s);
    }
  return out;
}

std::string render_figure_svg(const Figure& f) {
  const FigureLayout fl = layout_figure(f);
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{2}\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">{3}</text>\n",
      fl.width, fl.height, fl.width / 2, xml_escape(f.title));
  double legend_x = 20;
  for (const FigureSeries* e : legend_entries(f)) {
    const double y = fl.legend_top + 12;
    const char* color = series_color(static_cast<size_t>(e->color));
    if (e->style == MarkStyle::Points)
      s += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"/>\n", legend_x + 12, y,
                       color);
    else
      s += fmt::format(
          "<line x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\" stroke=\"{3}\" "
          "stroke-width=\"2\"{4}/>\n",
          legend_x, legend_x + 24, y, color,
          e->style == MarkStyle::DashedLine ? " stroke-dasharray=\"5 4\"" : "");
    s += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", legend_x + 30, y + 4,
                     xml_escape(e->label));
    legend_x += 40 + 7.0 * static_cast<double>(e->label.size());
  }
  for (size_t p = 0; p < f.panels.size(); ++p) {
    const FigurePanel& panel = f.panels[p];
    const PanelLayout& l = fl.panels[p];
    const double bottom = l.top + l.height, right = l.left + l.width;
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\">{}</text>\n",
                     l.left + l.width / 2, l.top - 9, xml_escape(panel.title));
    for (double t : l.x_ticks) {
      const double x = l.px(t);
      s += fmt::format(
          "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#e6e6e6\"/>\n", x,
          l.top, bottom);
      s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", x,
                       bottom + 15, format_tick(t));
    }
    for (double t : l.y_ticks) {
      const double y = l.py(t);
      s += fmt::format(
          "<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#e6e6e6\"/>\n",
          l.left, y, right);
      s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", l.left - 5,
                       y + 4, format_tick(t));
    }
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                     l.left + l.width / 2, bottom + 34, xml_escape(panel.x_label));
    s += fmt::format(
        "<text transform=\"translate({} {}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
        l.left - 46, l.top + l.height / 2, xml_escape(panel.y_label));
    if (!l.has_data)
      s += fmt::format(
          "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#888\">no data</text>\n",
          l.left + l.width / 2, l.top + l.height / 2);
    s += fmt::format(
        "<clipPath id=\"panel{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" "
        "height=\"{}\"/></clipPath>\n<g clip-path=\"url(#panel{})\">\n",
        p, l.left, l.top, l.width, l.height, p);
    for (const auto& ser : panel.series) {
      const char* color = series_color(static_cast<size_t>(ser.color));
      const size_t n = std::min(ser.x.size(), ser.y.size());
      if (ser.style == MarkStyle::Cells) {
        const ColorScale range = cells_scale(ser);
        for (size_t k = 0; k < n; ++k) {
          if (!std::isfinite(ser.x[k]) || !std::isfinite(ser.y[k])) continue;
          const double x = l.px(ser.x[k] - ser.cell_width / 2),
                       y = l.py(ser.y[k] + ser.cell_height / 2);
          s += fmt::format(
              "<rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" fill=\"{}\"/>", x,
              y, l.px(ser.x[k] + ser.cell_width / 2) - x, l.py(ser.y[k] - ser.cell_height / 2) - y,
              rgb_hex(cell_color(ser, k, range)));
        }
        s += "\n";
        continue;
      }
      if (ser.style == MarkStyle::Points) {
        s += fmt::format("<g fill=\"{}\" fill-opacity=\"0.7\">", color);
        for (size_t k = 0; k < n; ++k)
          if (std::isfinite(ser.x[k]) && std::isfinite(ser.y[k]))
            s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\"/>", l.px(ser.x[k]),
                             l.py(ser.y[k]), ser.size);
        s += "</g>\n";
        continue;
      }
      std::string path;
      bool pen_down = false;
      for (size_t k = 0; k < n; ++k) {
        if (!std::isfinite(ser.x[k]) || !std::isfinite(ser.y[k])) {
          pen_down = false;
          continue;
        }
        path +=
            fmt::format("{}{:.1f},{:.1f} ", pen_down ? "L" : "M", l.px(ser.x[k]), l.py(ser.y[k]));
        pen_down = true;
      }
      s += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{}/>\n", path,
                       color, ser.size,
                       ser.style == MarkStyle::DashedLine ? " stroke-dasharray=\"5 4\"" : "");
    }
    s += "</g>\n";
    s += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"black\"/>\n",
        l.left, l.top, l.width, l.height);
    if (l.color_bar)
      s += color_bar_svg(*l.color_bar, l.color_bar_left, l.top, l.height,
                         fmt::format("colorbar{}", p));
  }
  s += "</svg>\n";
  return s;
}

RgbImage render_figure_image(const Figure& f) {
  const FigureLayout fl = layout_figure(f);
  Canvas c(fl.width, fl.height);
  const Rgb black{0, 0, 0}, grid{230, 230, 230}, grey{136, 136, 136};
  c.text(f.title, fl.width / 2.0, 22, 1, black);
  double legend_x = 20;
  for (const FigureSeries* e : legend_entries(f)) {
    const double y = fl.legend_top + 12;
    const Rgb color = parse_rgb(series_color(static_cast<size_t>(e->color)));
    double phase = 0;
    if (e->style == MarkStyle::Points)
      c.dot(legend_x + 12, y, 3, color);
    else if (e->style == MarkStyle::DashedLine)
      c.dashed_line(legend_x, y, legend_x + 24, y, color, 2, 5, phase);
    else
      c.line(legend_x, y, legend_x + 24, y, color, 2);
    c.text(e->label, legend_x + 30, y + 4, 0, black);
    legend_x += 40 + 7.0 * static_cast<double>(e->label.size());
  }
  for (size_t p = 0; p < f.panels.size(); ++p) {
    const FigurePanel& panel = f.panels[p];
    const PanelLayout& l = fl.panels[p];
    const double bottom = l.top + l.height, right = l.left + l.width;
    for (double t : l.x_ticks) {
      c.line(l.px(t), l.top, l.px(t), bottom, grid, 1);
      c.text(format_tick(t), l.px(t), bottom + 15, 1, black);
    }
    for (double t : l.y_ticks) {
      c.line(l.left, l.py(t), right, l.py(t), grid, 1);
      c.text(format_tick(t), l.left - 5, l.py(t) + 4, 2, black);
    }
    c.text(panel.title, l.left + l.width / 2, l.top - 9, 1, black);
    c.text(panel.x_label, l.left + l.width / 2, bottom + 34, 1, black);
    c.text(panel.y_label, l.left - 46, l.top + l.height / 2, 1, black, true);
    if (!l.has_data) c.text("no data", l.left + l.width / 2, l.top + l.height / 2, 1, grey);
    auto inside = [&](double x, double y) {
      return x >= l.left && x <= right && y >= l.top && y <= bottom;
    };
    for (const auto& ser : panel.series) {
      const Rgb color = parse_rgb(series_color(static_cast<size_t>(ser.color)));
      const size_t n = std::min(ser.x.size(), ser.y.size());
      if (ser.style == MarkStyle::Cells) {
        const ColorScale range = cells_scale(ser);
        for (size_t k = 0; k < n; ++k) {
          if (!std::isfinite(ser.x[k]) || !std::isfinite(ser.y[k])) continue;
          const Rgb fill = cell_color(ser, k, range);
          const int xa = static_cast<int>(std::lround(l.px(ser.x[k] - ser.cell_width / 2)));
          const int xb = static_cast<int>(std::lround(l.px(ser.x[k] + ser.cell_width / 2)));
          const int ya = static_cast<int>(std::lround(l.py(ser.y[k] + ser.cell_height / 2)));
          const int yb = static_cast<int>(std::lround(l.py(ser.y[k] - ser.cell_height / 2)));
          for (int py = std::max(ya, static_cast<int>(l.top)); py < std::min<double>(yb, bottom);
               ++py)
            for (int px = std::max(xa, static_cast<int>(l.left)); px < std::min<double>(xb, right);
                 ++px)
              c.blend(px, py, fill, 1.0);
        }
        continue;
      }
      bool have_previous = false;
      double x0 = 0, y0 = 0, phase = 0;
      for (size_t k = 0; k < n; ++k) {
        if (!std::isfinite(ser.x[k]) || !std::isfinite(ser.y[k])) {
          have_previous = false;
          continue;
        }
        const double x = l.px(ser.x[k]), y = l.py(ser.y[k]);
        if (ser.style == MarkStyle::Points) {
          if (inside(x, y)) c.dot(x, y, ser.size, color, 0.7);
          continue;
        }
        // Segments leaving the plot area are dropped rather than clipped exactly: axes are
        // fitted to the data, so only equal-aspect padding could do this, and it does not.
        if (have_previous && inside(x, y) && inside(x0, y0)) {
          if (ser.style == MarkStyle::DashedLine)
            c.dashed_line(x0, y0, x, y, color, ser.size, 5, phase);
          else
            c.line(x0, y0, x, y, color, ser.size);
        }
        x0 = x, y0 = y, have_previous = true;
      }
    }
    c.line(l.left, l.top, right, l.top, black, 1);
    c.line(l.left, bottom, right, bottom, black, 1);
    c.line(l.left, l.top, l.left, bottom, black, 1);
    c.line(right, l.top, right, bottom, black, 1);
    if (l.color_bar) draw_color_bar(c, *l.color_bar, l.color_bar_left, l.top, l.height);
  }
  return c.take();
}

std::vector<std::filesystem::path> write_figure(const std::filesystem::path& stem,
                                                const Figure& figure) {
  std::filesystem::path svg = stem, png = stem;
  svg += ".svg";
  png += ".png";
  {
    AtomicFileWriter out(svg);
    out.write(render_figure_svg(figure));
    out.commit();
  }
  const std::string bytes = encode_png(render_figure_image(figure));
  AtomicFileWriter out(png);
  out.write(bytes);
  out.commit();
  return {svg, png};
}

}  // namespace scidl::io
