#include "asyncsql/pool/pool_status.hpp"

#include <cstdio>

namespace asyncsql {

std::string PoolStatus::to_string() const {
    char line[512];
    std::snprintf(line, sizeof line,
                  "%s size=%zu overflow=%zu/%zu connections=%zu idle=%zu checked_out=%zu "
                  "resetting=%zu waiters=%zu checkouts=%llu connects=%llu discards=%llu timeouts=%llu "
                  "disconnects=%llu pings=%llu ping_failures=%llu shared_checkouts=%llu",
                  kind.c_str(), pool_size, overflow, max_overflow, connections, idle, checked_out,
                  resetting, waiters, static_cast<unsigned long long>(checkouts),
                  static_cast<unsigned long long>(connects), static_cast<unsigned long long>(discards),
                  static_cast<unsigned long long>(timeouts), static_cast<unsigned long long>(disconnects),
                  static_cast<unsigned long long>(pings), static_cast<unsigned long long>(ping_failures),
                  static_cast<unsigned long long>(shared_checkouts));
    std::string out = line;
    for (const auto& holder : holders) {
        std::snprintf(line, sizeof line, "\n  #%llu %s held for %.3f s",
                      static_cast<unsigned long long>(holder.id),
                      holder.label.empty() ? "(no label)" : holder.label.c_str(),
                      std::chrono::duration<double>(holder.held_for).count());
        out += line;
    }
    return out;
}

}  // namespace asyncsql
