// ISO 8601 parsing and formatting for Date, Time and Timestamp.
//
// Hand-written on purpose: these run once per row and column when SQLite keeps
// dates as text, so they avoid locales, streams, sscanf and allocations (only
// the returned std::string and the error path allocate).

#include "asyncsql/types/datetime.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "asyncsql/error.hpp"

namespace asyncsql {

namespace {

constexpr std::int64_t us_per_second = 1'000'000;
constexpr std::int64_t us_per_minute = 60 * us_per_second;
constexpr std::int64_t us_per_hour = 60 * us_per_minute;
constexpr std::int64_t us_per_day = 24 * us_per_hour;

constexpr std::string_view expected_date = "expected YYYY-MM-DD";
constexpr std::string_view expected_time = "expected HH:MM[:SS[.ffffff]]";
constexpr std::string_view expected_offset = "expected a zone offset Z, +HH, +HHMM or +HH:MM";

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr bool is_leap(int year) noexcept {
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

constexpr int days_in_month(int year, int month) noexcept {
    constexpr int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

struct Cursor {
    const char* p;
    const char* end;

    explicit Cursor(std::string_view text) noexcept
        : p(text.data()), end(text.data() + text.size()) {}

    bool at_end() const noexcept { return p == end; }
    bool next_is(char c) const noexcept { return p != end && *p == c; }
    bool next_is_digit() const noexcept { return p != end && is_digit(*p); }

    bool eat(char c) noexcept {
        if (!next_is(c)) return false;
        ++p;
        return true;
    }

    // Exactly `n` decimal digits.
    bool digits(int n, int& out) noexcept {
        if (end - p < n) return false;
        int value = 0;
        for (int i = 0; i < n; ++i) {
            if (!is_digit(p[i])) return false;
            value = value * 10 + (p[i] - '0');
        }
        p += n;
        out = value;
        return true;
    }
};

// [-]YYYY-MM-DD, four or more year digits.
std::string_view parse_date_part(Cursor& c, Date& out) noexcept {
    const bool negative = c.eat('-');
    int year = 0;
    int year_digits = 0;
    while (c.next_is_digit()) {
        if (year <= 99'999) year = year * 10 + (*c.p - '0');
        ++year_digits;
        ++c.p;
    }
    if (year_digits < 4) return expected_date;
    if (year > 32'767) return "year out of range";
    if (negative) year = -year;

    int month = 0;
    int day = 0;
    if (!c.eat('-') || !c.digits(2, month) || !c.eat('-') || !c.digits(2, day))
        return expected_date;
    if (month < 1 || month > 12) return "month out of range";
    if (day < 1 || day > days_in_month(year, month)) return "day out of range for the month";

    out = Date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
               std::chrono::day{static_cast<unsigned>(day)}};
    return {};
}

// HH:MM[:SS[.f...]] as microseconds since midnight; 24:00:00 is allowed.
std::string_view parse_time_part(Cursor& c, std::int64_t& out) noexcept {
    int hour = 0;
    int minute = 0;
    int second = 0;
    std::int64_t micros = 0;
    if (!c.digits(2, hour) || !c.eat(':') || !c.digits(2, minute)) return expected_time;
    if (c.eat(':')) {
        if (!c.digits(2, second)) return expected_time;
        if (c.eat('.')) {
            int n = 0;
            for (; c.next_is_digit(); ++c.p, ++n) {
                if (n < 6) micros = micros * 10 + (*c.p - '0');
            }
            if (n == 0) return "expected digits after '.'";
            for (; n < 6; ++n) micros *= 10;
        }
    }
    if (minute > 59) return "minute out of range";
    if (second > 59) return "second out of range";
    if (hour > 24 || (hour == 24 && (minute != 0 || second != 0 || micros != 0)))
        return "hour out of range";
    out = hour * us_per_hour + minute * us_per_minute + second * us_per_second + micros;
    return {};
}

// Z | (+|-)HH[[:]MM[[:]SS]] as microseconds east of UTC.
std::string_view parse_offset(Cursor& c, std::int64_t& out) noexcept {
    if (c.eat('Z') || c.eat('z')) {
        out = 0;
        return {};
    }
    if (!c.next_is('+') && !c.next_is('-')) return "unexpected text after the time";
    const bool negative = *c.p++ == '-';
    int hours = 0;
    int minutes = 0;
    int seconds = 0;
    if (!c.digits(2, hours)) return expected_offset;
    const bool colons = c.next_is(':');
    if (colons ? c.eat(':') : c.next_is_digit()) {
        if (!c.digits(2, minutes)) return expected_offset;
        if (colons ? c.eat(':') : c.next_is_digit()) {
            if (!c.digits(2, seconds)) return expected_offset;
        }
    }
    if (hours > 23 || minutes > 59 || seconds > 59) return "zone offset out of range";
    const std::int64_t offset = hours * us_per_hour + minutes * us_per_minute + seconds * us_per_second;
    out = negative ? -offset : offset;
    return {};
}

// Writes `value` with at least `width` digits, zero-padded.
char* put_uint(char* out, std::uint64_t value, int width) noexcept {
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    for (int i = n; i < width; ++i) *out++ = '0';
    while (n > 0) *out++ = tmp[--n];
    return out;
}

char* put_date(char* out, Date date) noexcept {
    int year = static_cast<int>(date.year());
    if (year < 0) {
        *out++ = '-';
        year = -year;
    }
    out = put_uint(out, static_cast<std::uint64_t>(year), 4);
    *out++ = '-';
    out = put_uint(out, static_cast<unsigned>(date.month()), 2);
    *out++ = '-';
    return put_uint(out, static_cast<unsigned>(date.day()), 2);
}

// HH:MM:SS[.ffffff] for a non-negative count of microseconds.
char* put_time(char* out, std::uint64_t us) noexcept {
    out = put_uint(out, us / us_per_hour, 2);
    *out++ = ':';
    out = put_uint(out, us / us_per_minute % 60, 2);
    *out++ = ':';
    out = put_uint(out, us / us_per_second % 60, 2);
    if (const auto fraction = us % us_per_second; fraction != 0) {
        *out++ = '.';
        out = put_uint(out, fraction, 6);
    }
    return out;
}

[[noreturn]] void throw_parse_error(std::string_view what, std::string_view text,
                                    std::string_view why) {
    constexpr std::size_t max_shown = 64;
    std::string message = "invalid ";
    message += what;
    message += " '";
    if (text.size() > max_shown) {
        message += text.substr(0, max_shown);
        message += "...";
    } else {
        message += text;
    }
    message += "': ";
    message += why;
    throw DataError(std::move(message), ErrorKind::data_exception);
}

}  // namespace

namespace detail {

std::string_view try_parse_date(std::string_view text, Date& out) noexcept {
    Cursor c(text);
    if (auto why = parse_date_part(c, out); !why.empty()) return why;
    if (!c.at_end()) return "unexpected text after the date";
    return {};
}

std::string_view try_parse_time(std::string_view text, Time& out) noexcept {
    Cursor c(text);
    std::int64_t us = 0;
    if (auto why = parse_time_part(c, us); !why.empty()) return why;
    if (!c.at_end()) return "unexpected text after the time";
    out = Time{std::chrono::microseconds{us}};
    return {};
}

std::string_view try_parse_timestamp(std::string_view text, Timestamp& out) noexcept {
    Cursor c(text);
    Date date;
    if (auto why = parse_date_part(c, date); !why.empty()) return why;
    std::int64_t time_of_day = 0;
    std::int64_t offset = 0;
    if (!c.at_end()) {
        if (!c.eat(' ') && !c.eat('T') && !c.eat('t'))
            return "expected ' ' or 'T' between date and time";
        if (auto why = parse_time_part(c, time_of_day); !why.empty()) return why;
        if (!c.at_end()) {
            // One space may stand before the zone: "10:00:00 +02:00".
            if (c.eat(' ') && c.at_end()) return "unexpected text after the time";
            if (auto why = parse_offset(c, offset); !why.empty()) return why;
            if (!c.at_end()) return "unexpected text after the zone offset";
        }
    }
    const std::int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
    out = Timestamp{std::chrono::microseconds{days * us_per_day + time_of_day - offset}};
    return {};
}

}  // namespace detail

Date parse_date(std::string_view text) {
    Date date;
    if (auto why = detail::try_parse_date(text, date); !why.empty())
        throw_parse_error("date", text, why);
    return date;
}

std::string format_date(Date date) {
    char buf[16];
    return std::string(buf, put_date(buf, date));
}

Time parse_time(std::string_view text) {
    Time time;
    if (auto why = detail::try_parse_time(text, time); !why.empty())
        throw_parse_error("time", text, why);
    return time;
}

std::string format_time(Time time) {
    char buf[40];
    char* out = buf;
    const std::int64_t us = time.since_midnight.count();
    std::uint64_t magnitude = static_cast<std::uint64_t>(us);
    if (us < 0) {
        *out++ = '-';
        magnitude = 0 - magnitude;
    }
    return std::string(buf, put_time(out, magnitude));
}

Timestamp parse_timestamp(std::string_view text) {
    Timestamp timestamp;
    if (auto why = detail::try_parse_timestamp(text, timestamp); !why.empty())
        throw_parse_error("timestamp", text, why);
    return timestamp;
}

std::string format_timestamp(Timestamp timestamp) {
    // Split without converting days back to microseconds, which overflows
    // near the ends of the int64 range.
    constexpr std::int64_t per_day = 86'400'000'000;
    const std::int64_t us = timestamp.time_since_epoch().count();
    std::int64_t time_of_day = us % per_day;  // 0 .. one day - 1us after the fix-up
    std::int64_t days = us / per_day;
    if (time_of_day < 0) {
        time_of_day += per_day;
        --days;
    }
    char buf[48];
    char* out = put_date(buf, Date{std::chrono::sys_days{std::chrono::days{days}}});
    *out++ = ' ';
    return std::string(buf, put_time(out, static_cast<std::uint64_t>(time_of_day)));
}

std::string format_interval(const Interval& interval) {
    std::string out;
    auto part = [&](std::int64_t n, const char* one, const char* many) {
        if (n == 0) return;
        out += std::to_string(n) + " " + (n == 1 || n == -1 ? one : many) + " ";
    };
    part(interval.months / 12, "year", "years");
    part(interval.months % 12, "mon", "mons");
    part(interval.days, "day", "days");
    const auto micros = interval.time.count();
    if (micros == 0 && !out.empty()) {
        out.pop_back();
        return out;
    }
    // format_time writes the sign itself, without negating (INT64_MIN safe).
    return out + format_time(Time{interval.time});
}

}  // namespace asyncsql
