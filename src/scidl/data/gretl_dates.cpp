#include "scidl/data/gretl_dates.h"

#include <fmt/format.h>

#include <chrono>
#include <optional>

#include "scidl/data/csv.h"

namespace scidl::data::gretl {
namespace {

namespace chrono = std::chrono;

// Reads `count` digits (or, when `up_to` is larger, as many up to it) from the front of `text`.
std::optional<int> take_digits(std::string_view& text, std::size_t count, std::size_t up_to) {
  std::size_t taken = 0;
  int value = 0;
  while (taken < up_to && taken < text.size() && text[taken] >= '0' && text[taken] <= '9') {
    value = value * 10 + (text[taken] - '0');
    ++taken;
  }
  if (taken < count) return std::nullopt;
  text.remove_prefix(taken);
  return value;
}

bool take_separator(std::string_view& text, std::string_view separators) {
  if (text.empty() || separators.find(text.front()) == std::string_view::npos) return false;
  text.remove_prefix(1);
  return true;
}

// "YYYY<sep>N": a year and a subperiod (quarter or month), or nullopt when `text` has another
// shape.
struct YearAndPeriod {
  int year = 0;
  int period = 0;
};
std::optional<YearAndPeriod> parse_year_and_period(std::string_view text) {
  auto year = take_digits(text, 4, 4);
  if (!year || !take_separator(text, ":.")) return std::nullopt;
  auto period = take_digits(text, 1, 2);
  if (!period || !text.empty()) return std::nullopt;
  return YearAndPeriod{*year, *period};
}

// "YYYY-MM-DD" or "YYYY/MM/DD" as days; nullopt when `text` has another shape; throws when it has
// the shape but names no day of the calendar.
std::optional<chrono::sys_days> parse_date(std::string_view text) {
  std::string_view rest = text;
  auto year = take_digits(rest, 4, 4);
  if (!year || !take_separator(rest, "-/")) return std::nullopt;
  auto month = take_digits(rest, 1, 2);
  if (!month || !take_separator(rest, "-/")) return std::nullopt;
  auto day = take_digits(rest, 1, 2);
  if (!day || !rest.empty()) return std::nullopt;
  chrono::year_month_day date{chrono::year{*year}, chrono::month{static_cast<unsigned>(*month)},
                              chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) throw CsvError(fmt::format("'{}' is not a day of the calendar", text));
  return chrono::sys_days{date};
}

// Days a week of gretl's daily frequencies: 5 skips Saturday and Sunday, 6 skips Sunday.
bool in_week(chrono::sys_days day, std::int64_t frequency) {
  const unsigned weekday = chrono::weekday{day}.c_encoding();  // 0 = Sunday
  if (frequency == 5) return weekday != 0 && weekday != 6;
  if (frequency == 6) return weekday != 0;
  return true;
}

std::vector<chrono::sys_days> calendar_days(std::int64_t frequency, chrono::sys_days start,
                                            std::int64_t observations, std::string_view text) {
  if (!in_week(start, frequency)) {
    throw CsvError("the first observation, " + std::string(text) + ", falls on a day that a " +
                   std::to_string(frequency) + "-day week leaves out");
  }
  std::vector<chrono::sys_days> days;
  days.reserve(static_cast<std::size_t>(observations));
  chrono::sys_days day = start;
  for (std::int64_t t = 0; t < observations; ++t) {
    days.push_back(day);
    day += chrono::days{frequency == 52 ? 7 : 1};
    while (!in_week(day, frequency)) day += chrono::days{1};
  }
  return days;
}

// The labels as days when every one of them is a date, else nothing.
std::optional<std::vector<chrono::sys_days>> days_from_labels(
    const std::vector<std::string>& labels) {
  if (labels.empty()) return std::nullopt;
  std::vector<chrono::sys_days> days;
  days.reserve(labels.size());
  for (const std::string& label : labels) {
    std::optional<chrono::sys_days> day;
    try {
      day = parse_date(label);
    } catch (const CsvError&) {
      return std::nullopt;  // not a date: a label like any other
    }
    if (!day) return std::nullopt;
    days.push_back(*day);
  }
  return days;
}

std::vector<DatePart> parts_of_days(const std::vector<chrono::sys_days>& days, bool weekday) {
  std::vector<DatePart> parts{{"year", {}}, {"month", {}}, {"day", {}}};
  if (weekday) parts.push_back({"weekday", {}});
  for (DatePart& part : parts) part.values.reserve(days.size());
  for (chrono::sys_days day : days) {
    chrono::year_month_day date{day};
    parts[0].values.push_back(static_cast<int>(date.year()));
    parts[1].values.push_back(static_cast<unsigned>(date.month()));
    parts[2].values.push_back(static_cast<unsigned>(date.day()));
    if (weekday) parts[3].values.push_back(chrono::weekday{day}.c_encoding());
  }
  return parts;
}

// Annual, quarterly and monthly series: the year, and the quarter or month, counted on.
std::vector<DatePart> periodic_parts(std::int64_t frequency, std::string_view start,
                                     std::int64_t observations) {
  YearAndPeriod first;
  if (frequency == 1) {
    std::string_view rest = start;
    auto year = take_digits(rest, 4, 4);
    if (!year || !rest.empty()) return {};
    first.year = *year;
    first.period = 1;
  } else {
    auto parsed = parse_year_and_period(start);
    if (!parsed) return {};
    first = *parsed;
    if (first.period < 1 || first.period > frequency) {
      throw CsvError(
          fmt::format("'{}' has no period {} in a year of {}", start, first.period, frequency));
    }
  }
  std::vector<DatePart> parts{{"year", {}}};
  if (frequency != 1) parts.push_back({frequency == 4 ? "quarter" : "month", {}});
  for (DatePart& part : parts) part.values.reserve(static_cast<std::size_t>(observations));
  for (std::int64_t t = 0; t < observations; ++t) {
    const std::int64_t period = first.period - 1 + t;
    parts[0].values.push_back(static_cast<double>(first.year + period / frequency));
    if (frequency != 1) parts[1].values.push_back(static_cast<double>(period % frequency + 1));
  }
  return parts;
}

}  // namespace

std::vector<DatePart> date_parts(std::int64_t frequency, std::string_view start,
                                 std::int64_t observations,
                                 const std::vector<std::string>& labels) {
  if (frequency == 1 || frequency == 4 || frequency == 12) {
    return periodic_parts(frequency, start, observations);
  }
  if (frequency != 5 && frequency != 6 && frequency != 7 && frequency != 52) return {};
  const bool daily = frequency != 52;
  if (auto days = days_from_labels(labels)) return parts_of_days(*days, daily);
  std::optional<chrono::sys_days> first = parse_date(start);
  if (!first) return {};
  return parts_of_days(calendar_days(frequency, *first, observations, start), daily);
}

}  // namespace scidl::data::gretl
