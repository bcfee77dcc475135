#pragma once
// ISO 8601 text for Date, Time and Timestamp: what backends without native
// date types (SQLite) store, and what the text conversions of codec<T> use.
//
// Every function is locale-independent. The parsers throw DataError naming
// the text; the formatters never throw. Timestamps are UTC with microsecond
// resolution: a parsed offset is applied, and formatting writes no zone.

#include <string>
#include <string_view>

#include "asyncsql/types/value.hpp"

namespace asyncsql {

// "YYYY-MM-DD", validated (month 1-12, day within the month, leap years).
// Years outside 0000-9999 are written with more digits and/or a leading '-'.
Date parse_date(std::string_view text);
std::string format_date(Date date);

// "HH:MM[:SS[.ffffff]]". Digits past the sixth fraction digit are truncated.
// "24:00:00" (end of day) is accepted, as PostgreSQL does.
Time parse_time(std::string_view text);
// "HH:MM:SS", plus ".ffffff" only when the microseconds are non-zero.
std::string format_time(Time time);

// "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.ffffff]]" or the same with 'T' between
// date and time, optionally followed by "Z" or an offset "+HH:MM", "-HH:MM",
// "+HHMM" or "+HH" (seconds "+HH:MM:SS" too), which is applied so that the
// result is UTC. A bare date means midnight.
Timestamp parse_timestamp(std::string_view text);
// "YYYY-MM-DD HH:MM:SS", plus ".ffffff" only when the microseconds are non-zero.
std::string format_timestamp(Timestamp timestamp);

namespace detail {

// Non-throwing forms for per-row paths. They return an empty view on success;
// otherwise a short reason (static storage, e.g. "day out of range for the
// month") and `out` is left unspecified.
std::string_view try_parse_date(std::string_view text, Date& out) noexcept;
std::string_view try_parse_time(std::string_view text, Time& out) noexcept;
std::string_view try_parse_timestamp(std::string_view text, Timestamp& out) noexcept;

}  // namespace detail

// "1 year 2 mons 3 days 04:05:06.500000" (PostgreSQL's words, format_time's clock), "00:00:00" when zero.
std::string format_interval(const Interval& interval);

}  // namespace asyncsql
