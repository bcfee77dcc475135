#pragma once
// What a fault test must leave as it found it: the process's threads and open
// file descriptors, read from /proc/self. Take a snapshot before the load and
// compare after the engine is disposed.

#include <cstddef>
#include <string>

namespace asyncsql::test {

struct ProcessResources {
    std::size_t threads = 0;
    std::size_t descriptors = 0;

    static ProcessResources now();
    // "" when `later` holds no more than this snapshot, else what grew.
    std::string leaked_in(const ProcessResources& later) const;
};

// Polls (at most `patience_ms`) until the process is back to `before`:
// threads and sockets closed in the background take a moment to go.
// Returns what is still leaked, "" when nothing.
std::string wait_until_released(const ProcessResources& before, int patience_ms = 3000);

}  // namespace asyncsql::test
