#pragma once
// The command line of the client protocol in shared/bench/WORKLOADS.md:
//   asyncsql-bench --backend pg|mysql|sqlite --workload NAME --url URL
//                  [--concurrency C] [--pool P] [--ops N]
// A count left out stays 0: the workload supplies its default.

#include <cstddef>
#include <string>

namespace bench {

struct Options {
    std::string backend;   // pg, mysql or sqlite
    std::string workload;  // point, point_concurrent, fetch_all, stream, insert_many, txn
    std::string url;
    std::size_t concurrency = 0;  // tasks running operations at once
    std::size_t pool = 0;         // pooled connections they share
    std::size_t ops = 0;          // operations; repetitions for fetch_all and stream
};

// Throws std::invalid_argument with a usage message on a bad command line.
Options parse_options(int argc, char** argv);

}  // namespace bench
