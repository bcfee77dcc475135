#include "asyncsql/engine/transaction.hpp"

#include "asyncsql/error.hpp"
#include "engine/connection_state.hpp"

namespace asyncsql {

Transaction::Transaction(Transaction&& other) noexcept
    : state_(std::move(other.state_)), serial_(std::exchange(other.serial_, 0)) {}

Transaction& Transaction::operator=(Transaction&& other) noexcept {
    if (this != &other) {
        abandon();
        state_ = std::move(other.state_);
        serial_ = std::exchange(other.serial_, 0);
    }
    return *this;
}

Transaction::~Transaction() { abandon(); }

void Transaction::abandon() noexcept {
    if (state_) state_->abandon_frame(serial_);
    state_.reset();
}

boost::asio::awaitable<void> Transaction::commit() {
    if (!state_) throw InterfaceError("this transaction handle is empty", ErrorKind::invalid_state);
    co_await state_->end_frame(serial_, true);
}

boost::asio::awaitable<void> Transaction::rollback() {
    if (!state_) throw InterfaceError("this transaction handle is empty", ErrorKind::invalid_state);
    co_await state_->end_frame(serial_, false);
}

bool Transaction::is_active() const noexcept {
    return state_ && !state_->closed && state_->frame_index(serial_) >= 0;
}

bool Transaction::is_nested() const noexcept { return state_ && state_->frame_index(serial_) > 0; }

}  // namespace asyncsql
