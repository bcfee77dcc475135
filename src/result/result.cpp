#include "asyncsql/result/result.hpp"

#include <algorithm>
#include <functional>
#include <unordered_map>
#include <variant>

namespace asyncsql {

Result::Result(std::shared_ptr<const RowSet> rows, std::int64_t rowcount,
               std::optional<std::int64_t> last_insert_id)
    : rows_(std::move(rows)), rowcount_(rowcount), last_insert_id_(last_insert_id) {}

const std::vector<std::string>& Result::keys() const noexcept {
    static const std::vector<std::string> none;
    return rows_ && rows_->columns ? rows_->columns->names() : none;
}

std::size_t Result::remaining() const noexcept {
    return rows_ ? rows_->row_count() - cursor_ : 0;
}

std::optional<Row> Result::fetchone() {
    if (remaining() == 0) return std::nullopt;
    return Row(rows_, cursor_++);
}

std::vector<Row> Result::fetchmany(std::size_t n) {
    std::vector<Row> out;
    out.reserve(std::min(n, remaining()));
    while (out.size() < n && remaining() > 0) out.emplace_back(rows_, cursor_++);
    return out;
}

std::vector<Row> Result::all() { return fetchmany(remaining()); }

std::vector<std::vector<Row>> Result::partitions(std::size_t size) {
    if (size == 0) throw ArgumentError("partitions(size): size must be at least 1", ErrorKind::invalid_argument);
    std::vector<std::vector<Row>> out;
    while (remaining() > 0) out.push_back(fetchmany(size));
    return out;
}

std::optional<Row> Result::first() {
    auto row = fetchone();
    cursor_ = rows_ ? rows_->row_count() : 0;
    return row;
}

Row Result::one() {
    auto row = one_or_none();
    if (!row) throw NoResultFound("no row was found when one was required", ErrorKind::not_found);
    return *row;
}

std::optional<Row> Result::one_or_none() {
    std::size_t left = remaining();
    if (left > 1) {
        cursor_ += left;
        throw MultipleResultsFound("multiple rows (" + std::to_string(left) +
                                       ") were found when one or none was required",
                                   ErrorKind::multiple_found);
    }
    return first();
}

void Result::throw_no_row() const {
    throw NoResultFound("the statement returned no row; read it as std::optional to accept none",
                        ErrorKind::not_found);
}

std::vector<std::unordered_map<std::string, Value>> Result::mappings() {
    return consume_each<std::unordered_map<std::string, Value>>([](const Row& row) { return row.to_map(); });
}

namespace {

std::size_t hash_of(const Value& v) noexcept;

std::size_t hash_of(const Array& elements) noexcept {
    std::size_t hash = elements.size();
    for (const auto& element : elements) hash = hash * 31 + hash_of(element);
    return hash;
}

std::size_t hash_of(const Value& v) noexcept {
    return std::visit(
        [](const auto& x) -> std::size_t {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, Null>) return 0;
            else if constexpr (std::is_same_v<T, std::string>) return std::hash<std::string_view>{}(x);
            else if constexpr (std::is_same_v<T, Decimal> || std::is_same_v<T, Json>)
                return std::hash<std::string_view>{}(x.text);
            else if constexpr (std::is_same_v<T, Bytes>)
                return std::hash<std::string_view>{}(
                    std::string_view(reinterpret_cast<const char*>(x.data()), x.size()));
            else if constexpr (std::is_same_v<T, Date>)
                return std::hash<int>{}(std::chrono::sys_days(x).time_since_epoch().count());
            else if constexpr (std::is_same_v<T, Time>) return std::hash<std::int64_t>{}(x.since_midnight.count());
            else if constexpr (std::is_same_v<T, Timestamp>) return std::hash<std::int64_t>{}(x.time_since_epoch().count());
            else if constexpr (std::is_same_v<T, Interval>)
                return std::hash<std::int64_t>{}(x.time.count()) ^ (std::size_t(x.days) << 20) ^
                       (std::size_t(x.months) << 40);
            else if constexpr (std::is_same_v<T, Array>) return hash_of(x);
            else if constexpr (std::is_same_v<T, Uuid>)
                return std::hash<std::string_view>{}(
                    std::string_view(reinterpret_cast<const char*>(x.bytes.data()), x.bytes.size()));
            else return std::hash<T>{}(x);
        },
        v.storage());
}

}  // namespace

Result& Result::unique() {
    if (remaining() == 0) return *this;
    const std::size_t width = rows_->columns->size();
    auto kept = std::make_shared<RowSet>();
    kept->columns = rows_->columns;
    // Rows by hash, as offsets into kept->values; equal hashes are compared.
    std::unordered_multimap<std::size_t, std::size_t> seen;
    for (std::size_t r = cursor_; r < rows_->row_count(); ++r) {
        const Value* row = rows_->values.data() + r * width;
        std::size_t hash = width;
        for (std::size_t c = 0; c < width; ++c) hash = hash * 31 + hash_of(row[c]);
        auto [first, last] = seen.equal_range(hash);
        const bool duplicate = std::any_of(first, last, [&](const auto& entry) {
            return std::equal(row, row + width, kept->values.begin() + static_cast<std::ptrdiff_t>(entry.second));
        });
        if (duplicate) continue;
        seen.emplace(hash, kept->values.size());
        kept->values.insert(kept->values.end(), row, row + width);
    }
    rows_ = std::move(kept);
    cursor_ = 0;
    return *this;
}

}  // namespace asyncsql
