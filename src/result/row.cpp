#include "asyncsql/result/row.hpp"

#include <algorithm>
#include <cstdint>

#include "asyncsql/error.hpp"

namespace asyncsql {

namespace {
// Up to this many columns, find() compares the names one by one: quicker than
// hashing the name asked for, and no index to build for every result.
constexpr std::size_t max_scanned_columns = 16;
}  // namespace

Columns::Columns(std::vector<std::string> names) : names_(std::move(names)) {
    if (names_.size() <= max_scanned_columns) {
        for (std::size_t i = 0; i < names_.size() && unique_; ++i)
            unique_ = std::find(names_.begin() + static_cast<std::ptrdiff_t>(i) + 1, names_.end(), names_[i]) ==
                      names_.end();
        return;
    }
    index_.reserve(names_.size());
    // The first column of a repeated name wins, as in SQLAlchemy's Row.
    for (std::size_t i = 0; i < names_.size(); ++i) index_.try_emplace(names_[i], i);
    unique_ = index_.size() == names_.size();
}

std::size_t Columns::find(std::string_view name) const noexcept {
    if (names_.size() <= max_scanned_columns) {
        for (std::size_t i = 0; i < names_.size(); ++i) {
            if (names_[i] == name) return i;  // the first of a repeated name, as above
        }
        return SIZE_MAX;
    }
    auto it = index_.find(name);
    return it == index_.end() ? SIZE_MAX : it->second;
}

std::size_t Columns::index_of(std::string_view name) const {
    std::size_t index = find(name);
    if (index != SIZE_MAX) return index;
    std::string known;
    for (const auto& n : names_) known += (known.empty() ? "" : ", ") + n;
    throw InterfaceError("no column named '" + std::string(name) + "' in this result; columns are: " +
                             (known.empty() ? "(none)" : known),
                         ErrorKind::invalid_argument);
}

void Row::throw_out_of_range(std::size_t column) const {
    throw InterfaceError("column index " + std::to_string(column) + " is out of range; the row has " +
                             std::to_string(size()) + " columns",
                         ErrorKind::invalid_argument);
}

const Value& Row::operator[](std::string_view column) const {
    return data()[set_->columns->index_of(column)];
}

std::unordered_map<std::string, Value> Row::to_map() const {
    std::unordered_map<std::string, Value> out;
    for (std::size_t i = 0; i < size(); ++i) out.try_emplace(set_->columns->name(i), data()[i]);
    return out;
}

std::string Row::to_string() const {
    std::string out = "(";
    for (std::size_t i = 0; i < size(); ++i) {
        if (i) out += ", ";
        const Value& v = data()[i];
        if (v.kind() == ValueKind::text) out += "'" + v.to_string() + "'";
        else out += v.to_string();
    }
    return out + ")";
}

bool operator==(const Row& a, const Row& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

namespace detail {

void throw_shape_error(std::string_view type, std::size_t expected, std::size_t actual) {
    throw DataError("cannot map a row of " + std::to_string(actual) + " columns into " +
                        std::string(type) + ": " + std::to_string(expected) + " columns expected",
                    ErrorKind::data_exception);
}

}  // namespace detail
}  // namespace asyncsql
