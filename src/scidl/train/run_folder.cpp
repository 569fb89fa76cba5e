#include "scidl/train/run_folder.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "scidl/io/file_io.h"
#include "scidl/train/validation_split.h"

namespace scidl::train {

namespace {

constexpr const char* kManifest = "moved.txt";  // the moved paths, one a line
// Every path the new run may write (its run files, config.toml, plots, callback files), one a
// line: what a recovery removes before it puts the old run back.
constexpr const char* kOutputs = "outputs.txt";

std::vector<std::string> read_manifest(const std::filesystem::path& aside,
                                       const char* name = kManifest) {
  std::vector<std::string> moved;
  std::ifstream in(aside / name);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) moved.push_back(line);
  return moved;
}

// Removes what a new run wrote at the old run's paths (and its other outputs), then renames the
// old run's entries back.
void put_back(const std::filesystem::path& dir, const std::vector<std::string>& new_outputs,
              const std::vector<std::string>& moved) {
  const auto aside = dir / RunFolderClaim::kReplacedFolder;
  for (const auto& p : new_outputs) {
    const auto normal = std::filesystem::path(p).lexically_normal();
    if (normal.empty() || normal == "." || *normal.begin() == "..") continue;  // never the folder
    std::filesystem::remove_all(dir / normal);
  }
  for (const auto& p : moved) {
    std::filesystem::remove_all(dir / p);
    std::filesystem::create_directories((dir / p).parent_path());
    std::filesystem::rename(aside / p, dir / p);
  }
  std::filesystem::remove_all(aside);
}

}  // namespace

const std::vector<std::string>& run_files() {
  static const std::vector<std::string> files{"config.json", "history.csv", "checkpoint.scidl",
                                              "best.scidl",  "last.scidl",  kValidationSplitFile};
  return files;
}

namespace {
std::vector<std::string> run_files_in(const std::filesystem::path& dir) {
  std::vector<std::string> found;
  for (const auto& f : run_files())
    if (std::filesystem::exists(dir / f)) found.push_back(f);
  return found;
}
}  // namespace

void RunFolderClaim::refuse_if_taken(const std::filesystem::path& dir, bool overwrite) {
  const auto found = run_files_in(dir);
  if (!found.empty() && !overwrite)
    throw std::runtime_error(fmt::format(
        "'{}' already holds a run ({}); nothing was changed. To keep it, train into another "
        "folder (--out DIR); to continue it, --resume {}; to replace it, --overwrite",
        dir.string(), fmt::join(found, ", "), dir.string()));
}

RunFolderClaim RunFolderClaim::take(const std::filesystem::path& dir,
                                    const std::vector<std::string>& outputs) {
  RunFolderClaim claim;
  claim.dir_ = dir;
  claim.outputs_ = outputs;
  if (run_files_in(dir).empty()) return claim;
  const auto aside = dir / kReplacedFolder;
  std::filesystem::create_directories(aside);
  std::string manifest;
  for (const auto& p : outputs)
    if (std::filesystem::exists(std::filesystem::symlink_status(dir / p))) manifest += p + "\n";
  // The manifests first: a run killed while moving still knows what to put back.
  std::string all;
  for (const auto& p : outputs) all += p + "\n";
  io::write_file_atomically(aside / kOutputs, all);
  io::write_file_atomically(aside / kManifest, manifest);
  for (const auto& p : outputs) {
    if (!std::filesystem::exists(std::filesystem::symlink_status(dir / p))) continue;
    std::filesystem::create_directories((aside / p).parent_path());
    std::filesystem::rename(dir / p, aside / p);
    claim.moved_.push_back(p);
  }
  return claim;
}

bool RunFolderClaim::recover_replaced_run(const std::filesystem::path& dir) {
  const auto aside = dir / kReplacedFolder;
  if (!std::filesystem::is_directory(aside)) return false;
  if (!std::filesystem::exists(aside / kManifest)) {  // killed before it moved anything
    std::filesystem::remove_all(aside);
    return false;
  }
  const auto manifest = read_manifest(aside);
  std::vector<std::string> moved, written_since;
  for (const auto& p : manifest)  // killed mid-move: only what reached the side was moved
    if (std::filesystem::exists(std::filesystem::symlink_status(aside / p))) moved.push_back(p);
  // the killed run's files and outputs; the old run's not yet moved stay
  std::vector<std::string> written = run_files();
  for (const auto& p : read_manifest(aside, kOutputs))
    if (std::find(written.begin(), written.end(), p) == written.end()) written.push_back(p);
  for (const auto& f : written) {
    const bool old_one = std::find(manifest.begin(), manifest.end(), f) != manifest.end() &&
                         std::find(moved.begin(), moved.end(), f) == moved.end();
    if (!old_one) written_since.push_back(f);
  }
  // a file the killed run was writing when it died (AtomicFileWriter's temporary)
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.is_regular_file() && io::is_atomic_temp_file(entry.path()))
      std::filesystem::remove(entry.path());
  put_back(dir, written_since, moved);
  return true;
}

void RunFolderClaim::commit() {
  if (moved_.empty()) return;
  std::filesystem::remove_all(dir_ / kReplacedFolder);
  moved_.clear();
}

void RunFolderClaim::restore() {
  if (moved_.empty()) return;
  put_back(dir_, outputs_, moved_);
  moved_.clear();
}

namespace {
class CommitAtFirstEpochEnd : public Callback {
 public:
  explicit CommitAtFirstEpochEnd(RunFolderClaim& claim) : claim_(claim) {}
  void on_epoch_end(Trainer&, int, const Logs&) override { claim_.commit(); }

 private:
  RunFolderClaim& claim_;
};
}  // namespace

std::unique_ptr<Callback> RunFolderClaim::commit_at_first_epoch_end() {
  return std::make_unique<CommitAtFirstEpochEnd>(*this);
}

}  // namespace scidl::train
