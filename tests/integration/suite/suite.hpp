#pragma once
// The engine suite: the same tests for every backend. Each backend's test
// executable links these files with its own backend_under_test().

#include <gtest/gtest.h>

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "asyncsql/asyncsql.hpp"
#include "support/run_async.hpp"

// ASSERT_* returns from the function, which a coroutine cannot do; these
// report the failure and co_return instead.
#define CO_ASSERT_TRUE(cond)                                              \
    do {                                                                  \
        if (!(cond)) {                                                    \
            ADD_FAILURE() << "assertion failed: " #cond;                  \
            co_return;                                                    \
        }                                                                 \
    } while (0)
#define CO_ASSERT_EQ(a, b) CO_ASSERT_TRUE((a) == (b))

namespace asyncsql::test {

struct BackendUnderTest {
    std::string name;  // "sqlite", "postgresql", "mysql"
    // URL of an empty database, new for each call.
    std::function<std::string()> fresh_url;
    // SQL spelling of a column type that differs between backends.
    std::string autoincrement_pk;  // "INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY", ...
    std::string blob_type = "BLOB";      // "BYTEA" on PostgreSQL
    std::string first_placeholder = "?";  // the driver's own spelling, for exec_driver_sql
    bool has_last_insert_id = true;       // PostgreSQL has RETURNING instead
    bool text_allows_nul = true;          // PostgreSQL text cannot hold NUL bytes
    // SQLite stores text bytes as given; the servers check UTF-8.
    bool text_accepts_invalid_utf8 = false;
    // SQLite's type affinity keeps text in an INTEGER column; the servers refuse it.
    bool integer_column_takes_text = false;
    // A text column holding 100 MB (MySQL's TEXT stops at 64 KiB).
    std::string long_text_type = "TEXT";
    // The largest value the server accepts, where a test can send more
    // (MySQL's max_allowed_packet); 0 when there is no such limit.
    std::size_t max_value_bytes = 0;
    // A server with users and passwords (not SQLite's files).
    bool is_server = true;
    // The database part of a URL naming a database that does not exist.
    std::string missing_database = "asyncsql_no_such_database";
    // Column types keeping microseconds (MySQL's TIME and TIMESTAMP drop them
    // unless given a precision).
    std::string time_type = "TIME";
    std::string timestamp_type = "TIMESTAMP";
    // A statement that sleeps ten seconds ("" where there is none), and
    // whether cancelling it raises (MySQL's SLEEP just returns early).
    std::string sleep_10s;
    bool cancel_raises = true;
    // The server process of this connection, and the statement that kills
    // one given its id ("" for SQLite, which has no server).
    std::string connection_id_sql;
    std::string kill_connection_sql;  // %ID% stands for the id
    // Row-level locks, so two transactions can deadlock (not SQLite's
    // database-wide lock).
    bool row_locks = true;
    // String concatenation: `a || b`, or CONCAT(a, b) where || means OR.
    bool concat_function = false;
    // Driver options for the stress tests: commits that do not wait for the
    // disk (SQLite), and execution that hands every statement to another
    // thread, so that it has await points to cancel at (SQLite's default
    // cooperative mode runs short statements without suspending).
    std::vector<std::pair<std::string, std::string>> fast_commit_options{};
    std::vector<std::pair<std::string, std::string>> hand_off_options{};

    std::string concat(std::string_view a, std::string_view b) const {
        return concat_function ? "CONCAT(" + std::string(a) + ", " + std::string(b) + ")"
                               : std::string(a) + " || " + std::string(b);
    }
};

const BackendUnderTest& backend_under_test();

using Options = std::vector<std::pair<std::string, std::string>>;

// Runs body(engine) to completion and disposes the engine, even on failure.
template <class F>
void run_with_engine(Engine engine, F body) {
    run_async([&]() -> boost::asio::awaitable<void> {
        std::exception_ptr failure;
        try {
            co_await body(engine);
        } catch (...) {
            failure = std::current_exception();
        }
        co_await engine.dispose();
        if (failure) std::rethrow_exception(failure);
    });
}

// Collects the library's log lines while it lives.
class CapturedLog {
public:
    CapturedLog() {
        set_log_sink([this](std::string_view line) { text_ += std::string(line) + "\n"; });
    }
    ~CapturedLog() { set_log_sink(nullptr); }
    const std::string& text() const noexcept { return text_; }

private:
    std::string text_;
};

class EngineSuite : public ::testing::Test {
protected:
    Engine make_engine(const Options& options = {}) {
        return create_engine(backend_under_test().fresh_url(), options);
    }

    // Runs body(engine) on a fresh database and disposes the engine afterwards.
    template <class F>
    void with_engine(const Options& options, F body) {
        run_with_engine(make_engine(options), std::move(body));
    }
    template <class F>
    void with_engine(F body) {
        with_engine(Options{}, std::move(body));
    }
};

}  // namespace asyncsql::test
