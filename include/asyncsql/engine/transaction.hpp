#pragma once
// Transaction: a handle on one level of a connection's transaction stack
// (the outer transaction, or a savepoint). Only the innermost open level is
// usable; closing an outer level closes the ones inside it. A handle dropped
// while open rolls its level back with the connection's next statement (or
// the pool rolls the whole connection back): no IO happens in a destructor.

#include <cstdint>
#include <memory>

#include <boost/asio/awaitable.hpp>

namespace asyncsql {

namespace detail {
struct ConnectionState;
}

class Transaction {
public:
    Transaction() = default;
    Transaction(std::shared_ptr<detail::ConnectionState> state, std::uint64_t serial) noexcept
        : state_(std::move(state)), serial_(serial) {}
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&& other) noexcept;
    ~Transaction();

    boost::asio::awaitable<void> commit();
    boost::asio::awaitable<void> rollback();

    bool is_active() const noexcept;
    bool is_nested() const noexcept;

private:
    void abandon() noexcept;

    std::shared_ptr<detail::ConnectionState> state_;
    std::uint64_t serial_ = 0;
};

}  // namespace asyncsql
