// StreamResult: batches, bounded memory, and the connection it occupies.

#include "suite/suite.hpp"

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;

// A table of `n` rows (id, label), filled from a recursive CTE.
asio::awaitable<void> fill_series(Connection& c, int n) {
    co_await c.execute("CREATE TABLE series (id BIGINT PRIMARY KEY, label VARCHAR(32))");
    const std::string fill = "INSERT INTO series (id, label) "
                             "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < :n) "
                             "SELECT i, " + backend_under_test().concat("'row-'", "i") + " FROM s";
    co_await c.execute(fill, {{"n", n}});
    co_await c.commit();
}

using StreamSuite = EngineSuite;

TEST_F(StreamSuite, PartitionsCoverEveryRowOnce) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await fill_series(c, 2500);
        auto stream = co_await c.stream("SELECT id, label FROM series ORDER BY id");
        EXPECT_EQ(stream.keys(), (std::vector<std::string>{"id", "label"}));
        std::vector<std::size_t> sizes;
        std::int64_t sum = 0, expected_next = 1;
        while (auto part = co_await stream.partition(1000)) {
            sizes.push_back(part.size());
            for (const Row& row : part) {
                EXPECT_EQ(row.get<std::int64_t>("id"), expected_next++);
                sum += row.get<std::int64_t>(0);
            }
        }
        EXPECT_EQ(sizes, (std::vector<std::size_t>{1000, 1000, 500}));
        EXPECT_EQ(sum, 2500LL * 2501 / 2);
        EXPECT_TRUE(stream.finished());
    });
}

TEST_F(StreamSuite, NextReadsRowByRowWithParameters) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await fill_series(c, 10);
        c.set_execution_options(ExecutionOptions{.stream_batch_rows = 3});
        auto stream = co_await c.stream("SELECT label FROM series WHERE id > :min ORDER BY id", {{"min", 7}});
        std::vector<std::string> labels;
        while (auto row = co_await stream.next()) labels.push_back(row->get<std::string>(0));
        EXPECT_EQ(labels, (std::vector<std::string>{"row-8", "row-9", "row-10"}));
        auto rest = co_await stream.all();
        EXPECT_TRUE(rest.empty());
    });
}

TEST_F(StreamSuite, ConnectionIsBusyUntilTheStreamEndsOrCloses) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await fill_series(c, 100);
        {
            auto stream = co_await c.stream("SELECT id FROM series");
            (void)co_await stream.next();
            EXPECT_THROW(co_await c.execute("SELECT 1"), InterfaceError);
            co_await stream.close();
            EXPECT_EQ(co_await c.scalar<int>("SELECT COUNT(*) FROM series"), 100);
        }
        {
            auto dropped = co_await c.stream("SELECT id FROM series");
            (void)co_await dropped.partition(10);
        }
        EXPECT_EQ(co_await c.scalar<int>("SELECT MAX(id) FROM series"), 100) << "a dropped stream frees the connection";
    });
}

TEST_F(StreamSuite, StreamErrorsArriveAsExceptionsAndTheConnectionRecovers) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        EXPECT_THROW(co_await c.stream("SELECT * FROM no_such_table"), ProgrammingError);
        co_await c.rollback();
        EXPECT_EQ(co_await c.scalar<int>("SELECT 5"), 5);
    });
}

TEST_F(StreamSuite, MillionRowsStreamInBoundedMemory) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await fill_series(c, 1'000'000);
        reset_peak_rss();
        const std::size_t before = peak_rss_bytes();
        auto stream = co_await c.stream("SELECT id, label FROM series");
        std::size_t rows = 0;
        std::int64_t sum = 0;
        while (auto part = co_await stream.partition(1000)) {
            rows += part.size();
            for (const Row& row : part) sum += row.get<std::int64_t>(0);
        }
        const std::size_t growth = peak_rss_bytes() - before;
        EXPECT_EQ(rows, 1'000'000u);
        EXPECT_EQ(sum, 1'000'000LL * 1'000'001 / 2);
        if (memory_is_measurable()) {
            EXPECT_LT(peak_rss_bytes(), std::size_t{50} << 20) << "peak RSS of the whole test process";
            EXPECT_LT(growth, std::size_t{8} << 20) << "peak grew by " << growth << " bytes while streaming";
        }
    });
}

}  // namespace
}  // namespace asyncsql::test
