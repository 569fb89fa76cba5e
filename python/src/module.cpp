// scidl._core, the compiled half of the `scidl` package (python/scidl/ is the other): one
// binding file per concept, and scidl's errors as the Python exceptions they mean, with the C++
// message unchanged.
#include <cerrno>

#include "convert.h"
#include "scidl/io/file_io.h"
#include "scidl/io/model_file.h"

namespace scidl::python {

namespace {

// A file that is not there is FileNotFoundError; other file trouble is OSError.
void raise_file_error(const char* message) {
  const bool missing = std::string(message).find("No such file") != std::string::npos;
  PyErr_SetString(missing ? PyExc_FileNotFoundError : PyExc_OSError, message);
}

void translate_errors(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const io::ModelFileError& e) {
    if (e.kind() == io::ModelFileError::Kind::FileAccess)
      raise_file_error(e.what());
    else  // not a model file, a newer format, a damaged file: the input is wrong
      PyErr_SetString(PyExc_ValueError, e.what());
  } catch (const io::FileError& e) {
    raise_file_error(e.what());
  } catch (const std::out_of_range& e) {  // a class or index out of range: a wrong value
    PyErr_SetString(PyExc_ValueError, e.what());
  }
}

}  // namespace

}  // namespace scidl::python

PYBIND11_MODULE(_core, m) {
  using namespace scidl::python;
  m.doc() = "scidl's C++ library: tensors, models, training and explanations";
  m.attr("__version__") = SCIDL_VERSION;
  py::register_exception_translator(&translate_errors);
  bind_tensor(m);
  bind_model(m);
  bind_explain(m);
  bind_runs(m);
  bind_cases(m);
  bind_tune(m);
  bind_automl(m);
}
