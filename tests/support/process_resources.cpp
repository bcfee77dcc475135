#include "support/process_resources.hpp"

#include <chrono>
#include <filesystem>
#include <system_error>
#include <thread>

namespace asyncsql::test {
namespace {

std::size_t entries_in(const char* folder) {
    std::error_code ec;
    std::size_t count = 0;
    for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) ++count;
    return count;
}

// ThreadSanitizer starts a background thread of its own with the process's
// first other thread, and keeps it: start it before the first snapshot, so
// that it is not taken for a thread the code under test leaked.
#if defined(__SANITIZE_THREAD__)
#define ASYNCSQL_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ASYNCSQL_TEST_TSAN 1
#endif
#endif

void start_sanitizer_threads() {
#ifdef ASYNCSQL_TEST_TSAN
    static const bool started = [] {
        std::thread([] {}).join();
        return true;
    }();
    (void)started;
#endif
}

}  // namespace

ProcessResources ProcessResources::now() {
    start_sanitizer_threads();
    // The directory iterator holds one descriptor of its own while counting.
    const std::size_t descriptors = entries_in("/proc/self/fd");
    return {.threads = entries_in("/proc/self/task"), .descriptors = descriptors > 0 ? descriptors - 1 : 0};
}

std::string ProcessResources::leaked_in(const ProcessResources& later) const {
    std::string leaked;
    if (later.threads > threads)
        leaked += std::to_string(later.threads - threads) + " thread(s) (" + std::to_string(threads) + " -> " +
                  std::to_string(later.threads) + ")";
    if (later.descriptors > descriptors)
        leaked += std::string(leaked.empty() ? "" : ", ") + std::to_string(later.descriptors - descriptors) +
                  " descriptor(s) (" + std::to_string(descriptors) + " -> " + std::to_string(later.descriptors) +
                  ")";
    return leaked;
}

std::string wait_until_released(const ProcessResources& before, int patience_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(patience_ms);
    for (;;) {
        std::string leaked = before.leaked_in(ProcessResources::now());
        if (leaked.empty() || std::chrono::steady_clock::now() >= deadline) return leaked;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace asyncsql::test
