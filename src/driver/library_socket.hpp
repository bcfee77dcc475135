#pragma once
// Asio's view of a client library's socket (libpq, Connector/C): waits go
// through a duplicate descriptor, so closing either side never closes the
// other's.

#include <optional>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

namespace asyncsql::driver {

class LibrarySocket {
public:
    explicit LibrarySocket(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}

    // Watches the library's socket `fd`: a new duplicate when it changed
    // (libpq moves to another socket while it tries hosts). Nothing is
    // watched for fd < 0; throws std::system_error when dup fails.
    void follow(int fd);
    void close() noexcept;

    explicit operator bool() const noexcept { return socket_.has_value(); }
    boost::asio::posix::stream_descriptor* operator->() noexcept { return &*socket_; }

private:
    boost::asio::any_io_executor executor_;
    std::optional<boost::asio::posix::stream_descriptor> socket_;  // owns the duplicate
    int library_fd_ = -1;
};

}  // namespace asyncsql::driver
