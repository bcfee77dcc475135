#include "options.hpp"

#include <charconv>
#include <stdexcept>
#include <string_view>

namespace bench {

namespace {

constexpr std::string_view usage =
    "usage: asyncsql-bench --backend pg|mysql|sqlite --workload NAME --url URL "
    "[--concurrency C] [--pool P] [--ops N]";

std::size_t parse_count(std::string_view flag, std::string_view text) {
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || value == 0)
        throw std::invalid_argument(std::string(flag) + " needs a positive integer, got '" +
                                    std::string(text) + "'");
    return value;
}

}  // namespace

Options parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; i += 2) {
        const std::string_view flag = argv[i];
        if (i + 1 >= argc) throw std::invalid_argument("missing value for " + std::string(flag));
        const std::string_view value = argv[i + 1];
        if (flag == "--backend") options.backend = value;
        else if (flag == "--workload") options.workload = value;
        else if (flag == "--url") options.url = value;
        else if (flag == "--concurrency") options.concurrency = parse_count(flag, value);
        else if (flag == "--pool") options.pool = parse_count(flag, value);
        else if (flag == "--ops") options.ops = parse_count(flag, value);
        else throw std::invalid_argument("unknown argument " + std::string(flag) + "\n" + std::string(usage));
    }
    if (options.backend.empty() || options.workload.empty() || options.url.empty())
        throw std::invalid_argument(std::string(usage));
    return options;
}

}  // namespace bench
