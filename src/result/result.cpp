#include "asyncsql/result/result.hpp"

#include <algorithm>

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
    if (size == 0) throw ArgumentError("partitions(size): size must be at least 1");
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
    if (!row) throw NoResultFound("no row was found when one was required");
    return *row;
}

std::optional<Row> Result::one_or_none() {
    std::size_t left = remaining();
    if (left > 1) {
        cursor_ += left;
        throw MultipleResultsFound("multiple rows (" + std::to_string(left) +
                                   ") were found when one or none was required");
    }
    return first();
}

void Result::throw_no_row() const {
    throw NoResultFound("the statement returned no row; read it as std::optional to accept none");
}

std::vector<std::unordered_map<std::string, Value>> Result::mappings() {
    std::vector<std::unordered_map<std::string, Value>> out;
    out.reserve(remaining());
    while (auto row = fetchone()) out.push_back(row->to_map());
    return out;
}

Result& Result::unique() {
    if (remaining() == 0) return *this;
    const std::size_t width = rows_->columns->size();
    auto kept = std::make_shared<RowSet>();
    kept->columns = rows_->columns;
    auto already_kept = [&](const Value* row) {
        for (std::size_t start = 0; start < kept->values.size(); start += width)
            if (std::equal(row, row + width, kept->values.begin() + static_cast<std::ptrdiff_t>(start)))
                return true;
        return false;
    };
    for (std::size_t r = cursor_; r < rows_->row_count(); ++r) {
        const Value* row = rows_->values.data() + r * width;
        if (!already_kept(row)) kept->values.insert(kept->values.end(), row, row + width);
    }
    rows_ = std::move(kept);
    cursor_ = 0;
    return *this;
}

}  // namespace asyncsql
