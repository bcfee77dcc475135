#pragma once
// A server-side cancel (PQcancel, KILL QUERY) sent on a short-lived helper
// thread, since the client libraries do it with blocking calls. The
// connection's next command waits until it has been delivered, so that a
// late request cannot interrupt a statement it was not meant for.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace asyncsql::driver {

class CancelRequest {
public:
    // Runs `send` on a helper thread, unless a request is on its way already.
    void send(std::function<void()> send) noexcept;
    bool in_flight() const noexcept { return delivered_ && !delivered_->load(); }

    // Waits until the last request has been delivered: false when that takes
    // longer than `limit`; OperationalError (cancelled) when the wait is
    // cancelled.
    boost::asio::awaitable<bool> settled(boost::asio::any_io_executor executor, std::chrono::milliseconds limit);

private:
    std::shared_ptr<std::atomic<bool>> delivered_;
};

}  // namespace asyncsql::driver
