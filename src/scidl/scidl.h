// The umbrella header of the C++ API: include this to get every public part of scidl.
#pragma once
