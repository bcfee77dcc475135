#include "report.hpp"

#include <fstream>
#include <string_view>

#include <sys/resource.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace bench {

namespace {

// Peak RSS of this program. getrusage's ru_maxrss survives exec, so under
// run.py it would start at the Python parent's size; the kernel's VmHWM is
// this address space's own high-water mark. ru_maxrss is the fallback.
std::int64_t peak_rss_kb() {
    std::ifstream status("/proc/self/status");
    constexpr std::string_view key = "VmHWM:";
    for (std::string line; std::getline(status, line);)
        if (line.starts_with(key)) return std::stoll(line.substr(key.size()));
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

}  // namespace

std::string to_json_line(const Report& report) {
    boost::json::object line;
    line["client"] = "asyncsql";
    line["workload"] = report.workload;
    line["ops"] = report.ops;
    line["seconds"] = report.seconds;
    line["ops_per_s"] = report.seconds > 0 ? static_cast<double>(report.ops) / report.seconds : 0.0;
    line["checksum"] = report.checksum;
    line["max_rss_kb"] = peak_rss_kb();
    for (const auto& [key, value] : report.details) line[key] = value;
    return boost::json::serialize(line);
}

std::string failure_json_line(const std::string& workload, const std::string& reason) {
    boost::json::object line;
    line["client"] = "asyncsql";
    line["workload"] = workload;
    line["ops"] = 0;
    line["seconds"] = nullptr;
    line["ops_per_s"] = nullptr;
    line["checksum"] = nullptr;
    line["reason"] = reason;
    return boost::json::serialize(line);
}

}  // namespace bench
