// Convex hulls of lattice points: exact counts and measures on known solids, Euler's formula on
// random hulls, and clear errors for flat point sets.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "scidl/cases/polyhedra/polyhedra.h"

namespace {

using scidl::sci::convex_hull;
using scidl::sci::LatticePoint;

std::vector<LatticePoint> lattice_cube(int64_t side) {
  std::vector<LatticePoint> points;
  for (int64_t x = 0; x <= side; ++x)
    for (int64_t y = 0; y <= side; ++y)
      for (int64_t z = 0; z <= side; ++z) points.push_back({x, y, z});
  return points;
}

TEST(ConvexHull, CubeHasSixSquareFaces) {
  auto hull = convex_hull(lattice_cube(1));
  EXPECT_EQ(hull.vertices.size(), 8u);
  EXPECT_EQ(hull.edge_count, 12);
  EXPECT_EQ(hull.faces.size(), 6u);
  for (const auto& f : hull.faces) EXPECT_EQ(f.size(), 4u);
  EXPECT_DOUBLE_EQ(hull.volume, 1.0);
  EXPECT_DOUBLE_EQ(hull.surface_area, 6.0);
}

TEST(ConvexHull, PointsOnEdgesAndFacesAreNotVertices) {
  auto hull = convex_hull(lattice_cube(2));  // 27 points: edge midpoints, face and body centres
  EXPECT_EQ(hull.vertices.size(), 8u);
  EXPECT_EQ(hull.edge_count, 12);
  EXPECT_EQ(hull.faces.size(), 6u);
  EXPECT_DOUBLE_EQ(hull.volume, 8.0);
  EXPECT_DOUBLE_EQ(hull.surface_area, 24.0);
}

TEST(ConvexHull, TetrahedronAndOctahedron) {
  auto tetrahedron = convex_hull({{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 0, 0}});
  EXPECT_EQ(tetrahedron.vertices.size(), 4u);
  EXPECT_EQ(tetrahedron.edge_count, 6);
  EXPECT_EQ(tetrahedron.faces.size(), 4u);
  EXPECT_NEAR(tetrahedron.volume, 1.0 / 6.0, 1e-15);
  EXPECT_NEAR(tetrahedron.surface_area, 1.5 + std::sqrt(3.0) / 2, 1e-12);
  auto octahedron =
      convex_hull({{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}, {0, 0, 0}});
  EXPECT_EQ(octahedron.vertices.size(), 6u);
  EXPECT_EQ(octahedron.edge_count, 12);
  EXPECT_EQ(octahedron.faces.size(), 8u);
  EXPECT_NEAR(octahedron.volume, 4.0 / 3.0, 1e-15);
}

TEST(ConvexHull, FacesAreCounterClockwiseSeenFromOutside) {
  // Then the divergence-theorem volume is positive for any placement of the solid.
  auto points = lattice_cube(1);
  for (auto& p : points) p = {p.x - 7, 2 * p.y + 3, p.z - 1};
  EXPECT_DOUBLE_EQ(convex_hull(points).volume, 2.0);
}

TEST(ConvexHull, FlatPointSetsAreRejected) {
  EXPECT_THROW(convex_hull({{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}, {2, 3, 0}}),
               std::invalid_argument);
  EXPECT_THROW(convex_hull({{0, 0, 0}, {1, 1, 1}, {2, 2, 2}, {3, 3, 3}}), std::invalid_argument);
  EXPECT_THROW(convex_hull({{0, 0, 0}, {1, 0, 0}, {0, 1, 0}}), std::invalid_argument);
}

TEST(RandomPolyhedra, SatisfyEulersFormulaAndVary) {
  auto samples = scidl::sci::random_polyhedra({.count = 2000, .seed = 1});
  ASSERT_EQ(samples.size(), 2000u);
  std::set<std::pair<int64_t, int64_t>> vertex_face_pairs;
  int64_t non_simplicial = 0;
  for (const auto& s : samples) {
    EXPECT_EQ(s.vertices - s.edges + s.faces, 2);
    EXPECT_GT(s.volume, 0.0);
    EXPECT_GT(s.surface_area, 0.0);
    vertex_face_pairs.insert({s.vertices, s.faces});
    if (2 * s.vertices - 4 != s.faces) ++non_simplicial;  // some face is not a triangle
  }
  // F is not a function of V alone: polygonal faces decouple E, V and F.
  EXPECT_GT(non_simplicial, 1000);
  EXPECT_GT(vertex_face_pairs.size(), 50u);
  auto again = scidl::sci::random_polyhedra({.count = 20, .seed = 1});
  for (size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].volume, samples[i].volume);
}

}  // namespace
