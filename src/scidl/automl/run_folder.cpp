#include "scidl/automl/run_folder.h"

#include <fmt/format.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "scidl/data/csv.h"
#include "scidl/io/file_io.h"

namespace scidl::automl {

std::filesystem::path working_folder(const AutomlOptions& o) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(o.out, ec);
  if (exists && !std::filesystem::is_directory(o.out, ec))
    throw std::invalid_argument(fmt::format("--out {} is a file, not a folder", o.out.string()));
  const bool empty = !exists || std::filesystem::is_empty(o.out, ec);
  if (!empty && !o.overwrite)
    throw std::invalid_argument(fmt::format(
        "--out {} already holds files; choose another folder or pass --overwrite (the old "
        "contents are replaced only when the new run has finished)",
        o.out.string()));
  if (empty) return o.out;
  auto work = o.out;
  work += fmt::format(".tmp-automl-{}", ::getpid());
  std::filesystem::remove_all(work, ec);
  return work;
}

void replace_folder(const std::filesystem::path& work, const std::filesystem::path& out) {
  if (work == out) return;
  auto old = out;
  old += fmt::format(".old-automl-{}", ::getpid());
  std::filesystem::rename(out, old);
  std::filesystem::rename(work, out);
  std::filesystem::remove_all(old);
}

void write_failures(const std::filesystem::path& dir, const std::vector<ModelFailure>& failures) {
  if (failures.empty()) return;
  std::string csv = "model,error\n";
  for (const auto& f : failures)
    csv += data::csv_cell(f.model) + "," + data::csv_cell(f.error) + "\n";
  io::write_file_atomically(dir / "failures.csv", csv);
}

}  // namespace scidl::automl
