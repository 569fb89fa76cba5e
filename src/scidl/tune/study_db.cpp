#include "scidl/tune/study_db.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cmath>

namespace scidl::tune {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS study(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS trials(
  id INTEGER PRIMARY KEY, params TEXT NOT NULL, state TEXT NOT NULL,
  stopped_by TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '',
  epochs INTEGER NOT NULL DEFAULT 0, seconds REAL NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS events(
  seq INTEGER PRIMARY KEY, trial INTEGER NOT NULL, kind TEXT NOT NULL,
  epoch INTEGER NOT NULL DEFAULT 0, metrics TEXT NOT NULL DEFAULT '{}');
CREATE UNIQUE INDEX IF NOT EXISTS one_result_per_epoch ON events(trial, epoch) WHERE kind = 'result';
)sql";

constexpr TrialState kStates[] = {TrialState::pending, TrialState::running, TrialState::completed,
                                  TrialState::stopped, TrialState::failed};

// A prepared statement, finalised on every path.
class Statement {
 public:
  Statement(sqlite3* db, const std::filesystem::path& file, const char* sql) : file_(file) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      throw StudyDbError(
          fmt::format("{}: not a scidl study database ({})", file.string(), sqlite3_errmsg(db)));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, int64_t v) { return check(sqlite3_bind_int64(stmt_, i, v)); }
  Statement& bind(int i, double v) { return check(sqlite3_bind_double(stmt_, i, v)); }
  Statement& bind(int i, const std::string& v) {
    return check(
        sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  // SQLITE_ROW: a row to read; SQLITE_DONE: finished.
  int step() {
    const int rc = sqlite3_step(stmt_);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE && rc != SQLITE_CONSTRAINT)
      throw StudyDbError(
          fmt::format("{}: {}", file_.string(), sqlite3_errmsg(sqlite3_db_handle(stmt_))));
    return rc;
  }
  int64_t integer(int column) const {
    expect(column, SQLITE_INTEGER, "an integer");
    return sqlite3_column_int64(stmt_, column);
  }
  double number(int column) const {
    if (sqlite3_column_type(stmt_, column) == SQLITE_INTEGER)
      return static_cast<double>(sqlite3_column_int64(stmt_, column));
    expect(column, SQLITE_FLOAT, "a number");
    return sqlite3_column_double(stmt_, column);
  }
  std::string text(int column) const {
    expect(column, SQLITE_TEXT, "text");
    const auto* p = sqlite3_column_text(stmt_, column);
    return std::string(reinterpret_cast<const char*>(p),
                       static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  nlohmann::json json(int column) const {
    auto parsed = nlohmann::json::parse(text(column), nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
      throw StudyDbError(fmt::format("{}: a damaged record ({} of {} is not a JSON object)",
                                     file_.string(), sqlite3_column_name(stmt_, column),
                                     sqlite3_sql(stmt_)));
    return parsed;
  }

 private:
  Statement& check(int rc) {
    if (rc != SQLITE_OK) throw StudyDbError(fmt::format("{}: cannot bind a value", file_.string()));
    return *this;
  }
  void expect(int column, int type, const char* what) const {
    if (sqlite3_column_type(stmt_, column) != type)
      throw StudyDbError(fmt::format("{}: a damaged record ({} is not {})", file_.string(),
                                     sqlite3_column_name(stmt_, column), what));
  }
  sqlite3_stmt* stmt_ = nullptr;
  std::filesystem::path file_;
};

TrialState parse_state(const std::string& name, const std::filesystem::path& file) {
  for (auto s : kStates)
    if (name == state_name(s)) return s;
  throw StudyDbError(fmt::format("{}: a damaged record (trial state '{}')", file.string(), name));
}

}  // namespace

const char* state_name(TrialState state) {
  switch (state) {
    case TrialState::pending:
      return "pending";
    case TrialState::running:
      return "running";
    case TrialState::completed:
      return "completed";
    case TrialState::stopped:
      return "stopped";
    case TrialState::failed:
      return "failed";
  }
  return "?";
}

StudyDb StudyDb::open(const std::filesystem::path& file, bool create) {
  if (!create && !std::filesystem::exists(file))
    throw StudyDbError(fmt::format("{}: no study database here", file.string()));
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(file.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    const std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw StudyDbError(fmt::format("{}: cannot open the study database ({})", file.string(), why));
  }
  StudyDb study(file, db);
  sqlite3_busy_timeout(db, 10'000);
  study.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
  study.exec(kSchema);
  return study;
}

StudyDb::StudyDb(std::filesystem::path file, sqlite3* db) : file_(std::move(file)), db_(db) {}
StudyDb::StudyDb(StudyDb&& other) noexcept : file_(std::move(other.file_)), db_(other.db_) {
  other.db_ = nullptr;
}
StudyDb::~StudyDb() { sqlite3_close(db_); }

void StudyDb::exec(const std::string& sql) const {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string why = message ? message : "unknown error";
    sqlite3_free(message);
    throw StudyDbError(fmt::format("{}: not a scidl study database ({})", file_.string(), why));
  }
}

std::optional<std::string> StudyDb::get(const std::string& key) const {
  Statement s(db_, file_, "SELECT value FROM study WHERE key = ?");
  s.bind(1, key);
  if (s.step() != SQLITE_ROW) return std::nullopt;
  return s.text(0);
}

void StudyDb::put(const std::string& key, const std::string& value) {
  Statement s(db_, file_, "INSERT OR REPLACE INTO study(key, value) VALUES(?, ?)");
  s.bind(1, key).bind(2, value).step();
}

void StudyDb::add_trial(int64_t id, const nlohmann::json& params) {
  Statement s(db_, file_, "INSERT INTO trials(id, params, state) VALUES(?, ?, 'pending')");
  s.bind(1, id).bind(2, params.dump());
  if (s.step() == SQLITE_CONSTRAINT)
    throw StudyDbError(fmt::format("{}: trial {} is already recorded", file_.string(), id));
}

void StudyDb::set_running(int64_t id) {
  Statement s(db_, file_, "UPDATE trials SET state = 'running' WHERE id = ?");
  s.bind(1, id).step();
}

void StudyDb::finish_trial(int64_t id, TrialState state, const std::string& stopped_by,
                           const std::string& error, double seconds) {
  exec("BEGIN IMMEDIATE");
  try {
    Statement s(db_, file_,
                "UPDATE trials SET state = ?, stopped_by = ?, error = ?, seconds = ? WHERE id = ?");
    s.bind(1, std::string(state_name(state))).bind(2, stopped_by).bind(3, error);
    s.bind(4, seconds).bind(5, id).step();
    Statement e(db_, file_, "INSERT INTO events(trial, kind) VALUES(?, 'end')");
    e.bind(1, id).step();
    exec("COMMIT");
  } catch (...) {
    exec("ROLLBACK");
    throw;
  }
}

bool StudyDb::add_result(int64_t trial, int epoch, const nlohmann::json& metrics, double seconds) {
  exec("BEGIN IMMEDIATE");
  try {
    Statement e(db_, file_,
                "INSERT INTO events(trial, kind, epoch, metrics) VALUES(?, 'result', ?, ?)");
    e.bind(1, trial).bind(2, static_cast<int64_t>(epoch)).bind(3, metrics.dump());
    if (e.step() == SQLITE_CONSTRAINT) {
      exec("ROLLBACK");
      return false;
    }
    Statement s(db_, file_, "UPDATE trials SET epochs = ?, seconds = ? WHERE id = ?");
    s.bind(1, static_cast<int64_t>(epoch)).bind(2, seconds).bind(3, trial).step();
    exec("COMMIT");
    return true;
  } catch (...) {
    exec("ROLLBACK");
    throw;
  }
}

std::vector<TrialRow> StudyDb::trials() const {
  Statement s(
      db_, file_,
      "SELECT id, params, state, stopped_by, error, epochs, seconds FROM trials ORDER BY id");
  std::vector<TrialRow> rows;
  while (s.step() == SQLITE_ROW) {
    TrialRow r;
    r.id = s.integer(0);
    r.params = s.json(1);
    r.state = parse_state(s.text(2), file_);
    r.stopped_by = s.text(3);
    r.error = s.text(4);
    r.epochs = static_cast<int>(s.integer(5));
    r.seconds = s.number(6);
    if (r.id < 0 || r.epochs < 0 || !std::isfinite(r.seconds))
      throw StudyDbError(fmt::format("{}: a damaged record (trial {})", file_.string(), r.id));
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<StudyEvent> StudyDb::events() const {
  Statement s(db_, file_, "SELECT seq, trial, kind, epoch, metrics FROM events ORDER BY seq");
  std::vector<StudyEvent> events;
  while (s.step() == SQLITE_ROW) {
    StudyEvent e;
    e.seq = s.integer(0);
    e.trial = s.integer(1);
    const std::string kind = s.text(2);
    if (kind != "result" && kind != "end")
      throw StudyDbError(
          fmt::format("{}: a damaged record (event kind '{}')", file_.string(), kind));
    e.is_result = kind == "result";
    const int64_t epoch = s.integer(3);
    if (epoch < 0 || epoch > 1'000'000'000)
      throw StudyDbError(fmt::format("{}: a damaged record (epoch {})", file_.string(), epoch));
    e.epoch = static_cast<int>(epoch);
    e.metrics = s.json(4);
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace scidl::tune
