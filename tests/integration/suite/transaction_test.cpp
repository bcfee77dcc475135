// Transactions: commit as you go, handles, savepoints, and what happens to
// work left open.

#include <stdexcept>

#include "suite/suite.hpp"

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;

asio::awaitable<void> create_ledger(Engine& engine) {
    co_await engine.transaction([](Connection& c) -> asio::awaitable<void> {
        co_await c.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, note VARCHAR(32))");
    });
}

asio::awaitable<std::vector<int>> ids(Engine& engine) {
    auto c = co_await engine.connect();
    co_return co_await c.scalars<int>("SELECT id FROM ledger ORDER BY id");
}

using TransactionSuite = EngineSuite;

TEST_F(TransactionSuite, EngineTransactionCommitsOnReturn) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await create_ledger(engine);
        int returned = co_await engine.transaction([](Connection& c) -> asio::awaitable<int> {
            co_await c.execute("INSERT INTO ledger VALUES (1, 'a')");
            co_return 7;
        });
        EXPECT_EQ(returned, 7);
        {
            auto got = co_await ids(engine);
            EXPECT_EQ(got, std::vector<int>{1});
        }
    });
}

TEST_F(TransactionSuite, ExceptionInsideEngineTransactionRollsBackAndRethrows) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await create_ledger(engine);
        bool caught = false;
        try {
            co_await engine.transaction([](Connection& c) -> asio::awaitable<void> {
                co_await c.execute("INSERT INTO ledger VALUES (1, 'a')");
                throw std::runtime_error("boom");
            });
        } catch (const std::runtime_error& e) {
            caught = std::string(e.what()) == "boom";
        }
        EXPECT_TRUE(caught);
        EXPECT_TRUE((co_await ids(engine)).empty());
        EXPECT_EQ(engine.pool_status().checked_out, 0u);
    });
}

TEST_F(TransactionSuite, CommitAsYouGo) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await create_ledger(engine);
        auto c = co_await engine.connect();
        EXPECT_FALSE(c.in_transaction());
        co_await c.execute("INSERT INTO ledger VALUES (1, 'a')");
        EXPECT_TRUE(c.in_transaction());
        co_await c.commit();
        EXPECT_FALSE(c.in_transaction());
        co_await c.execute("INSERT INTO ledger VALUES (2, 'b')");
        co_await c.rollback();
        auto kept = co_await c.scalars<int>("SELECT id FROM ledger");
        EXPECT_EQ(kept, std::vector<int>{1});
        co_await c.commit();
    });
}

TEST_F(TransactionSuite, SavepointRollbackKeepsOuterWork) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await create_ledger(engine);
        co_await engine.transaction([](Connection& c) -> asio::awaitable<void> {
            co_await c.execute("INSERT INTO ledger VALUES (1, 'outer')");
            try {
                co_await c.nested([](Connection& inner) -> asio::awaitable<void> {
                    EXPECT_TRUE(inner.in_nested_transaction());
                    co_await inner.execute("INSERT INTO ledger VALUES (2, 'inner')");
                    throw std::runtime_error("undo the inner part");
                });
            } catch (const std::runtime_error&) {
            }
            EXPECT_FALSE(c.in_nested_transaction());
            co_await c.execute("INSERT INTO ledger VALUES (3, 'outer again')");
        });
        {
            auto got = co_await ids(engine);
            EXPECT_EQ(got, (std::vector<int>{1, 3}));
        }
    });
}

TEST_F(TransactionSuite, SeveralSavepointLevels) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await create_ledger(engine);
        auto c = co_await engine.connect();
        auto outer = co_await c.begin();
        co_await c.execute("INSERT INTO ledger VALUES (1, 'l0')");
        auto sp1 = co_await c.begin_nested();
        co_await c.execute("INSERT INTO ledger VALUES (2, 'l1')");
        auto sp2 = co_await c.begin_nested();
        co_await c.execute("INSERT INTO ledger VALUES (3, 'l2')");
        auto sp3 = co_await c.begin_nested();
        co_await c.execute("INSERT INTO ledger VALUES (4, 'l3')");
        EXPECT_TRUE(sp3.is_nested());
        co_await sp3.commit();
        co_await sp2.rollback();  // drops 3 and 4
        EXPECT_TRUE(sp1.is_active());
        co_await sp1.commit();
        co_await outer.commit();
        EXPECT_FALSE(outer.is_active());
        EXPECT_THROW(co_await outer.commit(), InterfaceError);
        {
            auto got = co_await ids(engine);
            EXPECT_EQ(got, (std::vector<int>{1, 2}));
        }
    });
}

TEST_F(TransactionSuite, EndingAnOuterLevelEndsTheInnerOnes) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await create_ledger(engine);
        auto c = co_await engine.connect();
        auto outer = co_await c.begin();
        co_await c.execute("INSERT INTO ledger VALUES (1, 'a')");
        auto inner = co_await c.begin_nested();
        co_await c.execute("INSERT INTO ledger VALUES (2, 'b')");
        co_await outer.rollback();
        EXPECT_FALSE(inner.is_active());
        EXPECT_FALSE(c.in_transaction());
        EXPECT_TRUE((co_await ids(engine)).empty());
    });
}

TEST_F(TransactionSuite, BeginTwiceIsAnError) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        auto tx = co_await c.begin();
        EXPECT_THROW(co_await c.begin(), InterfaceError);
        co_await tx.rollback();
    });
}

TEST_F(TransactionSuite, DroppedTransactionHandleRollsBackWithTheNextStatement) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await create_ledger(engine);
        auto c = co_await engine.connect();
        {
            auto tx = co_await c.begin();
            co_await c.execute("INSERT INTO ledger VALUES (1, 'dropped')");
            auto sp = co_await c.begin_nested();
            co_await c.execute("INSERT INTO ledger VALUES (2, 'dropped too')");
        }
        EXPECT_FALSE(c.in_transaction());
        EXPECT_TRUE((co_await c.scalars<int>("SELECT id FROM ledger")).empty());
        co_await c.rollback();
    });
}

TEST_F(TransactionSuite, DroppedSavepointHandleUndoesOnlyItsLevel) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await create_ledger(engine);
        auto c = co_await engine.connect();
        auto tx = co_await c.begin();
        co_await c.execute("INSERT INTO ledger VALUES (1, 'kept')");
        {
            auto sp = co_await c.begin_nested();
            co_await c.execute("INSERT INTO ledger VALUES (2, 'dropped')");
        }
        EXPECT_TRUE(c.in_transaction());
        EXPECT_FALSE(c.in_nested_transaction());
        co_await tx.commit();
        {
            auto got = co_await ids(engine);
            EXPECT_EQ(got, std::vector<int>{1});
        }
    });
}

TEST_F(TransactionSuite, ConnectionDroppedMidTransactionComesBackClean) {
    with_engine({{"pool_size", "1"}, {"max_overflow", "0"}}, [](Engine& engine) -> asio::awaitable<void> {
        co_await create_ledger(engine);
        std::uint64_t first_id = 0;
        {
            auto c = co_await engine.connect();
            first_id = c.id();
            co_await c.execute("INSERT INTO ledger VALUES (1, 'never committed')");
            EXPECT_TRUE(c.in_transaction());
        }
        auto again = co_await engine.connect();
        EXPECT_EQ(again.id(), first_id) << "the same pooled connection, reset";
        EXPECT_TRUE((co_await again.scalars<int>("SELECT id FROM ledger")).empty());
        // It also does not hold the write lock of the abandoned transaction.
        co_await again.execute("INSERT INTO ledger VALUES (2, 'ok')");
        co_await again.commit();
    });
}

TEST_F(TransactionSuite, ConnectionDroppedAfterOnlyReadingComesBackWithoutItsTransaction) {
    with_engine({{"pool_size", "1"}, {"max_overflow", "0"}}, [](Engine& engine) -> asio::awaitable<void> {
        co_await create_ledger(engine);
        {
            auto c = co_await engine.connect();
            co_await c.execute("INSERT INTO ledger VALUES (1, 'a')");
            co_await c.commit();
            (void)co_await c.scalars<int>("SELECT id FROM ledger");  // a transaction that only read
            EXPECT_TRUE(c.in_transaction());
        }
        auto again = co_await engine.connect();
        // A new transaction begins with the next statement: had the old one
        // been left open, this BEGIN would fail or nest on the server.
        auto tx = co_await again.begin();
        co_await again.execute("INSERT INTO ledger VALUES (2, 'b')");
        co_await tx.rollback();
        auto ids_now = co_await again.scalars<int>("SELECT id FROM ledger ORDER BY id");
        EXPECT_EQ(ids_now, std::vector<int>{1}) << "the rollback undid only the new transaction";
        co_await again.rollback();
    });
}

TEST_F(TransactionSuite, AutocommitIsolationCommitsEachStatement) {
    with_engine({{"isolation_level", "AUTOCOMMIT"}}, [](Engine& engine) -> asio::awaitable<void> {
        co_await create_ledger(engine);
        {
            auto c = co_await engine.connect();
            co_await c.execute("INSERT INTO ledger VALUES (1, 'auto')");
            EXPECT_FALSE(c.in_transaction());
        }
        {
            auto got = co_await ids(engine);
            EXPECT_EQ(got, std::vector<int>{1});
        }
    });
}

TEST_F(TransactionSuite, TransactionCallableReceivesTheConnectionAndNestsAsSavepoint) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await create_ledger(engine);
        auto c = co_await engine.connect();
        co_await c.transaction([](Connection& tx) -> asio::awaitable<void> {
            co_await tx.execute("INSERT INTO ledger VALUES (1, 'a')");
            co_await tx.transaction([](Connection& inner) -> asio::awaitable<void> {
                EXPECT_TRUE(inner.in_nested_transaction());
                co_await inner.execute("INSERT INTO ledger VALUES (2, 'b')");
            });
        });
        EXPECT_FALSE(c.in_transaction());
        {
            auto got = co_await ids(engine);
            EXPECT_EQ(got, (std::vector<int>{1, 2}));
        }
    });
}

}  // namespace
}  // namespace asyncsql::test
