// The calendar of a gretl time series as numeric columns (data/gretl_data.h): gretl stores only
// the first observation's date (startobs) and the frequency, and counts on from there. Daily data
// of 5 or 6 days a week skip weekends (Saturday and Sunday) or Sundays, as gretl's calendar does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace scidl::data::gretl {

struct DatePart {
  std::string name;            // year, quarter, month, day, weekday
  std::vector<double> values;  // one per observation
};

// The date parts of `observations` observations at `frequency` from `start`:
//   annual (1, start "1987"):                  year
//   quarterly (4, "1987:2" or "1987.2"):        year, quarter (1-4)
//   monthly (12, "1987:06" or "1987.06"):       year, month (1-12)
//   daily (5, 6, 7; "2011-01-01" or with '/'):  year, month, day, weekday (0 = Sunday ... 6)
//   weekly (52, dated by a day):                year, month, day
// A daily or weekly series whose every label is such a date (trading days, which skip holidays)
// takes its dates from `labels` instead. Any other frequency, and a start that is no date (gretl's
// undated series: "1", "1:01"), has no calendar: the result is empty. A start shaped as a date but
// impossible ("2011-02-30", "1987:5" quarterly, a Saturday in a 5-day week) throws CsvError with
// a message that names the start; the caller adds the file and line.
std::vector<DatePart> date_parts(std::int64_t frequency, std::string_view start,
                                 std::int64_t observations, const std::vector<std::string>& labels);

}  // namespace scidl::data::gretl
