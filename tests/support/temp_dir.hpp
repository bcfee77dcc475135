#pragma once

#include <filesystem>
#include <string>

namespace asyncsql::test {

// A fresh directory under the system temp folder, removed with its contents.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }
    // "sqlite:////tmp/.../name"
    std::string sqlite_url(const std::string& name) const;

private:
    std::filesystem::path path_;
};

}  // namespace asyncsql::test
