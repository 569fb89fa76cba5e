// Subnormal floats flushed to zero (the MXCSR's FTZ and DAZ bits) on the CPU backend's threads.
//
// Why: training drives many values towards zero without reaching it: the momentum of a weight
// whose gradient has stopped (a dead ReLU unit) decays by 0.9 a step through the subnormal range,
// and every arithmetic operation on a subnormal takes a microcode assist of ~100 cycles. On the
// lecture's Fashion-MNIST CNN the SGD update over the 9216 x 128 layer's momentum went from 6%
// of a step on random data to 23% in real training. TensorFlow flushes them on its CPU threads
// too; results differ from gradual underflow only below 1.2e-38 (float) and 2.2e-308 (double).
// SCIDL_FLUSH_DENORMALS=0 keeps IEEE gradual underflow.
#pragma once

namespace scidl::backend::cpu {

// Sets FTZ and DAZ on the calling thread and on every thread of the OpenMP pool (threads
// created later inherit the creating thread's mode), unless SCIDL_FLUSH_DENORMALS=0. Called
// once when the CPU backend is created; returns whether it flushed.
bool flush_denormals();

// Whether the calling thread flushes subnormals to zero.
bool flushes_denormals();

}  // namespace scidl::backend::cpu
