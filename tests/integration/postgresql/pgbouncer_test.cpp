// PostgreSQL behind a real PgBouncer in transaction mode (ctest fixture
// pgbouncer, tests/support/pgbouncer.sh: pool_mode=transaction,
// default_pool_size=5, no server_reset_query).
//
// A transaction-mode pooler hands each client transaction (and each Sync
// outside one) to whichever server connection is free, so anything a client
// leaves on a server connection — a named prepared statement above all — is
// seen by other clients or missing for the same client next time.
// pooler_mode=transaction makes the driver use unnamed statements only, each
// parsed, bound and executed in one Sync group, so nothing outlives it.

#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "suite/suite.hpp"
#include "support/sleep.hpp"

#ifndef ASYNCSQL_TEST_PG_URL_FILE
#error "ASYNCSQL_TEST_PG_URL_FILE must name the file holding the test server's URL"
#endif
#ifndef ASYNCSQL_TEST_PGBOUNCER_URL_FILE
#error "ASYNCSQL_TEST_PGBOUNCER_URL_FILE must name the file holding the test PgBouncer's URL"
#endif

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr int kTasks = 20;
constexpr int kStatementsPerTask = 10;  // 200 statements with parameters in all
constexpr int kPoolSize = 10;           // engine connections shared by the tasks
constexpr std::size_t kPgBouncerPoolSize = 5;  // default_pool_size in pgbouncer.sh

std::string read_url(const char* file, const char* what) {
    std::ifstream in(file);
    std::string url;
    if (!in || !std::getline(in, url) || url.empty()) {
        throw std::runtime_error(std::string("no ") + what + ": cannot read " + file +
                                 " (ctest starts it through the fixtures postgresql_server and pgbouncer; "
                                 "by hand: tests/support/postgresql-server.sh start DIR, then "
                                 "tests/support/pgbouncer.sh start DIR2 DIR/url)");
    }
    return url;
}

// The URL with its database (the path after host:port) replaced; the test
// URLs are postgresql://user:password@127.0.0.1:PORT/DATABASE.
std::string with_database(const std::string& url, const std::string& database) {
    const auto scheme = url.find("://");
    const auto path = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
    if (path == std::string::npos) throw std::runtime_error("unexpected test URL: " + url);
    const auto query = url.find('?', path);
    return url.substr(0, path + 1) + database + (query == std::string::npos ? "" : url.substr(query));
}

// A new, empty database, created on the server directly; PgBouncer forwards
// any database name (`* = ...`). Returns its name.
std::string create_database() {
    static int counter = 0;
    const std::string name = "asyncsql_pgb" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    const std::string admin = read_url(ASYNCSQL_TEST_PG_URL_FILE, "PostgreSQL test server");
    const Options options{{"isolation_level", "AUTOCOMMIT"}, {"pool_size", "1"}};
    run_with_engine(create_engine(admin, options), [&](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        const std::string drop = "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)";
        co_await c.execute(drop);
        const std::string create = "CREATE DATABASE " + name;
        co_await c.execute(create);
    });
    return name;
}

std::string server_url(const std::string& database) {
    return with_database(read_url(ASYNCSQL_TEST_PG_URL_FILE, "PostgreSQL test server"), database);
}
std::string bouncer_url(const std::string& database) {
    return with_database(read_url(ASYNCSQL_TEST_PGBOUNCER_URL_FILE, "PgBouncer"), database);
}

// The exception's class, most derived first.
std::string class_of(const std::exception& e) {
    if (dynamic_cast<const DataError*>(&e)) return "DataError";
    if (dynamic_cast<const ProgrammingError*>(&e)) return "ProgrammingError";
    if (dynamic_cast<const IntegrityError*>(&e)) return "IntegrityError";
    if (dynamic_cast<const OperationalError*>(&e)) return "OperationalError";
    if (dynamic_cast<const InternalError*>(&e)) return "InternalError";
    if (dynamic_cast<const NotSupportedError*>(&e)) return "NotSupportedError";
    if (dynamic_cast<const DatabaseError*>(&e)) return "DatabaseError";
    if (dynamic_cast<const NoResultFound*>(&e)) return "NoResultFound";
    if (dynamic_cast<const InterfaceError*>(&e)) return "InterfaceError";
    if (dynamic_cast<const TimeoutError*>(&e)) return "TimeoutError";
    if (dynamic_cast<const Error*>(&e)) return "Error";
    return "std::exception";
}

// Class, SQLSTATE and the first line of the message, quoted names (statement
// names vary with the connection) elided, so equal failures count together.
std::string error_key(const std::exception& e, const std::string& sqlstate) {
    const std::string what = e.what();
    std::string text = what.substr(0, what.find('\n'));
    for (std::size_t quote = text.find('"'); quote != std::string::npos; quote = text.find('"', quote + 5)) {
        const auto close = text.find('"', quote + 1);
        if (close == std::string::npos) break;
        text.replace(quote, close - quote + 1, "\"...\"");
    }
    return class_of(e) + (sqlstate.empty() ? "" : " " + sqlstate) + ": " + text;
}

// What a workload saw: every operation ends correct, wrong (an answer that is
// not what its statement asks for), or failed with an exception.
struct Tally {
    int statements_ok = 0;
    int transactions_ok = 0;
    std::vector<std::string> wrong;
    // The table read directly on the server afterwards: rows that differ from
    // what the committed transactions inserted.
    std::vector<std::string> stored_wrong;
    std::map<std::string, int> errors;  // error_key() -> count
    int failures = 0;
    int missing_statement = 0;    // SQLSTATE 26000: prepared statement "..." does not exist
    int duplicate_statement = 0;  // SQLSTATE 42P05: prepared statement "..." already exists
    std::set<std::pair<int, int>> committed;  // (task, n) of transactions that committed
    std::set<std::int64_t> server_pids;       // pg_backend_pid() seen inside transactions

    void record_failure(std::exception_ptr failure) {
        ++failures;
        try {
            std::rethrow_exception(failure);
        } catch (const Error& e) {
            if (e.sqlstate() == "26000") ++missing_statement;
            if (e.sqlstate() == "42P05") ++duplicate_statement;
            ++errors[error_key(e, e.sqlstate())];
        } catch (const std::exception& e) {
            ++errors[error_key(e, "")];
        } catch (...) {
            ++errors["unknown exception"];
        }
    }

    std::string summary() const {
        std::ostringstream out;
        out << statements_ok << " statements and " << transactions_ok << " transactions correct, " << wrong.size()
            << " wrong answers, " << failures << " failures (" << missing_statement << " x 26000, "
            << duplicate_statement << " x 42P05); server backends seen in transactions: " << server_pids.size();
        for (const auto& [text, count] : errors) out << "\n  " << count << " x " << text;
        for (const auto& text : wrong) out << "\n  wrong: " << text;
        for (const auto& text : stored_wrong) out << "\n  stored: " << text;
        return out.str();
    }
};

// Two statement texts of different shapes, used by every task in turn, so a
// name prepared by one client connection on a server connection means a
// different statement for another client connection.
const std::string kArithmetic = "SELECT :a::int * 1000 + :b::int";
const std::string kLabel = "SELECT CAST(:prefix AS text) || '/' || CAST(:n AS text)";
const std::string kInsert = "INSERT INTO items (task, n, label) VALUES (:task, :n, :label)";
const std::string kSelect = "SELECT label FROM items WHERE task = :task AND n = :n";
const std::string kBackendPid = "SELECT pg_backend_pid()";

std::string label_of(int task, int n) { return "t" + std::to_string(task) + "/" + std::to_string(n); }

// One task: kStatementsPerTask statements with parameters, each on a freshly
// checked-out connection, and a transaction (INSERT, then SELECT of what it
// inserted) after every third one.
asio::awaitable<void> run_task(Engine& engine, int task, Tally& tally) {
    for (int i = 0; i < kStatementsPerTask; ++i) {
        try {
            auto c = co_await engine.connect();
            if (i % 2 == 0) {
                const Params params{{"a", task}, {"b", i}};
                const int got = co_await c.scalar<int>(kArithmetic, params);
                if (got == task * 1000 + i) ++tally.statements_ok;
                else tally.wrong.push_back(kArithmetic + " for task " + std::to_string(task) + " i " +
                                           std::to_string(i) + " gave " + std::to_string(got));
            } else {
                const Params params{{"prefix", "t" + std::to_string(task)}, {"n", i}};
                const std::string got = co_await c.scalar<std::string>(kLabel, params);
                if (got == label_of(task, i)) ++tally.statements_ok;
                else tally.wrong.push_back(kLabel + " for " + label_of(task, i) + " gave '" + got + "'");
            }
        } catch (...) {
            tally.record_failure(std::current_exception());
        }
        if (i % 3 != 0) continue;
        const std::string label = label_of(task, i);
        std::int64_t pid = 0;
        std::string seen;
        try {
            seen = co_await engine.transaction([&](Connection& c) -> asio::awaitable<std::string> {
                const Params insert{{"task", task}, {"n", i}, {"label", label}};
                co_await c.execute(kInsert, insert);
                pid = co_await c.scalar<std::int64_t>(kBackendPid);
                const Params select{{"task", task}, {"n", i}};
                co_return co_await c.scalar<std::string>(kSelect, select);
            });
        } catch (...) {
            tally.record_failure(std::current_exception());
            continue;
        }
        tally.committed.insert({task, i});
        tally.server_pids.insert(pid);
        if (seen == label) ++tally.transactions_ok;
        else tally.wrong.push_back("transaction " + label + " read back '" + seen + "'");
    }
}

// Runs the workload of kTasks concurrent tasks through PgBouncer on a new
// database, with the engine options given, then checks the table directly
// on the server: exactly the committed transactions' rows, with their labels.
Tally run_workload(const Options& extra_options, PoolStatus* status_out = nullptr) {
    const std::string database = create_database();
    run_with_engine(create_engine(server_url(database)), [](Engine& engine) -> asio::awaitable<void> {
        co_await engine.transaction([](Connection& c) -> asio::awaitable<void> {
            co_await c.execute("CREATE TABLE items (task INTEGER, n INTEGER, label TEXT, PRIMARY KEY (task, n))");
        });
    });

    Options options{{"pool_size", std::to_string(kPoolSize)}, {"max_overflow", "0"}, {"pool_timeout", "60"}};
    options.insert(options.end(), extra_options.begin(), extra_options.end());
    Tally tally;
    run_with_engine(create_engine(bouncer_url(database), options), [&](Engine& engine) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        int finished = 0;
        for (int task = 0; task < kTasks; ++task) {
            asio::co_spawn(ex, run_task(engine, task, tally), [&](std::exception_ptr e) {
                if (e) tally.record_failure(e);
                ++finished;
            });
        }
        while (finished < kTasks) co_await sleep_for(5ms);
        if (status_out) *status_out = engine.pool_status();
    });

    run_with_engine(create_engine(server_url(database)), [&](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        Result rows = co_await c.execute("SELECT task, n, label FROM items ORDER BY task, n");
        std::set<std::pair<int, int>> stored;
        for (const Row row : rows) {
            const int task = row.get<int>("task");
            const int n = row.get<int>("n");
            stored.insert({task, n});
            const std::string label = row.get<std::string>("label");
            if (label != label_of(task, n))
                tally.stored_wrong.push_back("row (" + std::to_string(task) + ", " + std::to_string(n) +
                                             ") has label '" + label + "'");
        }
        for (const auto& key : stored)
            if (!tally.committed.contains(key))
                tally.stored_wrong.push_back("row " + label_of(key.first, key.second) +
                                             " is stored but its transaction failed");
        for (const auto& key : tally.committed)
            if (!stored.contains(key))
                tally.stored_wrong.push_back("transaction " + label_of(key.first, key.second) +
                                             " committed but its row is missing");
    });
    return tally;
}

constexpr int kTransactionsPerTask = (kStatementsPerTask + 2) / 3;  // i = 0, 3, 6, 9

// (a) pooler_mode=transaction through PgBouncer: every statement and every
// transaction of the concurrent workload is correct and nothing fails (no
// missing or duplicate prepared statement above all), although the engine's
// client connections outnumber the server connections they share.
TEST(PgBouncerTransactionMode, PoolerModeTransactionRunsAConcurrentWorkloadCorrectly) {
    PoolStatus status;
    const Tally tally = run_workload({{"pooler_mode", "transaction"}}, &status);
    std::cout << "pooler_mode=transaction through PgBouncer: " << tally.summary() << "\n";
    EXPECT_EQ(tally.statements_ok, kTasks * kStatementsPerTask) << tally.summary();
    EXPECT_EQ(tally.transactions_ok, kTasks * kTransactionsPerTask) << tally.summary();
    EXPECT_EQ(tally.committed.size(), static_cast<std::size_t>(kTasks * kTransactionsPerTask));
    EXPECT_TRUE(tally.wrong.empty()) << tally.summary();
    EXPECT_TRUE(tally.stored_wrong.empty()) << tally.summary();
    EXPECT_EQ(tally.failures, 0) << tally.summary();
    // Really multiplexed: more client connections than server backends.
    EXPECT_LE(tally.server_pids.size(), kPgBouncerPoolSize) << tally.summary();
    EXPECT_GT(status.connects, tally.server_pids.size()) << status.to_string();
}

// pg_prepared_statements is per server session, so it is read through
// PgBouncer from kPoolSize client connections that hold a transaction open at
// the same time (every server connection of the database's pool is visited).
// Twice: the second round, after every client connection has run the same
// statement text on whichever server connection PgBouncer gave it, still
// finds none on any server connection, and never fails with a missing or
// duplicate prepared statement.
TEST(PgBouncerTransactionMode, NothingStaysPreparedOnTheServerConnections) {
    const std::string database = create_database();
    const Options options{{"pooler_mode", "transaction"},
                          {"pool_size", std::to_string(kPoolSize)},
                          {"max_overflow", "0"},
                          {"pool_timeout", "60"}};
    std::set<std::int64_t> pids;
    std::vector<std::int64_t> prepared_counts;
    Tally tally;
    run_with_engine(create_engine(bouncer_url(database), options), [&](Engine& engine) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        int finished = 0;
        for (int round = 0; round < 2; ++round) {
            finished = 0;
            for (int task = 0; task < kPoolSize; ++task) {
                asio::co_spawn(
                    ex,
                    [&, task]() -> asio::awaitable<void> {
                        auto c = co_await engine.connect();
                        // The same texts from every client connection, twice each.
                        for (int i = 0; i < 2; ++i) {
                            const Params params{{"a", task}, {"b", i}};
                            const int got = co_await c.scalar<int>(kArithmetic, params);
                            if (got == task * 1000 + i) ++tally.statements_ok;
                            else tally.wrong.push_back(kArithmetic + " gave " + std::to_string(got));
                            co_await c.commit();
                        }
                        // Held in a transaction while the others look too.
                        const std::int64_t pid = co_await c.scalar<std::int64_t>(kBackendPid);
                        const std::int64_t prepared =
                            co_await c.scalar<std::int64_t>("SELECT COUNT(*) FROM pg_prepared_statements");
                        pids.insert(pid);
                        prepared_counts.push_back(prepared);
                        co_await sleep_for(100ms);
                        co_await c.rollback();
                    },
                    [&](std::exception_ptr e) {
                        if (e) tally.record_failure(e);
                        ++finished;
                    });
            }
            while (finished < kPoolSize) co_await sleep_for(5ms);
        }
    });
    EXPECT_TRUE(tally.wrong.empty()) << tally.summary();
    EXPECT_EQ(tally.failures, 0) << tally.summary();
    EXPECT_EQ(tally.statements_ok, 2 * kPoolSize * 2);
    EXPECT_EQ(prepared_counts.size(), static_cast<std::size_t>(2 * kPoolSize));
    for (const auto count : prepared_counts) EXPECT_EQ(count, 0);
    // Five transactions held open at once take every server connection.
    EXPECT_EQ(pids.size(), kPgBouncerPoolSize);
}

// (b) The failure mode the option prevents: the same workload with the
// default named-statement cache. PgBouncer runs each transaction (and each
// Sync outside one) on whichever server connection is free, so a statement
// prepared on one server connection is missing on the next (26000; the
// driver re-prepares only outside a transaction, and every statement here
// runs in one). Statement names are unique to each client connection, so a
// name can never meet another client's statement (42P05, or worse, that
// statement running with our parameters). Asserted:
//   - more client connections than PgBouncer has server connections, and the
//     failure mode shows (26000);
//   - every operation ends correct or with a clear error, never a wrong
//     answer, and the rows stored are exactly those of the committed
//     transactions.
TEST(PgBouncerTransactionMode, NamedStatementCacheBreaksBehindATransactionPooler) {
    PoolStatus status;
    const Tally tally = run_workload({}, &status);
    std::cout << "default statement cache through PgBouncer: " << tally.summary() << "\n";
    RecordProperty("named_cache_statements_ok", tally.statements_ok);
    RecordProperty("named_cache_transactions_ok", tally.transactions_ok);
    RecordProperty("named_cache_failures", tally.failures);
    RecordProperty("named_cache_26000", tally.missing_statement);
    RecordProperty("named_cache_42P05", tally.duplicate_statement);
    RecordProperty("named_cache_wrong_answers", static_cast<int>(tally.wrong.size()));
    ASSERT_GT(status.connects, kPgBouncerPoolSize) << "too few client connections to collide\n"
                                                   << status.to_string();
    EXPECT_GT(tally.missing_statement + tally.duplicate_statement, 0) << tally.summary();
    EXPECT_EQ(tally.statements_ok + tally.transactions_ok + tally.failures + static_cast<int>(tally.wrong.size()),
              kTasks * (kStatementsPerTask + kTransactionsPerTask))
        << "every operation ends correct, wrong or failed\n"
        << tally.summary();
    EXPECT_TRUE(tally.stored_wrong.empty()) << tally.summary();
    // Statement names are unique to each client connection, so a shared
    // server session can never run another client's statement in ours:
    // the failures are clear "does not exist" errors, never wrong rows.
    EXPECT_TRUE(tally.wrong.empty()) << tally.summary();
    EXPECT_EQ(tally.duplicate_statement, 0) << tally.summary();
}

// (c) A transaction keeps its statements on one server connection: the same
// transaction id and backend throughout, and SET LOCAL visible to its later
// statements — while other client transactions compete for the five server
// connections. SET LOCAL ends with the transaction (nothing leaks to the
// next client of that server connection, there being no server_reset_query).
TEST(PgBouncerTransactionMode, ATransactionStaysOnOneServerConnection) {
    const std::string database = create_database();
    const Options options{{"pooler_mode", "transaction"},
                          {"pool_size", "8"},
                          {"max_overflow", "0"},
                          {"pool_timeout", "60"}};
    constexpr int kWorkers = 8, kRounds = 4;
    int consistent = 0, leaked = 0;
    std::vector<std::string> failures;
    run_with_engine(create_engine(bouncer_url(database), options), [&](Engine& engine) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        int finished = 0;
        for (int worker = 0; worker < kWorkers; ++worker) {
            asio::co_spawn(
                ex,
                [&, worker]() -> asio::awaitable<void> {
                    for (int round = 0; round < kRounds; ++round) {
                        const std::string marker = "w" + std::to_string(worker) + "r" + std::to_string(round);
                        co_await engine.transaction([&](Connection& c) -> asio::awaitable<void> {
                            const auto txid1 = co_await c.scalar<std::int64_t>("SELECT txid_current()");
                            const auto pid1 = co_await c.scalar<std::int64_t>("SELECT pg_backend_pid()");
                            const std::string set = "SET LOCAL asyncsql.marker = '" + marker + "'";
                            co_await c.execute(set);
                            co_await sleep_for(20ms);  // others queue for a server meanwhile
                            const auto seen =
                                co_await c.scalar<std::string>("SELECT current_setting('asyncsql.marker')");
                            const auto txid2 = co_await c.scalar<std::int64_t>("SELECT txid_current()");
                            const auto pid2 = co_await c.scalar<std::int64_t>("SELECT pg_backend_pid()");
                            if (txid1 == txid2 && pid1 == pid2 && seen == marker) ++consistent;
                            else
                                failures.push_back(marker + ": txid " + std::to_string(txid1) + "/" +
                                                   std::to_string(txid2) + ", pid " + std::to_string(pid1) + "/" +
                                                   std::to_string(pid2) + ", marker '" + seen + "'");
                        });
                        // A later transaction, on whichever server connection, sees no marker.
                        const std::string after = co_await engine.transaction(
                            [](Connection& c) -> asio::awaitable<std::string> {
                                const auto value = co_await c.scalar<std::optional<std::string>>(
                                    "SELECT current_setting('asyncsql.marker', true)");
                                co_return value.value_or("");
                            });
                        if (!after.empty()) ++leaked;
                    }
                },
                [&, worker](std::exception_ptr e) {
                    if (e) {
                        try {
                            std::rethrow_exception(e);
                        } catch (const std::exception& x) {
                            failures.push_back("worker " + std::to_string(worker) + ": " + x.what());
                        }
                    }
                    ++finished;
                });
        }
        while (finished < kWorkers) co_await sleep_for(5ms);
    });
    std::string all;
    for (const auto& f : failures) all += "\n  " + f;
    EXPECT_TRUE(failures.empty()) << all;
    EXPECT_EQ(consistent, kWorkers * kRounds);
    EXPECT_EQ(leaked, 0);
}

}  // namespace
}  // namespace asyncsql::test
