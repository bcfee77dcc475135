#include "checksum.hpp"

#include <chrono>
#include <cmath>
#include <initializer_list>
#include <string_view>

namespace bench {

namespace {

constexpr std::int64_t table_rows = 100'000;

// Code points, not bytes: the checksum counts characters.
std::int64_t utf8_characters(std::string_view text) {
    std::int64_t count = 0;
    for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return count;
}

// round(2 × balance), halves away from zero.
std::int64_t doubled(double balance) { return std::llround(balance * 2.0); }

std::string join(std::initializer_list<std::int64_t> sums) {
    std::string text;
    for (const std::int64_t sum : sums) {
        if (!text.empty()) text += ':';
        text += std::to_string(sum);
    }
    return text;
}

}  // namespace

std::vector<std::int64_t> point_ids(std::size_t count) {
    std::vector<std::int64_t> ids;
    ids.reserve(count);
    std::uint64_t x = 42;
    for (std::size_t i = 0; i < count; ++i) {
        x = (x * 1103515245u + 12345u) % (1u << 31);
        ids.push_back(static_cast<std::int64_t>(x) % table_rows + 1);
    }
    return ids;
}

void RowChecksum::add(const User& user) {
    using namespace std::chrono;
    static constexpr sys_seconds start_of_2024 = sys_days(year(2024) / January / 1);
    ++rows_;
    ids_ += user.id;
    characters_ += utf8_characters(user.name) + utf8_characters(user.email);
    doubled_balances_ += doubled(user.balance);
    active_ += user.active;
    seconds_since_2024_ += duration_cast<seconds>(user.created_at - start_of_2024).count();
}

std::string RowChecksum::text() const {
    return join({rows_, ids_, characters_, doubled_balances_, active_, seconds_since_2024_});
}

void TxnChecksum::add(std::int64_t id, double balance) {
    ++transactions_;
    ids_ += id;
    doubled_balances_ += doubled(balance);
}

std::string TxnChecksum::text() const { return join({transactions_, ids_, doubled_balances_}); }

}  // namespace bench
