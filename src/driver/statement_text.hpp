#pragma once
// Statement text that a client library would cut short: libpq takes SQL as a
// C string and SQLite's parser stops at the first NUL, so the part after a
// NUL byte would be dropped without a word.

#include <string_view>

namespace asyncsql::driver {

// Throws ArgumentError (kind invalid_argument) naming the offset of the first
// NUL byte in `sql`, before anything is sent.
void reject_nul_bytes(std::string_view sql);

}  // namespace asyncsql::driver
