// Every differentiable operation of scidl.
#pragma once
#include "scidl/autograd/engine.h"
#include "scidl/autograd/grad_mode.h"
#include "scidl/ops/elementwise.h"
#include "scidl/ops/indexing.h"
#include "scidl/ops/linalg.h"
#include "scidl/ops/loss.h"
#include "scidl/ops/nn_functional.h"
#include "scidl/ops/random_ops.h"
#include "scidl/ops/recurrent.h"
#include "scidl/ops/reduction.h"
#include "scidl/ops/scatter.h"
#include "scidl/ops/shape_ops.h"
