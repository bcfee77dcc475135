#include "driver/statement_text.hpp"

#include <string>

#include "asyncsql/error.hpp"

namespace asyncsql::driver {

void reject_nul_bytes(std::string_view sql) {
    const auto nul = sql.find('\0');
    if (nul == std::string_view::npos) return;
    throw ArgumentError("the statement holds a NUL byte at offset " + std::to_string(nul) +
                            ", which SQL text cannot contain; bind text or bytes holding NUL as a parameter",
                        ErrorKind::invalid_argument);
}

}  // namespace asyncsql::driver
