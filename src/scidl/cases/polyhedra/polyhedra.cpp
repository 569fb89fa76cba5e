#include "scidl/cases/polyhedra/polyhedra.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <numeric>
#include <stdexcept>
#include <tuple>

#include "scidl/tensor/random.h"

namespace scidl::sci {

namespace {

using Point = LatticePoint;

Point operator-(const Point& a, const Point& b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
Point cross(const Point& a, const Point& b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
int64_t dot(const Point& a, const Point& b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
bool is_zero(const Point& a) { return a.x == 0 && a.y == 0 && a.z == 0; }
bool lexicographic_less(const Point& a, const Point& b) {
  return std::tie(a.x, a.y, a.z) < std::tie(b.x, b.y, b.z);
}

// A supporting plane n . p = offset with outward normal n reduced by the gcd of its components,
// so every plane has exactly one key.
struct Plane {
  Point normal;
  int64_t offset = 0;
  auto key() const { return std::make_tuple(normal.x, normal.y, normal.z, offset); }
};

Plane plane_through(const Point& normal, const Point& on) {
  int64_t g = std::gcd(std::gcd(std::abs(normal.x), std::abs(normal.y)), std::abs(normal.z));
  Point n{normal.x / g, normal.y / g, normal.z / g};
  return {n, dot(n, on)};
}

// The corners of the convex polygon formed by `on` (points of one plane), counter-clockwise seen
// from the side `normal` points to; points on the polygon's edges are dropped. Andrew's monotone
// chain on the projection that drops the normal's largest coordinate.
std::vector<int64_t> polygon_corners(const std::vector<Point>& points, std::vector<int64_t> on,
                                     const Point& normal) {
  const int64_t ax = std::abs(normal.x), ay = std::abs(normal.y), az = std::abs(normal.z);
  const int drop = ax >= ay && ax >= az ? 0 : (ay >= az ? 1 : 2);
  auto coordinate = [](const Point& p, int i) { return i == 0 ? p.x : (i == 1 ? p.y : p.z); };
  auto u = [&](int64_t i) { return coordinate(points[i], (drop + 1) % 3); };
  auto v = [&](int64_t i) { return coordinate(points[i], (drop + 2) % 3); };
  std::sort(on.begin(), on.end(), [&](int64_t a, int64_t b) {
    return std::make_pair(u(a), v(a)) < std::make_pair(u(b), v(b));
  });
  auto turn = [&](int64_t o, int64_t a, int64_t b) {
    return (u(a) - u(o)) * (v(b) - v(o)) - (v(a) - v(o)) * (u(b) - u(o));
  };
  std::vector<int64_t> hull(2 * on.size());
  size_t k = 0;
  for (size_t i = 0; i < on.size(); ++i) {  // lower chain
    while (k >= 2 && turn(hull[k - 2], hull[k - 1], on[i]) <= 0) --k;
    hull[k++] = on[i];
  }
  for (size_t i = on.size() - 1, lower = k + 1; i-- > 0;) {  // upper chain
    while (k >= lower && turn(hull[k - 2], hull[k - 1], on[i]) <= 0) --k;
    hull[k++] = on[i];
  }
  hull.resize(k - 1);
  // Counter-clockwise in the projection; seen from the normal's side it is reversed when the
  // dropped coordinate of the normal is negative.
  if (coordinate(normal, drop) < 0) std::reverse(hull.begin(), hull.end());
  return hull;
}

// The hull face across directed edge (from -> to) of a known face: gift wrapping pivots a plane
// about the edge until every point is behind it. With the edge reversed (to -> from) in the new
// face, (from - to) x (c - to) points outward for any point c of that face.
Plane neighbour_across(const std::vector<Point>& points, const Point& from, const Point& to) {
  const Point edge = from - to;
  const Point* best = nullptr;
  Point normal{};
  for (const Point& p : points) {
    if (best == nullptr) {
      Point n = cross(edge, p - to);
      if (is_zero(n)) continue;  // on the edge's line: defines no plane
      best = &p;
      normal = n;
    } else if (dot(normal, p - to) > 0) {  // p lies outside: pivot onto it
      best = &p;
      normal = cross(edge, p - to);
    }
  }
  return plane_through(normal, to);
}

// A first face: some plane through the lexicographically smallest point (always a vertex).
Plane first_face(const std::vector<Point>& points) {
  const Point& a = points.front();
  for (size_t i = 1; i < points.size(); ++i)
    for (size_t j = i + 1; j < points.size(); ++j) {
      Point n = cross(points[i] - a, points[j] - a);
      if (is_zero(n)) continue;
      bool any_above = false, any_below = false;
      for (const Point& p : points) {
        int64_t s = dot(n, p - a);
        any_above = any_above || s > 0;
        any_below = any_below || s < 0;
      }
      if (any_above && any_below) continue;
      if (!any_above && !any_below)
        throw std::invalid_argument(fmt::format(
            "convex_hull: all {} points lie in one plane; a polyhedron needs four points that "
            "are not coplanar",
            points.size()));
      return plane_through(any_above ? Point{-n.x, -n.y, -n.z} : n, a);
    }
  throw std::invalid_argument(fmt::format(
      "convex_hull: all {} points lie on one line; a polyhedron needs four points that are not "
      "coplanar",
      points.size()));
}

}  // namespace

ConvexPolyhedron convex_hull(const std::vector<LatticePoint>& input) {
  std::vector<Point> points = input;
  std::sort(points.begin(), points.end(), lexicographic_less);
  points.erase(std::unique(points.begin(), points.end()), points.end());
  if (points.size() < 4)
    throw std::invalid_argument(fmt::format(
        "convex_hull: {} distinct points; a polyhedron needs at least four that are not coplanar",
        points.size()));
  for (const Point& p : points)
    if (std::max({std::abs(p.x), std::abs(p.y), std::abs(p.z)}) > (int64_t{1} << 20))
      throw std::invalid_argument(
          "convex_hull: coordinates beyond 2^20 could overflow exact arithmetic");

  std::map<std::tuple<int64_t, int64_t, int64_t, int64_t>, size_t> face_of_plane;
  std::vector<std::vector<int64_t>> faces;  // corners as indices into points
  std::deque<size_t> pending;
  auto add_face = [&](const Plane& plane) {
    if (face_of_plane.count(plane.key())) return;
    std::vector<int64_t> on;
    for (size_t i = 0; i < points.size(); ++i)
      if (dot(plane.normal, points[i]) == plane.offset) on.push_back(static_cast<int64_t>(i));
    face_of_plane[plane.key()] = faces.size();
    pending.push_back(faces.size());
    faces.push_back(polygon_corners(points, on, plane.normal));
  };
  add_face(first_face(points));
  while (!pending.empty()) {
    const std::vector<int64_t> corners = faces[pending.front()];
    pending.pop_front();
    for (size_t i = 0; i < corners.size(); ++i)
      add_face(
          neighbour_across(points, points[corners[i]], points[corners[(i + 1) % corners.size()]]));
  }

  ConvexPolyhedron hull;
  std::map<int64_t, int64_t> vertex_index;  // point index -> vertex index
  int64_t six_volume = 0;
  for (const auto& corners : faces) {
    std::vector<int64_t> face;
    Point area_vector{};
    for (size_t i = 0; i < corners.size(); ++i) {
      auto [it, inserted] =
          vertex_index.emplace(corners[i], static_cast<int64_t>(hull.vertices.size()));
      if (inserted) hull.vertices.push_back(points[corners[i]]);
      face.push_back(it->second);
      if (i >= 1 && i + 1 < corners.size()) {  // fan triangle (c0, ci, ci+1)
        const Point& c0 = points[corners[0]];
        const Point& ci = points[corners[i]];
        const Point& cj = points[corners[i + 1]];
        Point twice_area = cross(ci - c0, cj - c0);
        area_vector = {area_vector.x + twice_area.x, area_vector.y + twice_area.y,
                       area_vector.z + twice_area.z};
        six_volume += dot(c0, cross(ci, cj));
      }
    }
    hull.surface_area += 0.5 * std::sqrt(static_cast<double>(dot(area_vector, area_vector)));
    hull.edge_count += static_cast<int64_t>(corners.size());
    hull.faces.push_back(std::move(face));
  }
  hull.edge_count /= 2;  // every edge borders two faces
  hull.volume = static_cast<double>(six_volume) / 6.0;
  return hull;
}

std::vector<PolyhedronSample> random_polyhedra(const RandomPolyhedraOptions& o) {
  if (o.count < 0 || o.min_points < 4 || o.max_points < o.min_points || o.min_grid < 1 ||
      o.max_grid < o.min_grid || !(o.min_scale > 0) || o.max_scale < o.min_scale)
    throw std::invalid_argument(fmt::format(
        "random_polyhedra: need count >= 0, 4 <= min_points <= max_points, 1 <= min_grid <= "
        "max_grid and 0 < min_scale <= max_scale (got count {}, points {}..{}, grid {}..{}, "
        "scale {}..{})",
        o.count, o.min_points, o.max_points, o.min_grid, o.max_grid, o.min_scale, o.max_scale));
  Generator gen(o.seed);
  auto uniform_int = [&](int64_t low, int64_t high) {
    return low + static_cast<int64_t>(gen.next_u64() % static_cast<uint64_t>(high - low + 1));
  };
  std::vector<PolyhedronSample> out;
  out.reserve(o.count);
  while (static_cast<int64_t>(out.size()) < o.count) {
    const int64_t grid = uniform_int(o.min_grid, o.max_grid);
    const int64_t count = uniform_int(o.min_points, o.max_points);
    std::vector<Point> points(count);
    for (auto& p : points) p = {uniform_int(0, grid), uniform_int(0, grid), uniform_int(0, grid)};
    const double scale = o.min_scale + (o.max_scale - o.min_scale) * gen.next_double();
    ConvexPolyhedron hull;
    try {
      hull = convex_hull(points);
    } catch (const std::invalid_argument&) {
      continue;  // flat draws are redrawn
    }
    out.push_back({static_cast<int64_t>(hull.vertices.size()), hull.edge_count,
                   static_cast<int64_t>(hull.faces.size()), hull.volume * scale * scale * scale,
                   hull.surface_area * scale * scale});
  }
  return out;
}

}  // namespace scidl::sci
