#pragma once
// The one check of how many values a prepared statement was given, so that
// every backend reports a wrong count alike and before anything is sent.

#include <cstddef>
#include <string_view>

namespace asyncsql::driver {

// Throws ProgrammingError (kind invalid_argument) "<prefix>the statement has
// N parameter(s) but M value(s) were given" when `given` differs from
// `expected`; `prefix` names the backend ("mysql: ") or is empty.
void check_value_count(std::string_view prefix, std::size_t expected, std::size_t given, std::string_view sql);

}  // namespace asyncsql::driver
