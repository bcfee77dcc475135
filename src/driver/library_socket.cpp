#include "driver/library_socket.hpp"

#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace asyncsql::driver {

void LibrarySocket::follow(int fd) {
    if (socket_ && fd == library_fd_) return;
    close();
    if (fd < 0) return;
    const int duplicate = ::dup(fd);
    if (duplicate < 0) throw std::system_error(errno, std::generic_category(), "dup");
    socket_.emplace(executor_, duplicate);
    library_fd_ = fd;
}

void LibrarySocket::close() noexcept {
    socket_.reset();
    library_fd_ = -1;
}

}  // namespace asyncsql::driver
