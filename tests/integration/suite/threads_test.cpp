// Engines on separate threads, each with its own io_context, share nothing
// but the library's process-wide state (the client libraries, caches, the log
// sink): run under ThreadSanitizer (the tsan preset), this finds races in it.

#include <chrono>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "suite/suite.hpp"

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

using ThreadsSuite = EngineSuite;

// Inserts, reads back in a transaction and a stream, and has a statement
// interrupted by its timeout (which starts the backend's cancel machinery:
// a helper thread for PostgreSQL and MySQL, sqlite3_interrupt for SQLite).
asio::awaitable<void> busy_work(Engine& engine, int rows) {
    auto c = co_await engine.connect();
    co_await c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    std::vector<Params> sets;
    for (int i = 0; i < rows; ++i) sets.push_back(Params{{"id", i}, {"v", "row " + std::to_string(i)}});
    co_await c.execute_many("INSERT INTO t (id, v) VALUES (:id, :v)", std::move(sets));
    co_await c.commit();

    const int counted = co_await engine.transaction([](Connection& tx) -> asio::awaitable<int> {
        co_return co_await tx.scalar<int>("SELECT COUNT(*) FROM t");
    });
    EXPECT_EQ(counted, rows);

    int streamed = 0;
    auto stream = co_await c.stream("SELECT id, v FROM t ORDER BY id");
    for (;;) {
        auto batch = co_await stream.partition(50);
        if (!batch) break;
        streamed += static_cast<int>(batch.size());
    }
    EXPECT_EQ(streamed, rows);
    co_await c.rollback();

    const std::string& sleep = backend_under_test().sleep_10s;
    if (!sleep.empty()) {
        const auto started = std::chrono::steady_clock::now();
        try {
            co_await c.execute(sleep);
        } catch (const TimeoutError&) {
        }
        EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
        co_await c.rollback();
    }
    const int answer = co_await c.scalar<int>("SELECT 42");
    EXPECT_EQ(answer, 42);
}

TEST_F(ThreadsSuite, EnginesOnSeparateThreadsWorkAtTheSameTime) {
    constexpr int threads = 3, rows = 300;
    std::vector<std::string> urls;
    for (int i = 0; i < threads; ++i) urls.push_back(backend_under_test().fresh_url());
    std::vector<std::exception_ptr> failures(threads);
    std::vector<std::thread> workers;
    for (int i = 0; i < threads; ++i) {
        workers.emplace_back([&, i] {
            try {
                run_with_engine(create_engine(urls[i], {{"statement_timeout", "1"}}),
                                [](Engine& engine) { return busy_work(engine, rows); });
            } catch (...) {
                failures[i] = std::current_exception();
            }
        });
    }
    for (auto& worker : workers) worker.join();
    for (const auto& failure : failures) {
        if (!failure) continue;
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            ADD_FAILURE() << e.what();
        }
    }
}

}  // namespace
}  // namespace asyncsql::test
