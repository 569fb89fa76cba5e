// Seeded random numbers. A Generator is xoshiro256** seeded through splitmix64: the same seed
// gives the same stream on every machine and run, and its whole state can be saved and restored
// (resumable training restores it bit for bit).
#pragma once
#include <array>
#include <cstdint>

namespace scidl {

class Generator {
 public:
  explicit Generator(uint64_t seed = 0) { seed_(seed); }
  void seed_(uint64_t seed);
  // Inline: random fills draw one value per element (dropout masks every step).
  uint64_t next_u64() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1): 53 random bits.
  double next_double() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  double next_normal();  // standard normal (Box-Muller, caches the second value)
  // A new generator seeded from this one's next draw: an independent stream (bernoulli fills
  // draw from eight of them at once).
  Generator split() { return Generator(next_u64()); }

  struct State {
    std::array<uint64_t, 4> s;
    bool has_spare;
    double spare;
  };
  State state() const { return {s_, has_spare_, spare_}; }
  void set_state(const State& st) {
    s_ = st.s;
    has_spare_ = st.has_spare;
    spare_ = st.spare;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<uint64_t, 4> s_{};
  bool has_spare_ = false;
  double spare_ = 0;
};

// The process-wide default generator (seeded by manual_seed; weight initialisers use it).
Generator& default_generator();
void manual_seed(uint64_t seed);

}  // namespace scidl
