#include "support/run_async.hpp"

#include <fstream>
#include <string>

namespace asyncsql::test {

namespace {

// A "Vm...:  123 kB" line of /proc/self/status, in bytes.
std::size_t status_bytes(const std::string& field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1)) * 1024;
    }
    return 0;
}

}  // namespace

std::size_t peak_rss_bytes() { return status_bytes("VmHWM"); }

void reset_peak_rss() {
    // Writing 5 to clear_refs resets the peak (VmHWM) to the current RSS.
    std::ofstream("/proc/self/clear_refs") << "5";
}

}  // namespace asyncsql::test
