#include "support/temp_dir.hpp"

#include <stdexcept>
#include <string>

#include <cstdlib>

namespace asyncsql::test {

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "asyncsql-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::sqlite_url(const std::string& name) const {
    return "sqlite:///" + (path_ / name).string();
}

}  // namespace asyncsql::test
