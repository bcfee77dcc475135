// What only the PostgreSQL backend has: server-side cancel, disconnects,
// deadlocks, pipelined batches, the prepared-statement cache and its
// recovery, typed binary decode, authentication methods.

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "suite/suite.hpp"
#include "support/sleep.hpp"

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

using PostgresqlOnly = EngineSuite;

TEST_F(PostgresqlOnly, StatementTimeoutCancelsOnTheServer) {
    with_engine({{"statement_timeout", "0.2"}}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        const auto started = std::chrono::steady_clock::now();
        EXPECT_THROW(co_await c.execute("SELECT pg_sleep(10)"), TimeoutError);
        EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
        co_await c.rollback();
        EXPECT_EQ(co_await c.scalar<int>("SELECT 1"), 1);
    });
}

TEST_F(PostgresqlOnly, PipelinedBatchOfTenThousandWithOneFailureReportsItAndStaysUsable) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("CREATE TABLE batch (id INTEGER PRIMARY KEY)");
        co_await c.commit();
        std::vector<Params> rows;
        for (int i = 0; i < 10'000; ++i) rows.push_back({{"id", i == 5'000 ? 4'999 : i}});
        bool failed = false;
        try {
            co_await c.execute_many("INSERT INTO batch VALUES (:id)", rows);
        } catch (const IntegrityError& e) {
            failed = e.kind() == ErrorKind::unique_violation;
            EXPECT_NE(e.detail().find("4999"), std::string::npos) << e.what();
            EXPECT_NE(e.message().find("parameter set 5001 of 10000"), std::string::npos) << e.what();
        }
        EXPECT_TRUE(failed);
        co_await c.rollback();
        rows[5'000] = Params{{"id", 5'000}};
        const Result done = co_await c.execute_many("INSERT INTO batch VALUES (:id)", rows);
        EXPECT_EQ(done.rowcount(), 10'000);
        co_await c.commit();
        EXPECT_EQ(co_await c.scalar<int>("SELECT COUNT(*) FROM batch"), 10'000);
    });
}

TEST_F(PostgresqlOnly, PipelinedBatchOfDifferentStatementsNamesTheOneThatFailed) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("CREATE TABLE log (id INTEGER PRIMARY KEY, note TEXT)");
        co_await c.commit();
        std::vector<BatchStatement> batch;
        for (int i = 0; i < 1'000; ++i) {
            if (i % 2) batch.push_back({"INSERT INTO log VALUES (:id, :note)", {{"id", i}, {"note", "odd"}}});
            else batch.push_back({"INSERT INTO log (id) VALUES (:id)", {{"id", i == 500 ? 499 : i}}});
        }
        bool named = false;
        try {
            co_await c.execute_batch(batch);
        } catch (const IntegrityError& e) {
            named = e.message().find("statement 501 of 1000") != std::string::npos;
        }
        EXPECT_TRUE(named);
        co_await c.rollback();
        batch[500] = BatchStatement{"INSERT INTO log (id) VALUES (:id)", {{"id", 500}}};
        const auto results = co_await c.execute_batch(std::move(batch));
        EXPECT_EQ(results.size(), 1'000u);
        co_await c.commit();
        EXPECT_EQ(co_await c.scalar<int>("SELECT COUNT(*) FROM log"), 1'000);
    });
}

TEST_F(PostgresqlOnly, UnnamedStatementsLeaveNothingPreparedOnTheServer) {
    with_engine({{"statement_cache_size", "0"}}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        for (int i = 0; i < 3; ++i) EXPECT_EQ(co_await c.scalar<int>("SELECT :x::int + 1", {{"x", i}}), i + 1);
        EXPECT_EQ(co_await c.scalar<int>("SELECT COUNT(*) FROM pg_prepared_statements"), 0);
    });
    with_engine({{"pooler_mode", "transaction"}}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        EXPECT_EQ(co_await c.scalar<int>("SELECT 5"), 5);
        EXPECT_EQ(co_await c.scalar<int>("SELECT COUNT(*) FROM pg_prepared_statements"), 0);
    });
}

TEST_F(PostgresqlOnly, CachedStatementsAreReusedAndRecoverWhenTheServerDropsThem) {
    with_engine({{"isolation_level", "AUTOCOMMIT"}}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("CREATE TABLE shape (a INTEGER)");
        co_await c.execute("INSERT INTO shape VALUES (1)");
        for (int i = 0; i < 3; ++i) EXPECT_EQ(co_await c.scalar<int>("SELECT a FROM shape"), 1);
        const auto prepared = co_await c.scalar<int>("SELECT COUNT(*) FROM pg_prepared_statements");
        EXPECT_GE(prepared, 1);
        // 26000: the server forgot every prepared statement.
        co_await c.execute("DEALLOCATE ALL");
        EXPECT_EQ(co_await c.scalar<int>("SELECT a FROM shape"), 1);
        // 0A000: the cached plan's result type changed.
        co_await c.execute("ALTER TABLE shape ALTER COLUMN a TYPE TEXT");
        EXPECT_EQ(co_await c.scalar<std::string>("SELECT a FROM shape"), "1");
    });
}

TEST_F(PostgresqlOnly, StaleStatementsRecoverInCommitAsYouGoTransactions) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("CREATE TABLE shape (a INTEGER)");
        co_await c.execute("INSERT INTO shape VALUES (1)");
        co_await c.commit();
        EXPECT_EQ(co_await c.scalar<int>("SELECT a FROM shape"), 1);
        co_await c.commit();
        co_await c.execute("DEALLOCATE ALL");
        co_await c.commit();
        // First statement of a new transaction: rolled back and run again.
        EXPECT_EQ(co_await c.scalar<int>("SELECT a FROM shape"), 1);
        co_await c.commit();
        // With earlier work in the transaction the failure is reported (the
        // transaction is aborted), and the next transaction prepares afresh.
        co_await c.execute("DEALLOCATE ALL");
        bool stale = false;
        try {
            co_await c.scalar<int>("SELECT a FROM shape");
        } catch (const DatabaseError& e) {
            stale = e.sqlstate() == "26000";
        }
        EXPECT_TRUE(stale);
        co_await c.rollback();
        EXPECT_EQ(co_await c.scalar<int>("SELECT a FROM shape"), 1);
    });
}

TEST_F(PostgresqlOnly, ServerErrorsKeepDetailAndHintAndMapBySqlstate) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("CREATE TABLE u (id INTEGER PRIMARY KEY)");
        co_await c.execute("INSERT INTO u VALUES (1)");
        co_await c.commit();
        try {
            co_await c.execute("INSERT INTO u VALUES (1)");
            ADD_FAILURE() << "no error";
        } catch (const IntegrityError& e) {
            EXPECT_EQ(e.sqlstate(), "23505");
            EXPECT_EQ(e.detail(), "Key (id)=(1) already exists.");
        }
        co_await c.rollback();
        try {
            co_await c.execute("SELECT * FROM u WHERE id = 'x'");
            ADD_FAILURE() << "no error";
        } catch (const DataError& e) {
            EXPECT_EQ(e.sqlstate(), "22P02");
        }
        co_await c.rollback();
        try {
            co_await c.execute("SELECT nonexistent_function(1)");
            ADD_FAILURE() << "no error";
        } catch (const ProgrammingError& e) {
            EXPECT_EQ(e.sqlstate(), "42883");
            EXPECT_FALSE(e.hint().empty()) << e.what();
        }
        co_await c.rollback();
    });
}

TEST_F(PostgresqlOnly, SerializationFailureIsRecognisable) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await engine.transaction([](Connection& c) -> asio::awaitable<void> {
            co_await c.execute("CREATE TABLE counter (n INTEGER)");
            co_await c.execute("INSERT INTO counter VALUES (0)");
        });
        auto a = co_await engine.connect();
        auto b = co_await engine.connect();
        a.set_execution_options(ExecutionOptions{.isolation_level = "SERIALIZABLE"});
        b.set_execution_options(ExecutionOptions{.isolation_level = "SERIALIZABLE"});
        const int seen_a = co_await a.scalar<int>("SELECT n FROM counter");
        const int seen_b = co_await b.scalar<int>("SELECT n FROM counter");
        co_await a.execute("UPDATE counter SET n = :n", {{"n", seen_a + 1}});
        co_await a.commit();
        bool serialization = false;
        try {
            co_await b.execute("UPDATE counter SET n = :n", {{"n", seen_b + 1}});
            co_await b.commit();
        } catch (const OperationalError& e) {
            serialization = e.is_serialization_failure() && e.sqlstate() == "40001";
        }
        EXPECT_TRUE(serialization);
        co_await b.rollback();
    });
}

TEST_F(PostgresqlOnly, AnErrorMidStreamEndsTheStreamWithThatError) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        auto stream = co_await c.stream("SELECT 10 / (5000 - i) AS q FROM generate_series(1, 10000) AS i");
        std::size_t rows = 0;
        bool division_by_zero = false;
        try {
            while (auto part = co_await stream.partition(1000)) rows += part.size();
        } catch (const DataError& e) {
            division_by_zero = e.sqlstate() == "22012";
        }
        EXPECT_TRUE(division_by_zero);
        EXPECT_LT(rows, 5000u);
        co_await c.rollback();
        EXPECT_EQ(co_await c.scalar<int>("SELECT 3"), 3);
    });
}

TEST_F(PostgresqlOnly, AValueThatCannotBeDecodedFailsTheCallAndKeepsTheConnectionInStep) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        EXPECT_THROW(co_await c.execute("SELECT 'infinity'::timestamp AS t, 1 AS n"), DataError);
        co_await c.rollback();
        EXPECT_EQ(co_await c.scalar<int>("SELECT 4"), 4);
    });
}

TEST_F(PostgresqlOnly, CopyToWithACopyFromStatementFailsClearly) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("CREATE TABLE t (x INTEGER)");
        EXPECT_THROW(co_await c.copy_to("COPY t FROM STDIN", [](std::string_view) {}), ProgrammingError);
        co_await c.rollback();
        EXPECT_THROW(co_await c.copy_to("SELECT 1", [](std::string_view) {}), ProgrammingError);
        co_await c.rollback();
        EXPECT_EQ(co_await c.scalar<int>("SELECT 5"), 5);
    });
}

// Cached statements read rows in the binary format, unnamed ones in text:
// both decoders must give the same values.
TEST_F(PostgresqlOnly, TypesDecodeTheSameFromBinaryAndTextFormats) {
  for (const char* cache_size : {"100", "0"}) {
    SCOPED_TRACE(std::string("statement_cache_size=") + cache_size);
    with_engine({{"statement_cache_size", cache_size}}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        auto row = (co_await c.execute(
                        "SELECT 1::int2 AS i2, 2::int4 AS i4, 3::int8 AS i8, 1.5::float4 AS f4, 2.25::float8 AS f8, "
                        "123456789012345678901234.5678::numeric AS n, true AS b, 'x'::varchar AS v, 'y'::char(2) AS ch, "
                        "'\\x00ff'::bytea AS by, DATE '2024-02-29' AS d, TIME '13:05:00.25' AS t, "
                        "TIMESTAMP '2024-01-01 00:00:05' AS ts, TIMESTAMPTZ '2024-01-01 02:00:05+02' AS tz, "
                        "INTERVAL '1 year 2 days 03:00:00' AS iv, '123e4567-e89b-12d3-a456-426614174000'::uuid AS u, "
                        "'{\"a\": 1}'::json AS j, '{\"a\": 1}'::jsonb AS jb, 26::oid AS o, "
                        "ARRAY[1, NULL, 3]::int4[] AS arr, ARRAY['a b', 'c']::text[] AS tarr"))
                       .one();
        EXPECT_EQ(row.get<int>("i2"), 1);
        EXPECT_EQ(row.get<std::int64_t>("i8"), 3);
        EXPECT_EQ(row.get<double>("f4"), 1.5);
        EXPECT_EQ(row.get<Decimal>("n").text, "123456789012345678901234.5678");
        EXPECT_EQ(row.get<bool>("b"), true);
        EXPECT_EQ(row.get<std::string>("ch"), "y ");
        EXPECT_EQ(row.get<Bytes>("by"), (Bytes{std::byte{0}, std::byte{0xff}}));
        EXPECT_EQ(format_date(row.get<Date>("d")), "2024-02-29");
        EXPECT_EQ(format_time(row.get<Time>("t")), "13:05:00.250000");
        EXPECT_EQ(format_timestamp(row.get<Timestamp>("ts")), "2024-01-01 00:00:05");
        EXPECT_EQ(format_timestamp(row.get<Timestamp>("tz")), "2024-01-01 00:00:05");
        EXPECT_EQ(row.get<Interval>("iv").months, 12);
        EXPECT_EQ(row.get<Interval>("iv").days, 2);
        EXPECT_EQ(row.get<Uuid>("u").to_string(), "123e4567-e89b-12d3-a456-426614174000");
        EXPECT_EQ(row.get<Json>("jb").text, "{\"a\": 1}");
        EXPECT_EQ(row.get<std::int64_t>("o"), 26);
        auto arr = row.get<std::vector<std::optional<int>>>("arr");
        EXPECT_EQ(arr, (std::vector<std::optional<int>>{1, std::nullopt, 3}));
        EXPECT_EQ(row.get<std::vector<std::string>>("tarr"), (std::vector<std::string>{"a b", "c"}));
        // A type without a binary decoder makes the whole result text.
        EXPECT_EQ(co_await c.scalar<std::string>("SELECT '(1,2)'::point"), "(1,2)") << "unknown types arrive as text";
    });
  }
}

TEST_F(PostgresqlOnly, ParametersAreTypedFromTheirValues) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute(
            "CREATE TABLE typed (i INTEGER, n NUMERIC(10, 2), u UUID, ts TIMESTAMPTZ, arr INTEGER[], iv INTERVAL)");
        const Params values{{"i", 7},
                            {"n", Decimal{"12.50"}},
                            {"u", std::string("123e4567-e89b-12d3-a456-426614174000")},
                            {"ts", Timestamp{std::chrono::seconds{1'700'000'000}}},
                            {"arr", std::vector<int>{1, 2}},
                            {"iv", Interval{.months = 1, .days = 2, .time = std::chrono::hours{3}}}};
        co_await c.execute("INSERT INTO typed VALUES (:i, :n, :u, :ts, :arr, :iv)", values);
        auto row = (co_await c.execute("SELECT * FROM typed WHERE i = :i AND u = :u",
                                       {{"i", std::int64_t{7}}, {"u", "123e4567-e89b-12d3-a456-426614174000"}}))
                       .one();
        EXPECT_EQ(row.get<Decimal>("n").text, "12.50");
        EXPECT_EQ(row.get<Timestamp>("ts"), Timestamp{std::chrono::seconds{1'700'000'000}});
        EXPECT_EQ(row.get<std::vector<int>>("arr"), (std::vector<int>{1, 2}));
        EXPECT_EQ(row.get<Interval>("iv").days, 2);
    });
}

TEST_F(PostgresqlOnly, IsolationLevelsReachTheServer) {
    with_engine({{"isolation_level", "REPEATABLE READ"}}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        EXPECT_EQ(co_await c.scalar<std::string>("SHOW transaction_isolation"), "repeatable read");
        co_await c.rollback();
        c.set_execution_options(ExecutionOptions{.isolation_level = "SERIALIZABLE"});
        EXPECT_EQ(co_await c.scalar<std::string>("SHOW transaction_isolation"), "serializable");
    });
}

TEST_F(PostgresqlOnly, BadCredentialsAndUnknownOptionsFailClearly) {
    const std::string url = backend_under_test().fresh_url();
    const auto at = url.find('@');
    const std::string wrong = "postgresql://asyncsql:wrong-password" + url.substr(at);
    Engine engine = create_engine(wrong);
    bool failed = false;
    try {
        run_async([&]() -> asio::awaitable<void> { auto c = co_await engine.connect(); });
    } catch (const OperationalError& e) {
        failed = std::string(e.what()).find("password authentication failed") != std::string::npos;
        EXPECT_EQ(std::string(e.what()).find("wrong-password"), std::string::npos) << "password leaked";
    }
    EXPECT_TRUE(failed);
    EXPECT_EQ(engine.pool_status().connections, 0u);
    EXPECT_THROW(create_engine(url + "?no_such_libpq_option=1"), ArgumentError);
}

}  // namespace
}  // namespace asyncsql::test

namespace asyncsql::test {
namespace {

TEST_F(PostgresqlOnly, CopyLoadsOneHundredThousandRowsAndExportsThem) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("CREATE TABLE bulk (id BIGINT PRIMARY KEY, name TEXT, note TEXT, at TIMESTAMP)");
        std::vector<std::vector<Value>> rows;
        rows.reserve(100'000);
        const Timestamp epoch{std::chrono::seconds{1'700'000'000}};
        for (std::int64_t i = 1; i <= 100'000; ++i) {
            Value note = i % 10 == 0 ? Value() : Value(std::string("tab\there, newline\nand \\backslash"));
            rows.push_back({Value(i), Value("user_" + std::to_string(i)), std::move(note),
                            Value(epoch + std::chrono::seconds{i})});
        }
        const std::vector<std::string> columns{"id", "name", "note", "at"};
        const auto loaded = co_await c.copy_records("bulk", columns, rows);
        EXPECT_EQ(loaded, 100'000);
        co_await c.commit();
        EXPECT_EQ(co_await c.scalar<std::int64_t>("SELECT COUNT(*) FROM bulk"), 100'000);
        EXPECT_EQ(co_await c.scalar<std::int64_t>("SELECT COUNT(*) FROM bulk WHERE note IS NULL"), 10'000);
        auto row = (co_await c.execute("SELECT name, note, at FROM bulk WHERE id = 7")).one();
        EXPECT_EQ(row.get<std::string>("note"), "tab\there, newline\nand \\backslash");
        EXPECT_EQ(row.get<Timestamp>("at"), epoch + std::chrono::seconds{7});

        std::string exported;
        const auto copied =
            co_await c.copy_to("COPY (SELECT id, name FROM bulk WHERE id <= 3 ORDER BY id) TO STDOUT (FORMAT csv)",
                               [&](std::string_view chunk) { exported += chunk; });
        EXPECT_EQ(copied, 3);
        EXPECT_EQ(exported, "1,user_1\n2,user_2\n3,user_3\n");
    });
}

TEST_F(PostgresqlOnly, CopyWithABadRowLoadsNothingAndTheConnectionRecovers) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("CREATE TABLE bulk (id INTEGER PRIMARY KEY, name TEXT)");
        co_await c.commit();
        std::vector<std::vector<Value>> rows{{Value(1), Value("a")}, {Value(1), Value("duplicate")}};
        const std::vector<std::string> columns{"id", "name"};
        EXPECT_THROW(co_await c.copy_records("bulk", columns, rows), IntegrityError);
        co_await c.rollback();
        rows[1] = {Value(2), Value(std::string("nul\0byte", 8))};
        EXPECT_THROW(co_await c.copy_records("bulk", columns, rows), DataError);
        co_await c.rollback();
        EXPECT_EQ(co_await c.scalar<std::int64_t>("SELECT COUNT(*) FROM bulk"), 0);
        const std::vector<std::string> one{"id"};
        EXPECT_THROW(co_await c.copy_records("bulk", one, rows), ArgumentError);
    });
}

TEST_F(PostgresqlOnly, ListenerReceivesNotificationsAndSurvivesALostConnection) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        postgresql::Listener listener(engine);
        co_await listener.listen("orders");
        auto sender = co_await engine.connect();
        sender.set_execution_options(ExecutionOptions{.isolation_level = "AUTOCOMMIT"});
        co_await sender.execute("SELECT pg_notify('orders', 'first')");
        auto first = co_await listener.next();
        EXPECT_EQ(first.channel, "orders");
        EXPECT_EQ(first.payload, "first");
        EXPECT_GT(first.sender_pid, 0);

        // Kill the listener's backend; keep notifying until it is back.
        const std::int64_t old_pid = listener.backend_pid();
        co_await sender.execute("SELECT pg_terminate_backend(:pid)", {{"pid", old_pid}});
        auto ex = co_await asio::this_coro::executor;
        bool received = false;
        asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
            for (int i = 0; i < 100 && !received; ++i) {
                co_await sleep_for(50ms);
                co_await sender.execute("SELECT pg_notify('orders', 'after')");
            }
        }, asio::detached);
        auto after = co_await listener.next();
        received = true;
        EXPECT_EQ(after.payload, "after");
        EXPECT_EQ(listener.reconnects(), 1u);
        EXPECT_NE(listener.backend_pid(), old_pid);
        co_await sleep_for(100ms);  // let the sender task see `received`
        co_await listener.close();
    });
}

TEST_F(PostgresqlOnly, ListenerNeedsAPostgresqlEngine) {
    Engine sqlite = create_engine("sqlite://");
    EXPECT_THROW(postgresql::Listener{sqlite}, ArgumentError);
}

}  // namespace
}  // namespace asyncsql::test

namespace asyncsql::test {
namespace {

// The admin URL's parts, for building the other URL forms.
struct ServerAddress {
    std::string port;
    std::string database_url;  // a fresh database, scram user
};

ServerAddress fresh_address() {
    ServerAddress out;
    out.database_url = backend_under_test().fresh_url();
    const Url url = Url::parse(out.database_url);
    out.port = std::to_string(url.port.value_or(5432));
    return out;
}

asio::awaitable<std::string> current_user(Engine& engine) {
    auto c = co_await engine.connect();
    co_return co_await c.scalar<std::string>("SELECT current_user");
}

TEST(PostgresqlUrls, UnixSocketMd5MultipleHostsAndSslmodePassThrough) {
    const ServerAddress address = fresh_address();
    const Url base = Url::parse(address.database_url);
    const std::string socket_dir = std::string(ASYNCSQL_TEST_PG_URL_FILE).substr(
        0, std::string(ASYNCSQL_TEST_PG_URL_FILE).rfind('/'));

    // Unix socket: an empty host and ?host=<directory>.
    run_with_engine(create_engine("postgresql://asyncsql:asyncsql-test@/" + base.database + "?host=" + socket_dir +
                                  "&port=" + address.port),
                    [](Engine& engine) -> asio::awaitable<void> {
                        auto c = co_await engine.connect();
                        EXPECT_TRUE((co_await c.scalar<std::optional<std::string>>(
                                         "SELECT inet_server_addr()::text")) == std::nullopt)
                            << "connected over TCP instead of the socket";
                    });
    // md5 authentication.
    run_with_engine(create_engine("postgresql://asyncsql_md5:asyncsql-test@127.0.0.1:" + address.port + "/" +
                                  base.database),
                    [](Engine& engine) -> asio::awaitable<void> {
                        EXPECT_EQ(co_await current_user(engine), "asyncsql_md5");
                    });
    // A host name, looked up without blocking: "localhost" may list ::1
    // first, where the server does not listen; the next address is tried.
    run_with_engine(create_engine("postgresql://asyncsql:asyncsql-test@localhost:" + address.port + "/" +
                                  base.database),
                    [](Engine& engine) -> asio::awaitable<void> {
                        EXPECT_EQ(co_await current_user(engine), "asyncsql");
                    });
    bool unresolvable = false;
    try {
        run_with_engine(create_engine("postgresql://asyncsql:asyncsql-test@no-such-host.invalid:" + address.port +
                                      "/" + base.database),
                        [](Engine& engine) -> asio::awaitable<void> { auto c = co_await engine.connect(); });
    } catch (const OperationalError& e) {
        unresolvable = e.is_disconnect();
    }
    EXPECT_TRUE(unresolvable);
    // Several hosts: the first refuses, the second is the server.
    run_with_engine(create_engine("postgresql://asyncsql:asyncsql-test@/" + base.database +
                                  "?host=127.0.0.1,127.0.0.1&port=1," + address.port +
                                  "&target_session_attrs=read-write"),
                    [](Engine& engine) -> asio::awaitable<void> {
                        EXPECT_EQ(co_await current_user(engine), "asyncsql");
                    });
    // libpq options pass through: sslmode=disable works, require fails clearly.
    run_with_engine(create_engine(address.database_url + "?sslmode=disable&application_name=asyncsql-test"),
                    [](Engine& engine) -> asio::awaitable<void> {
                        auto c = co_await engine.connect();
                        EXPECT_EQ(co_await c.scalar<std::string>("SELECT current_setting('application_name')"),
                                  "asyncsql-test");
                    });
    bool refused = false;
    try {
        run_with_engine(create_engine(address.database_url + "?sslmode=require"),
                        [](Engine& engine) -> asio::awaitable<void> { auto c = co_await engine.connect(); });
    } catch (const OperationalError& e) {
        refused = std::string(e.what()).find("SSL") != std::string::npos;
    }
    EXPECT_TRUE(refused) << "the test server has no TLS; sslmode=require must fail";
}

TEST_F(PostgresqlOnly, ReadOnlyAndDeferrableTransactions) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("CREATE TABLE t (x INTEGER)");
        co_await c.commit();
        c.set_execution_options(ExecutionOptions{.isolation_level = "SERIALIZABLE", .read_only = true,
                                                 .deferrable = true});
        EXPECT_EQ(co_await c.scalar<std::string>("SHOW transaction_read_only"), "on");
        EXPECT_EQ(co_await c.scalar<std::string>("SHOW transaction_deferrable"), "on");
        bool refused = false;
        try {
            co_await c.execute("INSERT INTO t VALUES (1)");
        } catch (const DatabaseError& e) {
            refused = e.sqlstate() == "25006";  // read_only_sql_transaction
        }
        EXPECT_TRUE(refused);
        co_await c.rollback();
    });
}

}  // namespace
}  // namespace asyncsql::test
