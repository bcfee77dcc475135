#include "driver/cancel_request.hpp"

#include <thread>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "asyncsql/error.hpp"

namespace asyncsql::driver {

void CancelRequest::send(std::function<void()> send) noexcept {
    if (in_flight()) return;  // one on its way is enough
    auto delivered = std::make_shared<std::atomic<bool>>(false);
    try {
        std::thread([send = std::move(send), delivered] {
            try {
                send();
            } catch (...) {
                // Best effort: the statement then runs to its end.
            }
            delivered->store(true);
        }).detach();
        delivered_ = std::move(delivered);
    } catch (...) {
        // No thread: nothing was sent, nothing to wait for.
    }
}

boost::asio::awaitable<bool> CancelRequest::settled(boost::asio::any_io_executor executor,
                                                    std::chrono::milliseconds limit) {
    if (!delivered_) co_return true;
    boost::asio::steady_timer pause(executor);
    const auto give_up = std::chrono::steady_clock::now() + limit;
    while (!delivered_->load()) {
        if (std::chrono::steady_clock::now() > give_up) co_return false;
        pause.expires_after(std::chrono::milliseconds(1));
        boost::system::error_code ec;
        co_await pause.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        if (ec == boost::asio::error::operation_aborted)
            throw OperationalError("cancelled while a cancel request was on its way", ErrorKind::cancelled);
    }
    delivered_.reset();
    co_return true;
}

}  // namespace asyncsql::driver
