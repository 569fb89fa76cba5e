#include "scidl/tune/search_space.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cmath>

#include "scidl/io/config_reader.h"
#include "scidl/io/nearest_name.h"

namespace scidl::tune {

namespace {

struct DomainName {
  const char* name;
  DomainKind kind;
  int min_args, max_args;  // numeric arguments; choice and grid_search take a list
};

constexpr DomainName kDomains[] = {
    {"choice", DomainKind::choice, 0, 0},         {"grid_search", DomainKind::grid_search, 0, 0},
    {"uniform", DomainKind::uniform, 2, 2},       {"quniform", DomainKind::quniform, 3, 3},
    {"loguniform", DomainKind::loguniform, 2, 2}, {"qloguniform", DomainKind::qloguniform, 3, 3},
    {"randint", DomainKind::randint, 2, 2},       {"qrandint", DomainKind::qrandint, 2, 3},
    {"lograndint", DomainKind::lograndint, 2, 2}, {"qlograndint", DomainKind::qlograndint, 3, 3},
    {"randn", DomainKind::randn, 0, 2},           {"qrandn", DomainKind::qrandn, 3, 3},
};

const char* name_of(DomainKind kind) {
  for (const auto& d : kDomains)
    if (d.kind == kind) return d.name;
  return "constant";
}

// numpy.round: halves to even, as Ray's Quantized sampler rounds.
double round_half_even(double x) { return std::nearbyint(x); }

double uniform(Generator& rng, double low, double high) {
  return low + (high - low) * rng.next_double();
}

int64_t integer_below(Generator& rng, int64_t low, int64_t high) {  // [low, high)
  const auto span = static_cast<uint64_t>(high - low);
  return low + static_cast<int64_t>(rng.next_u64() % span);
}

nlohmann::json as_number(double v, bool integer) {
  if (integer) return static_cast<int64_t>(std::llround(v));
  return v;
}

bool divisible(double bound, double q) {
  const double ratio = bound / q;
  return std::abs(ratio - std::round(ratio)) <= 1e-9 * std::max(1.0, std::abs(ratio));
}

class DomainReader {
 public:
  DomainReader(std::string file, std::string key) : file_(std::move(file)), key_(std::move(key)) {}

  [[noreturn]] void fail(const std::string& why) const {
    throw io::ConfigError(fmt::format("{}: [space] '{}': {}", file_, key_, why));
  }

  Domain read(const toml::node& node) const {
    const auto* table = node.as_table();
    if (!table) return constant(node);
    if (table->size() != 1) fail(expected());
    const auto first = table->begin();  // its entries are proxies that live in the iterator
    const std::string name(first->first.str());
    const toml::node& args = first->second;
    const DomainName* found = nullptr;
    for (const auto& d : kDomains)
      if (name == d.name) found = &d;
    if (!found) {
      std::vector<std::string> names;
      for (const auto& d : kDomains) names.emplace_back(d.name);
      fail(fmt::format("unknown domain '{}'{}; {}", name, io::did_you_mean(name, names),
                       expected()));
    }
    Domain domain;
    domain.kind = found->kind;
    if (domain.kind == DomainKind::choice || domain.kind == DomainKind::grid_search) {
      domain.values = list_of(args, name);
      return domain;
    }
    const auto numbers = numbers_of(args, name, *found);
    return checked_range(domain, numbers, name);
  }

 private:
  std::string expected() const {
    return "write a constant or one domain, e.g. { loguniform = [1e-4, 1e-1] }, { choice = "
           "[16, 32] }, { quniform = [0.1, 0.5, 0.1] }, { randint = [1, 5] }, { grid_search = "
           "[\"adam\", \"sgd\"] }";
  }

  Domain constant(const toml::node& node) const {
    Domain d;
    d.values.push_back(io::toml_to_json(node));
    return d;
  }

  std::vector<nlohmann::json> list_of(const toml::node& args, const std::string& name) const {
    const auto* array = args.as_array();
    if (!array) fail(fmt::format("{} takes a list of values, e.g. {} = [16, 32, 64]", name, name));
    if (array->empty()) fail(fmt::format("{} has no values to choose from", name));
    std::vector<nlohmann::json> values;
    for (const auto& v : *array) values.push_back(io::toml_to_json(v));
    return values;
  }

  std::vector<double> numbers_of(const toml::node& args, const std::string& name,
                                 const DomainName& d) const {
    std::vector<double> numbers;
    const auto* array = args.as_array();
    if (array)
      for (const auto& v : *array) {
        if (!v.is_number()) fail(fmt::format("{}'s arguments must be numbers", name));
        numbers.push_back(v.value<double>().value());
      }
    if (!array || static_cast<int>(numbers.size()) < d.min_args ||
        static_cast<int>(numbers.size()) > d.max_args) {
      const char* form = d.min_args == 3                  ? "[low, high, q]"
                         : d.kind == DomainKind::qrandint ? "[low, high] or [low, high, q]"
                         : d.kind == DomainKind::randn    ? "[mean, sd] (default [0, 1])"
                                                          : "[low, high]";
      fail(fmt::format("{} takes {}", name, form));
    }
    for (double v : numbers)
      if (!std::isfinite(v)) fail(fmt::format("{}'s arguments must be finite", name));
    return numbers;
  }

  Domain checked_range(Domain d, const std::vector<double>& n, const std::string& name) const {
    if (d.kind == DomainKind::randn || d.kind == DomainKind::qrandn) {
      d.low = n.size() > 0 ? n[0] : 0.0;
      d.high = n.size() > 1 ? n[1] : 1.0;
      d.q = n.size() > 2 ? n[2] : 0.0;
      if (d.high <= 0)
        fail(fmt::format("{}'s standard deviation must be > 0, got {}", name, d.high));
      if (d.kind == DomainKind::qrandn && d.q <= 0) fail(fmt::format("{}'s q must be > 0", name));
      return d;
    }
    d.low = n[0];
    d.high = n[1];
    d.q = n.size() > 2 ? n[2] : (d.kind == DomainKind::qrandint ? 1.0 : 0.0);
    if (!(d.low < d.high))
      fail(fmt::format("{} needs low < high, got [{}, {}]", name, d.low, d.high));
    if (d.is_log() && d.low <= 0)
      fail(fmt::format("{} samples the logarithm, so its lower bound must be > 0, got {}", name,
                       d.low));
    if (d.is_integer() && (d.low != std::floor(d.low) || d.high != std::floor(d.high)))
      fail(fmt::format("{} draws integers: its bounds must be integers, got [{}, {}]", name, d.low,
                       d.high));
    const bool quantised = d.kind == DomainKind::quniform || d.kind == DomainKind::qloguniform ||
                           d.kind == DomainKind::qrandint || d.kind == DomainKind::qlograndint;
    if (quantised) {
      if (d.q <= 0) fail(fmt::format("{}'s q must be > 0, got {}", name, d.q));
      if (d.is_integer() && d.q != std::floor(d.q))
        fail(fmt::format("{} draws integers: q must be an integer, got {}", name, d.q));
      if (d.kind == DomainKind::quniform || d.kind == DomainKind::qloguniform)
        for (double bound : {d.low, d.high})
          if (!divisible(bound, d.q))
            fail(
                fmt::format("{}'s bound {} is not divisible by q = {} (as Ray Tune requires: "
                            "use bounds that are multiples of q)",
                            name, bound, d.q));
    }
    return d;
  }

  std::string file_, key_;
};

}  // namespace

bool Domain::is_integer() const {
  return kind == DomainKind::randint || kind == DomainKind::qrandint ||
         kind == DomainKind::lograndint || kind == DomainKind::qlograndint;
}

bool Domain::is_log() const {
  return kind == DomainKind::loguniform || kind == DomainKind::qloguniform ||
         kind == DomainKind::lograndint || kind == DomainKind::qlograndint;
}

bool Domain::is_numeric_range() const {
  return kind != DomainKind::constant && kind != DomainKind::choice &&
         kind != DomainKind::grid_search && kind != DomainKind::randn && kind != DomainKind::qrandn;
}

nlohmann::json Domain::sample(Generator& rng) const {
  // Quantised domains draw from [ceil(l/q)q, floor(u/q)q], then round to a multiple of q.
  const double qlow = q > 0 ? std::ceil(low / q) * q : low;
  const double qhigh = q > 0 ? std::floor(high / q) * q : high;
  const auto quantise = [&](double v) { return round_half_even(v / q) * q; };
  switch (kind) {
    case DomainKind::constant:
    case DomainKind::grid_search:
      return values.front();
    case DomainKind::choice:
      return values[static_cast<size_t>(
          integer_below(rng, 0, static_cast<int64_t>(values.size())))];
    case DomainKind::uniform:
      return uniform(rng, low, high);
    case DomainKind::quniform:
      return quantise(uniform(rng, qlow, qhigh));
    case DomainKind::loguniform:
      return std::exp(uniform(rng, std::log(low), std::log(high)));
    case DomainKind::qloguniform:
      return quantise(std::exp(uniform(rng, std::log(qlow), std::log(qhigh))));
    case DomainKind::randint:
      return integer_below(rng, static_cast<int64_t>(low), static_cast<int64_t>(high));
    case DomainKind::qrandint:
      if (q == 1) return integer_below(rng, static_cast<int64_t>(low), static_cast<int64_t>(high));
      return as_number(quantise(static_cast<double>(integer_below(rng, static_cast<int64_t>(qlow),
                                                                  static_cast<int64_t>(qhigh)))),
                       true);
    case DomainKind::lograndint:
      return as_number(std::floor(std::exp(uniform(rng, std::log(low), std::log(high)))), true);
    case DomainKind::qlograndint:
      return as_number(
          quantise(std::floor(std::exp(uniform(rng, std::log(qlow), std::log(qhigh))))), true);
    case DomainKind::randn:
      return low + high * rng.next_normal();
    case DomainKind::qrandn:
      return quantise(low + high * rng.next_normal());
  }
  return nullptr;
}

nlohmann::json Domain::snap(double value) const {
  double v = std::clamp(value, low, high);
  if (q > 0 && kind != DomainKind::randint && kind != DomainKind::lograndint)
    v = std::clamp(round_half_even(v / q) * q, q > 0 ? std::ceil(low / q) * q : low,
                   q > 0 ? std::floor(high / q) * q : high);
  if (is_integer()) {
    v = std::round(v);
    // randint and lograndint exclude their upper bound
    if ((kind == DomainKind::randint || kind == DomainKind::lograndint) && v >= high) v = high - 1;
    return static_cast<int64_t>(v);
  }
  return v;
}

std::string Domain::describe() const {
  switch (kind) {
    case DomainKind::constant:
      return values.front().dump();
    case DomainKind::choice:
    case DomainKind::grid_search: {
      std::vector<std::string> parts;
      for (const auto& v : values) parts.push_back(v.dump());
      return fmt::format("{}([{}])", name_of(kind), fmt::join(parts, ", "));
    }
    default:
      if (q > 0 && kind != DomainKind::qrandint)
        return fmt::format("{}({}, {}, {})", name_of(kind), low, high, q);
      if (kind == DomainKind::qrandint && q != 1)
        return fmt::format("{}({}, {}, {})", name_of(kind), low, high, q);
      return fmt::format("{}({}, {})", name_of(kind), low, high);
  }
}

int64_t SearchSpace::grid_points() const {
  int64_t n = 1;
  for (const auto& axis : axes)
    if (axis.domain.is_grid()) n *= static_cast<int64_t>(axis.domain.values.size());
  return n;
}

nlohmann::json SearchSpace::grid_point(int64_t index) const {
  nlohmann::json point = nlohmann::json::object();
  for (auto it = axes.rbegin(); it != axes.rend(); ++it) {  // the last axis varies fastest
    if (!it->domain.is_grid()) continue;
    const auto n = static_cast<int64_t>(it->domain.values.size());
    point[it->key] = it->domain.values[static_cast<size_t>(index % n)];
    index /= n;
  }
  return point;
}

SearchSpace parse_search_space(const toml::table& space, const std::string& file) {
  SearchSpace result;
  for (const auto& [key, node] : space) {
    const std::string name(key.str());
    result.axes.push_back({name, DomainReader(file, name).read(node)});
  }
  bool sampled = false;
  for (const auto& axis : result.axes) sampled |= axis.domain.kind != DomainKind::constant;
  if (!sampled)
    throw io::ConfigError(
        fmt::format("{}: the search space is empty: give [space] at least one key to search, e.g. "
                    "\"optimizer.lr\" = {{ loguniform = [1e-4, 1e-1] }}",
                    file));
  constexpr int64_t kMaxGridPoints = 1'000'000;
  int64_t points = 1;
  for (const auto& axis : result.axes)
    if (axis.domain.is_grid() &&
        (points *= static_cast<int64_t>(axis.domain.values.size())) > kMaxGridPoints)
      throw io::ConfigError(
          fmt::format("{}: the grid has more than {} points", file, kMaxGridPoints));
  return result;
}

}  // namespace scidl::tune
