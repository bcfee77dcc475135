#pragma once
// Which statements may run on a connection other callers share (automatic
// pipelining): those whose effect does not outlive them on the session.

#include <string_view>

namespace asyncsql::detail {

// True for a statement led by SELECT, INSERT, UPDATE, DELETE, MERGE, WITH,
// VALUES or TABLE (after blanks, comments and opening parentheses). SET,
// LISTEN, PREPARE, DECLARE, CREATE TEMP ..., DDL and anything unknown keep
// the connection instead, so that what they leave on the session stays with
// the Connection that ran them.
bool shareable_statement(std::string_view sql) noexcept;

}  // namespace asyncsql::detail
