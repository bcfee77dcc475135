// Statements, parameters and typed values through a Connection.

#include <boost/describe/class.hpp>

#include "suite/suite.hpp"

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;

struct User {
    std::int64_t id;
    std::string name;
    std::optional<std::string> email;
};

struct DescribedUser {
    std::string name;
    std::int64_t id = 0;
};
BOOST_DESCRIBE_STRUCT(DescribedUser, (), (name, id))

asio::awaitable<void> create_users(Connection& c) {
    co_await c.execute("CREATE TABLE users (id " + backend_under_test().autoincrement_pk +
                       ", name VARCHAR(64) NOT NULL UNIQUE, email VARCHAR(128))");
    std::vector<Params> users;
    users.push_back({{"name", "ada"}, {"email", "ada@example.com"}});
    users.push_back({{"name", "grace"}, {"email", std::nullopt}});
    users.push_back({{"name", "linus"}, {"email", "linus@example.com"}});
    co_await c.execute_many("INSERT INTO users (name, email) VALUES (:name, :email)", users);
    co_await c.commit();
}

using ConnectionSuite = EngineSuite;

TEST_F(ConnectionSuite, ExecuteReportsRowcountAndLastInsertId) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await create_users(c);
        auto inserted = co_await c.execute("INSERT INTO users (name) VALUES (:name)", {{"name", "barbara"}});
        EXPECT_EQ(inserted.rowcount(), 1);
        if (backend_under_test().has_last_insert_id) {
            CO_ASSERT_TRUE(inserted.last_insert_id());
            EXPECT_EQ(*inserted.last_insert_id(), 4);
        } else {
            EXPECT_FALSE(inserted.last_insert_id());
        }
        auto updated = co_await c.execute("UPDATE users SET email = :e WHERE id <= :max", {{"e", "x"}, {"max", 2}});
        EXPECT_EQ(updated.rowcount(), 2);
        EXPECT_FALSE(updated.returns_rows());
        EXPECT_FALSE(updated.last_insert_id()) << "an UPDATE inserts nothing";
        auto created = co_await c.execute("CREATE TABLE other (x INTEGER)");
        EXPECT_EQ(created.rowcount(), 0) << "DDL changes no rows";
        EXPECT_FALSE(created.last_insert_id());
        co_await c.commit();
    });
}

TEST_F(ConnectionSuite, NamedParametersRepeatedAndInsideLiteralsAreHandled) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await create_users(c);
        auto r = co_await c.execute(
            "SELECT name, ':not_a_param' AS lit FROM users WHERE id = :id OR id = :id + 1 ORDER BY id",
            {{"id", 1}});
        auto rows = r.all();
        CO_ASSERT_EQ(rows.size(), 2u);
        EXPECT_EQ(rows[0].get<std::string>("name"), "ada");
        EXPECT_EQ(rows[1].get<std::string>("name"), "grace");
        EXPECT_EQ(rows[0].get<std::string>("lit"), ":not_a_param");
    });
}

TEST_F(ConnectionSuite, PositionalParametersAndDriverSql) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await create_users(c);
        auto name = co_await c.scalar<std::string>("SELECT name FROM users WHERE id = ?", Params::positional(2));
        EXPECT_EQ(name, "grace");
        const std::string native = "SELECT COUNT(*) FROM users WHERE id > " + backend_under_test().first_placeholder;
        auto n = (co_await c.exec_driver_sql(native, Params::positional(1))).scalar<int>();
        EXPECT_EQ(n, 2);
    });
}

TEST_F(ConnectionSuite, TextClauseIsRewrittenOnceAndReused) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await create_users(c);
        const TextClause by_id = text("SELECT name FROM users WHERE id = :id");
        std::vector<std::string> names;
        for (int id = 1; id <= 3; ++id) names.push_back((co_await c.execute(by_id, {{"id", id}})).scalar<std::string>());
        EXPECT_EQ(names, (std::vector<std::string>{"ada", "grace", "linus"}));
    });
}

TEST_F(ConnectionSuite, ParameterMistakesFailBeforeAnyIoAndLeaveTheConnectionUsable) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await create_users(c);
        EXPECT_THROW(co_await c.execute("SELECT * FROM users WHERE id = :id"), ArgumentError);
        EXPECT_THROW(co_await c.execute("SELECT * FROM users WHERE id = :id", {{"id", 1}, {"extra", 2}}),
                     ArgumentError);
        EXPECT_THROW(co_await c.execute("SELECT * FROM users WHERE id = ?", Params::positional(1, 2)),
                     ArgumentError);
        EXPECT_EQ(co_await c.scalar<int>("SELECT COUNT(*) FROM users"), 3);
    });
}

TEST_F(ConnectionSuite, InjectionThroughParametersIsStoredVerbatim) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await create_users(c);
        const std::string evil = "x'); DROP TABLE users; --";
        co_await c.execute("INSERT INTO users (name) VALUES (:n)", {{"n", evil}});
        EXPECT_EQ(co_await c.scalar<std::string>("SELECT name FROM users WHERE name = :n", {{"n", evil}}), evil);
        EXPECT_EQ(co_await c.scalar<int>("SELECT COUNT(*) FROM users"), 4);
    });
}

TEST_F(ConnectionSuite, RowsMapIntoStructsTuplesAndDescribedStructs) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await create_users(c);
        auto users = co_await c.fetch_all<User>("SELECT id, name, email FROM users ORDER BY id");
        CO_ASSERT_EQ(users.size(), 3u);
        EXPECT_EQ(users[0].name, "ada");
        EXPECT_EQ(users[1].email, std::nullopt);
        EXPECT_EQ(users[2].email, "linus@example.com");

        auto tuples = co_await c.fetch_all<std::tuple<int, std::string>>("SELECT id, name FROM users ORDER BY id");
        EXPECT_EQ(std::get<1>(tuples[2]), "linus");

        // Described structs bind by column name, whatever the column order.
        auto described = co_await c.fetch_all<DescribedUser>("SELECT id, name FROM users ORDER BY id DESC");
        EXPECT_EQ(described[0].name, "linus");
        EXPECT_EQ(described[0].id, 3);

        EXPECT_THROW(co_await c.fetch_all<User>("SELECT id, name FROM users"), DataError);
    });
}

TEST_F(ConnectionSuite, ScalarsAndScalarOfEmptyResult) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await create_users(c);
        auto names = co_await c.scalars<std::string>("SELECT name FROM users ORDER BY name");
        EXPECT_EQ(names, (std::vector<std::string>{"ada", "grace", "linus"}));
        EXPECT_EQ(co_await c.scalar<std::optional<int>>("SELECT id FROM users WHERE id = 99"), std::nullopt);
        EXPECT_THROW(co_await c.scalar<int>("SELECT id FROM users WHERE id = 99"), NoResultFound);
    });
}

TEST_F(ConnectionSuite, ValuesRoundTripThroughTypedColumns) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute(
            "CREATE TABLE kinds (b BOOLEAN, i BIGINT, d DOUBLE PRECISION, n DECIMAL(20, 6), t TEXT, "
            "y " + backend_under_test().blob_type + ", dt DATE, tm " + backend_under_test().time_type + ", ts " +
            backend_under_test().timestamp_type + ", u UUID, j JSON)");
        const Bytes blob{std::byte{0}, std::byte{1}, std::byte{0xff}};
        const Date date{std::chrono::year{2024}, std::chrono::month{2}, std::chrono::day{29}};
        const Time time{std::chrono::hours{13} + std::chrono::minutes{5} + std::chrono::microseconds{250}};
        const Timestamp ts = std::chrono::sys_days{date} + std::chrono::hours{23} + std::chrono::microseconds{123456};
        const Uuid uuid = Uuid::parse("123e4567-e89b-12d3-a456-426614174000");
        // Built before the co_await: g++ 12 destroys class-type temporaries
        // of a co_await expression twice (docs/getting-started.md).
        const Params values{{"b", true},
                            {"i", std::int64_t{-9007199254740993}},
                            {"d", 0.1},
                            {"n", Decimal::parse("12345.6789")},
                            {"t", "héllo\nworld"},
                            {"y", blob},
                            {"dt", date},
                            {"tm", time},
                            {"ts", ts},
                            {"u", uuid},
                            {"j", Json{R"({"a": [1, 2]})"}}};
        co_await c.execute("INSERT INTO kinds VALUES (:b, :i, :d, :n, :t, :y, :dt, :tm, :ts, :u, :j)", values);
        auto row = (co_await c.execute("SELECT * FROM kinds")).one();
        EXPECT_EQ(row.get<bool>("b"), true);
        EXPECT_EQ(row.get<std::int64_t>("i"), -9007199254740993);
        EXPECT_EQ(row.get<double>("d"), 0.1);
        // Exact on servers with a decimal type (scale 6 kept); SQLite keeps a REAL.
        EXPECT_EQ(row.get<Decimal>("n").text.substr(0, 10), "12345.6789");
        EXPECT_EQ(row.get<std::string>("t"), "héllo\nworld");
        EXPECT_EQ(row.get<Bytes>("y"), blob);
        EXPECT_EQ(row.get<Date>("dt"), date);
        EXPECT_EQ(row.get<Time>("tm"), time);
        EXPECT_EQ(row.get<Timestamp>("ts"), ts);
        EXPECT_EQ(row.get<Uuid>("u"), uuid);
        EXPECT_EQ(row.get<Json>("j").text, R"({"a": [1, 2]})");
    });
}

TEST_F(ConnectionSuite, WrongConversionsNameTheColumn) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        auto row = (co_await c.execute("SELECT NULL AS missing, 'abc' AS word, 300 AS big")).one();
        try {
            (void)row.get<int>("missing");
            ADD_FAILURE() << "NULL read into int";
        } catch (const DataError& e) {
            EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
        }
        EXPECT_THROW((void)row.get<int>("word"), DataError);
        EXPECT_THROW((void)row.get<std::int8_t>("big"), DataError);
        EXPECT_EQ(row.get<std::int16_t>("big"), 300);
        EXPECT_EQ(row.get<std::optional<int>>("missing"), std::nullopt);
    });
}

TEST_F(ConnectionSuite, NulBytesAndLargeValuesSurvive) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, t TEXT, b " + backend_under_test().blob_type + ")");
        co_await c.commit();
        const std::string with_nul("a\0b", 3);
        const Bytes big(8 << 20, std::byte{0x5a});
        if (!backend_under_test().text_allows_nul) {
            EXPECT_THROW(co_await c.execute("INSERT INTO blobs VALUES (1, :t, NULL)", {{"t", with_nul}}), DataError);
            co_await c.rollback();
        }
        const Params values{{"t", backend_under_test().text_allows_nul ? with_nul : std::string("ab")}, {"b", big}};
        co_await c.execute("INSERT INTO blobs VALUES (1, :t, :b)", values);
        auto row = (co_await c.execute("SELECT t, b FROM blobs")).one();
        if (backend_under_test().text_allows_nul) {
            EXPECT_EQ(row.get<std::string>("t"), with_nul);
        }
        EXPECT_EQ(row.get<Bytes>("b"), big);
    });
}

TEST_F(ConnectionSuite, BatchRunsStatementsInOrderAndStopsAtTheFirstFailure) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        std::vector<BatchStatement> batch;
        batch.push_back({"CREATE TABLE b (id INTEGER PRIMARY KEY, note VARCHAR(16))", {}});
        batch.push_back({"INSERT INTO b VALUES (:id, :note)", {{"id", 1}, {"note", "one"}}});
        batch.push_back({"INSERT INTO b VALUES (?, ?)", Params::positional(2, "two")});
        batch.push_back({"SELECT note FROM b ORDER BY id", {}});
        auto results = co_await c.execute_batch(std::move(batch));
        CO_ASSERT_EQ(results.size(), 4u);
        EXPECT_EQ(results[1].rowcount(), 1);
        EXPECT_EQ(results[3].scalars<std::string>(), (std::vector<std::string>{"one", "two"}));
        co_await c.commit();

        std::vector<BatchStatement> failing;
        failing.push_back({"INSERT INTO b VALUES (3, 'three')", {}});
        failing.push_back({"INSERT INTO b VALUES (1, 'duplicate')", {}});
        failing.push_back({"INSERT INTO b VALUES (4, 'four')", {}});
        bool failed = false;
        try {
            co_await c.execute_batch(std::move(failing));
        } catch (const IntegrityError& e) {
            failed = e.statement().find("duplicate") != std::string::npos;
        }
        EXPECT_TRUE(failed);
        co_await c.rollback();
        EXPECT_EQ(co_await c.scalar<int>("SELECT COUNT(*) FROM b"), 2) << "the batch's transaction rolled back";
    });
}

TEST_F(ConnectionSuite, InfoAndExecutionOptionsBelongToTheCheckout) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        c.info()["tenant"] = std::string("acme");
        EXPECT_EQ(std::any_cast<std::string>(c.info().at("tenant")), "acme");
        c.set_execution_options(ExecutionOptions{.isolation_level = "serializable"});
        EXPECT_EQ(c.execution_options().isolation_level, "SERIALIZABLE");
        EXPECT_THROW(c.set_execution_options(ExecutionOptions{.isolation_level = "sometimes"}), ArgumentError);
    });
}

TEST_F(ConnectionSuite, ClosedConnectionRaisesResourceClosed) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        c.close();
        EXPECT_TRUE(c.closed());
        EXPECT_THROW(co_await c.execute("SELECT 1"), ResourceClosedError);
        EXPECT_EQ(engine.pool_status().checked_out, 0u);
    });
}

}  // namespace
}  // namespace asyncsql::test
