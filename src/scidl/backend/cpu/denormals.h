// Subnormal floats flushed to zero (the MXCSR's FTZ and DAZ bits) while a model trains.
//
// Why: training drives many values towards zero without reaching it: the momentum of a weight
// whose gradient has stopped (a dead ReLU unit) decays by 0.9 a step through the subnormal range,
// and every arithmetic operation on a subnormal takes a microcode assist of ~100 cycles. On the
// lecture's Fashion-MNIST CNN the SGD update over the 9216 x 128 layer's momentum went from 6%
// of a step on random data to 23% in real training (an epoch 44 s instead of 31 s). TensorFlow
// flushes them around every graph run for the same reason. Only inside a scope: outside,
// scidl keeps IEEE gradual underflow (reading a CSV keeps a subnormal double bit for bit, the
// integrators keep their last bits). SCIDL_FLUSH_DENORMALS=0 turns the flushing off.
#pragma once

namespace scidl::backend::cpu {

// While alive, the calling thread and every thread of the OpenMP pool flush subnormals to
// zero; the destructor restores gradual underflow where the constructor changed it. Nested
// scopes and SCIDL_FLUSH_DENORMALS=0 leave the mode alone.
class FlushDenormalsScope {
 public:
  FlushDenormalsScope();
  ~FlushDenormalsScope();
  FlushDenormalsScope(const FlushDenormalsScope&) = delete;
  FlushDenormalsScope& operator=(const FlushDenormalsScope&) = delete;

 private:
  bool changed_ = false;
};

// Whether the calling thread flushes subnormals to zero.
bool flushes_denormals();

}  // namespace scidl::backend::cpu
