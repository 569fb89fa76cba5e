// Random convex polyhedra for the Euler's-formula case (V - E + F = 2): convex hulls of random
// points of a small integer lattice, so hulls have coplanar points and faces with any number of
// sides (not only triangles, which would tie E and F to V), measured exactly.
// convex_hull: gift wrapping over faces in exact integer arithmetic (no tolerance anywhere):
// faces are maximal planar polygons, vertices are the polygon corners (points on an edge or
// inside a face are not vertices), edges are shared by exactly two faces.
// Contract: convex_hull throws std::invalid_argument when the points span less than 3-D (fewer
// than four non-coplanar points); coordinates must stay below about 2^20 in magnitude.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace scidl::sci {

struct LatticePoint {
  int64_t x = 0, y = 0, z = 0;
  bool operator==(const LatticePoint&) const = default;
};

struct ConvexPolyhedron {
  std::vector<LatticePoint> vertices;
  // Each face's corners as indices into vertices, counter-clockwise seen from outside.
  std::vector<std::vector<int64_t>> faces;
  int64_t edge_count = 0;
  double volume = 0.0;        // in lattice units cubed (exact: 6 * volume is an integer)
  double surface_area = 0.0;  // in lattice units squared
};

ConvexPolyhedron convex_hull(const std::vector<LatticePoint>& points);

// One row of the Euler dataset: the counts and the measures of one random polyhedron.
struct PolyhedronSample {
  int64_t vertices = 0, edges = 0, faces = 0;
  double volume = 0.0, surface_area = 0.0;
};

struct RandomPolyhedraOptions {
  int64_t count = 1000;
  uint64_t seed = 0;
  int min_points = 4, max_points = 20;      // lattice points drawn per polyhedron
  int min_grid = 2, max_grid = 6;           // the lattice is {0..L}^3, L drawn in this range
  double min_scale = 0.5, max_scale = 2.0;  // a random scale applied to volume and area
};

// `count` random polyhedra; the same seed gives the same list.
std::vector<PolyhedronSample> random_polyhedra(const RandomPolyhedraOptions& options);

}  // namespace scidl::sci
