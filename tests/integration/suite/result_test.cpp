// The buffered Result's reading API.

#include "suite/suite.hpp"

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;

asio::awaitable<Result> numbers(Connection& c, int n) {
    co_await c.execute("CREATE TABLE IF NOT EXISTS numbers (n INTEGER, parity VARCHAR(4))");
    co_await c.execute("DELETE FROM numbers");
    std::vector<Params> rows;
    for (int i = 1; i <= n; ++i) rows.push_back({{"n", i}, {"p", i % 2 ? "odd" : "even"}});
    if (!rows.empty()) co_await c.execute_many("INSERT INTO numbers VALUES (:n, :p)", rows);
    co_return co_await c.execute("SELECT n, parity FROM numbers ORDER BY n");
}

using ResultSuite = EngineSuite;

TEST_F(ResultSuite, KeysRowsByIndexAndName) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        auto r = co_await numbers(c, 3);
        EXPECT_EQ(r.keys(), (std::vector<std::string>{"n", "parity"}));
        auto row = *r.fetchone();
        EXPECT_EQ(row[0], Value(std::int64_t{1}));
        EXPECT_EQ(row["parity"], Value(std::string("odd")));
        EXPECT_EQ(row.to_string(), "(1, 'odd')");
        EXPECT_THROW((void)row["nope"], InterfaceError);
        EXPECT_THROW((void)row[5], InterfaceError);
        EXPECT_EQ(r.remaining(), 2u);
    });
}

TEST_F(ResultSuite, FetchmanyAllAndPartitionsContinueFromTheCursor) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        auto r = co_await numbers(c, 10);
        EXPECT_EQ(r.fetchmany(3).size(), 3u);
        auto parts = r.partitions(3);
        CO_ASSERT_EQ(parts.size(), 3u);
        EXPECT_EQ(parts[0][0].get<int>(0), 4);
        EXPECT_EQ(parts[2].size(), 1u);
        EXPECT_TRUE(r.all().empty());
        EXPECT_FALSE(r.fetchone());
    });
}

TEST_F(ResultSuite, FirstOneAndOneOrNone) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        EXPECT_EQ((co_await numbers(c, 3)).first()->get<int>("n"), 1);
        EXPECT_THROW((co_await numbers(c, 3)).one(), MultipleResultsFound);
        EXPECT_THROW((co_await numbers(c, 0)).one(), NoResultFound);
        EXPECT_FALSE((co_await numbers(c, 0)).one_or_none());
        EXPECT_EQ((co_await numbers(c, 1)).scalar_one<int>(), 1);
        EXPECT_EQ((co_await numbers(c, 0)).scalar_one_or_none<std::optional<int>>(), std::nullopt);
        EXPECT_THROW((co_await numbers(c, 2)).scalar_one_or_none<int>(), MultipleResultsFound);
    });
}

TEST_F(ResultSuite, MappingsUniqueAndIteration) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await numbers(c, 6);
        auto parity = co_await c.execute("SELECT parity FROM numbers ORDER BY n");
        EXPECT_EQ(parity.unique().scalars<std::string>(), (std::vector<std::string>{"odd", "even"}));

        auto r = co_await c.execute("SELECT n, parity FROM numbers WHERE n <= 2 ORDER BY n");
        auto maps = r.mappings();
        CO_ASSERT_EQ(maps.size(), 2u);
        EXPECT_EQ(maps[1].at("parity"), Value(std::string("even")));

        int sum = 0;
        auto again = co_await c.execute("SELECT n FROM numbers");
        for (const Row& row : again) sum += row.get<int>(0);
        EXPECT_EQ(sum, 21);
        EXPECT_EQ(again.remaining(), 6u) << "iteration does not consume";
    });
}

}  // namespace
}  // namespace asyncsql::test
