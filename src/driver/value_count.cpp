#include "driver/value_count.hpp"

#include <string>

#include "asyncsql/error.hpp"

namespace asyncsql::driver {

void check_value_count(std::string_view prefix, std::size_t expected, std::size_t given, std::string_view sql) {
    if (given == expected) return;
    throw ProgrammingError(ErrorInfo{.message = std::string(prefix) + "the statement has " + std::to_string(expected) +
                                                " parameter(s) but " + std::to_string(given) + " value(s) were given",
                                     .kind = ErrorKind::invalid_argument,
                                     .statement = std::string(sql)});
}

}  // namespace asyncsql::driver
