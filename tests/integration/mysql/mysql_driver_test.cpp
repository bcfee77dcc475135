// What only the MySQL/MariaDB backend has: KILL QUERY cancellation, killed
// connections, InnoDB deadlocks, native error codes, its types, and the
// connection options of Connector/C.

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "suite/suite.hpp"

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

using MysqlOnly = EngineSuite;

TEST_F(MysqlOnly, StatementTimeoutKillsTheQuery) {
    with_engine({{"statement_timeout", "0.2"}}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        const auto started = std::chrono::steady_clock::now();
        EXPECT_THROW(co_await c.execute("SELECT COUNT(*) FROM information_schema.columns a, "
                                        "information_schema.columns b, information_schema.columns c"),
                     TimeoutError);
        EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
        co_await c.rollback();
        EXPECT_EQ(co_await c.scalar<int>("SELECT 1"), 1);
    });
}

TEST_F(MysqlOnly, BatchInsertOfOneHundredThousandRows) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("CREATE TABLE bulk (id BIGINT PRIMARY KEY, name VARCHAR(64))");
        std::vector<Params> rows;
        rows.reserve(100'000);
        for (int i = 1; i <= 100'000; ++i) rows.push_back({{"id", i}, {"name", "user_" + std::to_string(i)}});
        const Result inserted = co_await c.execute_many("INSERT INTO bulk VALUES (:id, :name)", rows);
        EXPECT_EQ(inserted.rowcount(), 100'000);
        co_await c.commit();
        EXPECT_EQ(co_await c.scalar<std::int64_t>("SELECT COUNT(*) FROM bulk"), 100'000);
        // MariaDB's bulk execution carried them (1,000 sets per packet): a
        // failure names the chunk it was in.
        std::vector<Params> again;
        for (int i = 100'001; i <= 102'000; ++i) again.push_back({{"id", i == 101'500 ? 5 : i}, {"name", "x"}});
        bool bulk = false;
        try {
            co_await c.execute_many("INSERT INTO bulk VALUES (:id, :name)", again);
        } catch (const IntegrityError& e) {
            bulk = e.message().find("parameter sets 1001 to 2000 of 2000, sent as one bulk execution") !=
                   std::string::npos;
        }
        EXPECT_TRUE(bulk);
        co_await c.rollback();
    });
}

TEST_F(MysqlOnly, LockWaitTimeoutIsRecognisable) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await engine.transaction([](Connection& c) -> asio::awaitable<void> {
            co_await c.execute("CREATE TABLE lockme (id INTEGER PRIMARY KEY) ENGINE=InnoDB");
            co_await c.execute("INSERT INTO lockme VALUES (1)");
        });
        auto holder = co_await engine.connect();
        co_await holder.execute("SELECT id FROM lockme WHERE id = 1 FOR UPDATE");
        auto waiter = co_await engine.connect();
        waiter.set_execution_options(ExecutionOptions{.isolation_level = "AUTOCOMMIT"});
        co_await waiter.execute("SET SESSION innodb_lock_wait_timeout = 1");
        bool timed_out = false;
        try {
            co_await waiter.execute("UPDATE lockme SET id = 2 WHERE id = 1");
        } catch (const OperationalError& e) {
            timed_out = e.kind() == ErrorKind::lock_timeout && e.native_code() == 1205;
        }
        EXPECT_TRUE(timed_out);
        co_await holder.rollback();
    });
}

// What a server without MariaDB's bulk execution gets: multi-row INSERTs.
// Bulk execution with temporal columns (each bound column-wise through an
// array of pointers), NULLs among them, read back value for value.
TEST_F(MysqlOnly, BulkExecutionCarriesDatesTimesAndTimestamps) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("CREATE TABLE temporal (id INTEGER PRIMARY KEY, at DATETIME(6), day DATE, span TIME(6))");
        std::vector<Params> rows;
        const Timestamp base{std::chrono::seconds{1'704'067'200}};  // 2024-01-01 00:00:00
        for (int i = 1; i <= 3'000; ++i) {
            const Timestamp at = base + std::chrono::seconds(i) + std::chrono::microseconds(i);
            const Date day = std::chrono::floor<std::chrono::days>(at);
            const Time span{std::chrono::microseconds(std::int64_t{i} * 1'000'003)};
            rows.push_back({{"id", i}, {"at", i % 10 ? Value(at) : Value()}, {"day", day}, {"span", span}});
        }
        co_await c.execute_many("INSERT INTO temporal VALUES (:id, :at, :day, :span)", rows);
        co_await c.commit();
        EXPECT_EQ(co_await c.scalar<std::int64_t>("SELECT COUNT(*) FROM temporal WHERE at IS NULL"), 300);
        auto result = co_await c.execute("SELECT id, at, day, span FROM temporal WHERE id IN (1, 2999)");
        for (const auto& row : result) {
            const auto id = row.get<std::int64_t>("id");
            const Timestamp at = base + std::chrono::seconds(id) + std::chrono::microseconds(id);
            EXPECT_EQ(row.get<Timestamp>("at"), at) << id;
            EXPECT_EQ(row.get<Date>("day"), Date(std::chrono::floor<std::chrono::days>(at))) << id;
            EXPECT_EQ(row.get<Time>("span"), Time{std::chrono::microseconds(id * 1'000'003)}) << id;
        }
    });
}

TEST_F(MysqlOnly, WithoutBulkExecutionInsertsGoAsMultiRowStatements) {
    with_engine({{"bulk", "false"}}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("CREATE TABLE m (id INTEGER PRIMARY KEY, note VARCHAR(32), at DATETIME(6))");
        std::vector<Params> rows;
        const Timestamp epoch{std::chrono::seconds{1'700'000'000}};
        for (int i = 1; i <= 2'500; ++i)
            rows.push_back({{"id", i}, {"note", i % 7 ? Value("it's (fine)") : Value()}, {"at", epoch}});
        const Result inserted = co_await c.execute_many("INSERT INTO m (id, note, at) VALUES (:id, :note, :at);", rows);
        EXPECT_EQ(inserted.rowcount(), 2'500);
        EXPECT_EQ(co_await c.scalar<std::int64_t>("SELECT COUNT(*) FROM m WHERE note IS NULL"), 357);
        EXPECT_EQ(co_await c.scalar<std::string>("SELECT note FROM m WHERE id = 1"), "it's (fine)");
        // Not an INSERT ... VALUES (...) at the end: one execution per set.
        std::vector<Params> updates;
        for (int i = 1; i <= 3; ++i) updates.push_back({{"id", i}});
        const Result updated = co_await c.execute_many("UPDATE m SET note = 'u' WHERE id = :id", updates);
        EXPECT_EQ(updated.rowcount(), 3);
        std::vector<Params> upserts;
        for (int i = 1; i <= 3; ++i) upserts.push_back({{"id", i}});
        const Result upserted = co_await c.execute_many(
            "INSERT INTO m (id) VALUES (:id) ON DUPLICATE KEY UPDATE note = 'dup'", upserts);
        EXPECT_EQ(upserted.rowcount(), 6) << "2 per updated duplicate, as MySQL counts them";
        co_await c.commit();
    });
}

TEST_F(MysqlOnly, NativeErrorCodesMapToTheirClasses) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY) ENGINE=InnoDB");
        co_await c.execute("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER, "
                           "FOREIGN KEY (parent_id) REFERENCES parent(id)) ENGINE=InnoDB");
        co_await c.execute("INSERT INTO parent VALUES (1)");
        co_await c.commit();
        auto code_of = [&](std::string sql) -> asio::awaitable<std::int64_t> {
            std::int64_t code = 0;
            try {
                co_await c.execute(sql);
            } catch (const Error& e) {
                code = e.native_code();
            }
            co_await c.rollback();
            co_return code;
        };
        EXPECT_EQ(co_await code_of("INSERT INTO parent VALUES (1)"), 1062);
        EXPECT_EQ(co_await code_of("INSERT INTO child VALUES (1, 99)"), 1452);
        EXPECT_EQ(co_await code_of("SELEC 1"), 1064);
        EXPECT_EQ(co_await code_of("SELECT * FROM nowhere"), 1146);
        co_await c.execute("CREATE TABLE small (v TINYINT, n INTEGER)");
        co_await c.commit();
        EXPECT_EQ(co_await code_of("INSERT INTO small (v) VALUES (1000)"), 1264);  // strict mode: out of range
        EXPECT_EQ(co_await code_of("INSERT INTO small (n) VALUES ('abc')"), 1366);
        try {
            co_await c.execute("INSERT INTO small (v) VALUES (1000)");
        } catch (const DataError& e) {
            EXPECT_EQ(e.kind(), ErrorKind::data_exception);
        }
        co_await c.rollback();
        try {
            co_await c.execute("INSERT INTO parent VALUES (1)");
        } catch (const IntegrityError& e) {
            EXPECT_EQ(e.kind(), ErrorKind::unique_violation);
            EXPECT_EQ(e.sqlstate(), "23000");
        }
        co_await c.rollback();
    });
}

TEST_F(MysqlOnly, TypesDecodeFromTheBinaryProtocol) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute(
            "CREATE TABLE t (ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, mi MEDIUMINT, ii INT, bu BIGINT UNSIGNED, "
            "f FLOAT, d DOUBLE, n DECIMAL(30, 10), b BIT(10), y YEAR, dt DATE, tm TIME(6), ts DATETIME(6), "
            "tz TIMESTAMP(3) NULL, vc VARCHAR(10), bl BLOB, js JSON, u UUID)");
        co_await c.execute(
            "INSERT INTO t VALUES (-128, 255, -32768, 8388607, 2147483647, 18446744073709551615, 1.5, 2.25, "
            "12345678901234567890.0123456789, b'1000000001', 2024, '2024-02-29', '-12:34:56.5', "
            "'2024-01-01 00:00:05.123456', NULL, 'héllo', x'00ff', '{\"a\": 1}', "
            "'123e4567-e89b-12d3-a456-426614174000')");
        auto row = (co_await c.execute("SELECT * FROM t")).one();
        EXPECT_EQ(row.get<int>("ti"), -128);
        EXPECT_EQ(row.get<int>("tu"), 255);
        EXPECT_EQ(row.get<int>("mi"), 8388607);
        EXPECT_EQ(row.get<Decimal>("bu").text, "18446744073709551615") << "above INT64_MAX: exact text";
        EXPECT_EQ(row.get<double>("f"), 1.5);
        EXPECT_EQ(row.get<Decimal>("n").text, "12345678901234567890.0123456789");
        EXPECT_EQ(row.get<int>("b"), 513);
        EXPECT_EQ(row.get<int>("y"), 2024);
        EXPECT_EQ(format_date(row.get<Date>("dt")), "2024-02-29");
        EXPECT_EQ(row.get<Time>("tm").since_midnight,
                  -(std::chrono::hours{12} + std::chrono::minutes{34} + std::chrono::seconds{56} +
                    std::chrono::milliseconds{500}));
        EXPECT_EQ(format_timestamp(row.get<Timestamp>("ts")), "2024-01-01 00:00:05.123456");
        EXPECT_TRUE(row["tz"].is_null());
        EXPECT_EQ(row.get<std::string>("vc"), "héllo");
        EXPECT_EQ(row.get<Bytes>("bl"), (Bytes{std::byte{0}, std::byte{0xff}}));
        EXPECT_EQ(row.get<Json>("js").text, "{\"a\": 1}");
        EXPECT_EQ(row.get<Uuid>("u").to_string(), "123e4567-e89b-12d3-a456-426614174000");
    });
}

TEST_F(MysqlOnly, ConnectionReturnedAfterReadingIsResetBeforeReuse) {
    with_engine({{"pool_size", "1"}, {"max_overflow", "0"}}, [](Engine& engine) -> asio::awaitable<void> {
        {
            auto c = co_await engine.connect();
            EXPECT_EQ(co_await c.scalar<int>("SELECT 1"), 1);  // autobegun, only read
            EXPECT_EQ(co_await c.scalar<int>("SELECT @@in_transaction"), 1);
        }
        auto again = co_await engine.connect();
        again.set_execution_options(ExecutionOptions{.isolation_level = "AUTOCOMMIT"});
        EXPECT_EQ(co_await again.scalar<int>("SELECT @@in_transaction"), 0) << "the pool rolled it back";
    });
}

TEST_F(MysqlOnly, StatementsThatCannotBePreparedRunAsText) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("PREPARE x FROM 'SELECT 42 AS answer'");  // error 1295 when prepared
        auto result = co_await c.execute("EXECUTE x");
        EXPECT_EQ(result.keys(), std::vector<std::string>{"answer"});
        EXPECT_EQ(result.scalar<int>(), 42);
        // Values are never spliced into text: with any, the server's 1295 stands.
        bool refused = false;
        try {
            co_await c.execute("EXECUTE x USING ?", Params::positional(1));
        } catch (const DatabaseError& e) {
            refused = e.native_code() == 1295;
        }
        EXPECT_TRUE(refused);
        co_await c.rollback();
    });
}

TEST_F(MysqlOnly, ConnectionOptionsReachTheServer) {
    const std::string url = backend_under_test().fresh_url();
    run_with_engine(create_engine(url + "?init_command=SET%20SESSION%20sql_mode%3D%27ANSI_QUOTES%27&charset=utf8mb4"),
                    [](Engine& engine) -> asio::awaitable<void> {
                        auto c = co_await engine.connect();
                        EXPECT_EQ(co_await c.scalar<std::string>("SELECT @@SESSION.sql_mode"), "ANSI_QUOTES");
                        EXPECT_EQ(co_await c.scalar<std::string>("SELECT @@character_set_client"), "utf8mb4");
                    });
    const std::string socket_dir = std::string(ASYNCSQL_TEST_MYSQL_URL_FILE).substr(
        0, std::string(ASYNCSQL_TEST_MYSQL_URL_FILE).rfind('/'));
    const Url parsed = Url::parse(url);
    run_with_engine(create_engine("mysql://asyncsql:asyncsql-test@localhost/" + parsed.database +
                                  "?unix_socket=" + socket_dir + "/mysqld.sock"),
                    [](Engine& engine) -> asio::awaitable<void> {
                        auto c = co_await engine.connect();
                        EXPECT_EQ(co_await c.scalar<std::string>("SELECT SUBSTRING_INDEX(USER(), '@', -1)"),
                                  "localhost");
                    });
    EXPECT_THROW(create_engine(url + "?no_such_option=1"), ArgumentError);
    Engine wrong = create_engine("mysql://asyncsql:wrong@127.0.0.1:" + std::to_string(parsed.port.value_or(3306)) +
                                 "/" + parsed.database);
    bool refused = false;
    try {
        run_async([&]() -> asio::awaitable<void> { auto c = co_await wrong.connect(); });
    } catch (const OperationalError& e) {
        refused = e.native_code() == 1045 && std::string(e.what()).find("wrong") == std::string::npos;
    }
    EXPECT_TRUE(refused);
}

}  // namespace
}  // namespace asyncsql::test
