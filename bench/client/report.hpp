#pragma once
// The one JSON line a client prints (WORKLOADS.md, "Client protocol").

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bench {

struct Report {
    std::string workload;
    std::int64_t ops = 0;
    double seconds = 0;
    std::string checksum;
    // Settings worth knowing when reading the figure (pool size, modes...).
    std::vector<std::pair<std::string, std::string>> details;
};

// {"client": "asyncsql", "workload": ..., "ops": ..., "seconds": ..., "ops_per_s": ...,
//  "checksum": ..., "max_rss_kb": ..., details...}
std::string to_json_line(const Report& report);
// The same with "ops_per_s": null and the reason the workload could not run.
std::string failure_json_line(const std::string& workload, const std::string& reason);

}  // namespace bench
