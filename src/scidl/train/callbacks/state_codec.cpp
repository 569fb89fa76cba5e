#include "scidl/train/callbacks/state_codec.h"

#include <fmt/format.h>

#include <bit>
#include <stdexcept>

namespace scidl::train {

namespace {
std::string hex(uint64_t v) { return fmt::format("{:016x}", v); }
uint64_t unhex(const nlohmann::json& j) {
  if (!j.is_string() || j.get<std::string>().size() != 16)
    throw std::invalid_argument("checkpoint: expected 16 hex digits, got " + j.dump());
  return std::stoull(j.get<std::string>(), nullptr, 16);
}
}  // namespace

nlohmann::json encode_double(double value) { return hex(std::bit_cast<uint64_t>(value)); }
double decode_double(const nlohmann::json& j) { return std::bit_cast<double>(unhex(j)); }

nlohmann::json encode_generator(const Generator::State& s) {
  return {{"s", {hex(s.s[0]), hex(s.s[1]), hex(s.s[2]), hex(s.s[3])}},
          {"has_spare", s.has_spare},
          {"spare", encode_double(s.spare)}};
}

Generator::State decode_generator(const nlohmann::json& j) {
  Generator::State s{};
  const auto& words = j.at("s");
  if (!words.is_array() || words.size() != 4)
    throw std::invalid_argument("checkpoint: a generator state needs 4 words, got " + words.dump());
  for (int i = 0; i < 4; ++i) s.s[i] = unhex(words[i]);
  s.has_spare = j.at("has_spare").get<bool>();
  s.spare = decode_double(j.at("spare"));
  return s;
}

}  // namespace scidl::train
