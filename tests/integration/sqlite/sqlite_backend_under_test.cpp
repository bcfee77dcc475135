#include <atomic>
#include <string>

#include "suite/suite.hpp"
#include "support/temp_dir.hpp"

namespace asyncsql::test {

const BackendUnderTest& backend_under_test() {
    static TempDir dir;
    static std::atomic<int> counter{0};
    static const BackendUnderTest backend{
        .name = "sqlite",
        .fresh_url = [] { return dir.sqlite_url("db" + std::to_string(++counter) + ".sqlite"); },
        .autoincrement_pk = "INTEGER PRIMARY KEY AUTOINCREMENT",
        .text_accepts_invalid_utf8 = true,
        .integer_column_takes_text = true,
        .is_server = false,
        .missing_database = "/nonexistent-dir/asyncsql/missing.sqlite",
        .row_locks = false,
        .fast_commit_options = {{"synchronous", "NORMAL"}},
        .hand_off_options = {{"execution", "thread"}},
    };
    return backend;
}

}  // namespace asyncsql::test
